"""Long texts are parsed in pieces (bounded memory) yet behave as one document."""

from __future__ import annotations

from rhetorica.nlp.parse import CHUNK_CHARS, _pieces, parse_long
from rhetorica.nlp.spacy_model import load_spacy
from tests.conftest import assert_offsets


def test_pieces_join_back_exactly_and_prefer_sentence_ends():
    text = ("Senator Maria Lopez said exports fell. " * 1500) + "x" * 50_000 + "\nEnd."
    pieces = list(_pieces(text))
    assert "".join(pieces) == text and all(pieces)
    assert all(len(p) <= CHUNK_CHARS + 2 for p in pieces)
    assert sum(p.endswith(". ") for p in pieces) >= 2  # cut after a full stop where possible


def test_long_text_parse_keeps_offsets_and_entities_everywhere(analyze):
    unit = "In Ohio, Senator Maria Lopez said exports fell by 3% in 2024. "
    text = unit * (3 * CHUNK_CHARS // len(unit))
    assert len(text) > 2 * CHUNK_CHARS
    parsed = parse_long(load_spacy(), text)
    assert parsed.text == text
    for tok in parsed:
        assert text[tok.idx: tok.idx + len(tok.text)] == tok.text
    last = [e for e in parsed.ents if e.start_char > 2 * CHUNK_CHARS]
    assert last and all(text[e.start_char:e.end_char] == e.text for e in last)
    doc = analyze(text)
    assert_offsets(doc)
    sentences = doc.layer("sentence")
    assert len(sentences) == text.count(". ")  # no sentence lost or split at a piece boundary
