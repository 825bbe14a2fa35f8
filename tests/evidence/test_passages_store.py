"""Passages keep offsets into the source; the corpus store is idempotent and transactional."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetorica.ingest.corpus import CorpusDocument
from rhetorica.ingest.passages import sentence_bounds, split_passages

from .conftest import ARTICLES


def test_sentences_respect_abbreviations_and_headings() -> None:
    text = "Dr. Ortiz met Mr. Reyes in the U.S. capital. They agreed.\nA heading 2024\nNext line."
    sents = [text[s:e] for s, e in sentence_bounds(text)]
    assert sents[0] == "Dr. Ortiz met Mr. Reyes in the U.S. capital."
    assert "They agreed." in sents and "A heading 2024" in sents


def test_passages_group_sentences_and_break_at_paragraphs() -> None:
    text = "One is here. Two is here. Three is here. Four is here.\n\nFive starts a paragraph."
    ps = split_passages(text, max_sentences=3)
    assert [p.text for p in ps] == ["One is here. Two is here. Three is here.", "Four is here.",
                                    "Five starts a paragraph."]
    for p in ps:
        assert text[p.start:p.end] == p.text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc XYZ.!?\n\t,0123")), max_size=600))
def test_passage_offsets_always_match_the_text(text: str) -> None:
    last = 0
    for p in split_passages(text, max_chars=50):
        assert 0 <= p.start < p.end <= len(text)
        assert text[p.start:p.end] == p.text and p.text.strip() == p.text
        assert p.start >= last
        last = p.end


def test_add_is_idempotent(corpus_store) -> None:
    before = corpus_store.stats()
    assert before["documents"] == 4 and before["passages"] >= 4
    assert before["embeddings"]["wordllama"]["vectors"] == before["passages"]
    again = corpus_store.add_documents(ARTICLES, None, "wordllama")
    assert again.documents_added == 0 and again.documents_skipped == 4
    assert corpus_store.stats()["passages"] == before["passages"]


def test_duplicate_passages_are_not_indexed_twice(corpus_store) -> None:
    copy = CorpusDocument(ARTICLES[2].text + "\n\nA syndicated footer line was added here.",
                          "test:copy", source="Other Paper")
    rep = corpus_store.add_documents([copy], None, "wordllama")
    assert rep.documents_added == 1 and rep.passages_skipped >= 1 and rep.passages_added == 1


def test_failure_in_the_middle_leaves_nothing(corpus_store) -> None:
    before = corpus_store.stats()
    calls = {"n": 0}

    def exploding(texts):
        calls["n"] += 1
        raise RuntimeError("embedding failed")

    new = [CorpusDocument(f"Fresh report number {i} about the harbour.", f"t:{i}")
           for i in range(3)]
    with pytest.raises(RuntimeError):
        corpus_store.add_documents(new, exploding, "wordllama")
    assert calls["n"] == 1
    after = corpus_store.stats()
    assert (after["documents"], after["passages"]) == (before["documents"], before["passages"])
    assert corpus_store.lexical("Fresh report harbour", 5) == [] or all(
        "Fresh" not in corpus_store.passages([pid])[pid]["text"]
        for pid, _ in corpus_store.lexical("Fresh report", 5))


def test_remove_by_id_and_source_cascades(corpus_store) -> None:
    docs = corpus_store.list_documents()
    n_passages = corpus_store.stats()["passages"]
    assert corpus_store.remove([docs[0]["id"]]) == 1
    assert corpus_store.stats()["passages"] == n_passages - docs[0]["passages"]
    assert corpus_store.remove([], source="Coastal Ledger") == 2
    stats = corpus_store.stats()
    assert stats["documents"] == 1 and "Coastal Ledger" not in stats["top_sources"]
    assert stats["embeddings"]["wordllama"]["vectors"] == stats["passages"]
    assert corpus_store.lexical("bridge cables", 5) == []


def test_store_reopens_with_same_schema(tmp_path: Path) -> None:
    from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

    with SQLiteCorpusStore.open(str(tmp_path / "x.db")) as s:
        assert s.stats()["documents"] == 0
        assert s.store.schema_version() >= 2


def test_a_passage_does_not_end_inside_a_quotation() -> None:
    text = ("Police made 12 arrests on Sunday, the department said. Officials reported "
            "broken windows at two offices but no wider violence. \"Dunmore is not in chaos. "
            "People are worried about their wages, and they may say so,\" Mayor Aila Strom "
            "said. Two officers were hurt.")
    passages = split_passages(text)
    holding = next(p for p in passages if "not in chaos" in p.text)
    assert "Mayor Aila Strom said" in holding.text
    assert all(text[p.start:p.end] == p.text for p in passages)
