from __future__ import annotations

import pytest

from rhetorica.document import Document, DocumentMeta, Span, SpanError, content_key


def test_span_must_fit_text():
    doc = Document("abc")
    with pytest.raises(SpanError):
        doc.add_span(1, 4, "x", layer="t")
    with pytest.raises(SpanError):
        doc.add_span(2, 2, "x", layer="t")


def test_roundtrip_keeps_spans_and_meta():
    doc = Document("Hello world", DocumentMeta(speaker="A", date="2025-01-01", extra={"id": "7"}))
    doc.add_span(0, 5, "greeting", layer="t", score=0.5, explanation="why", attrs={"k": 1})
    again = Document.from_dict(doc.to_dict())
    assert again.to_dict() == doc.to_dict()
    assert again.spans[0] == Span(0, 5, "greeting", 0.5, "", "why", "t", {"k": 1})


def test_identity_depends_on_speaker_and_date():
    assert content_key("x", "A", "2025") != content_key("x", "B", "2025")
    assert content_key("x", "A", "2025") != content_key("x", "A", "2026")
    assert content_key("x") == Document("x").key


def test_layers_sorted_and_removable():
    doc = Document("one two three")
    doc.add_span(8, 13, "b", layer="w")
    doc.add_span(0, 3, "a", layer="w")
    doc.add_span(0, 3, "z", layer="other")
    assert [s.label for s in doc.layer("w")] == ["a", "b"]
    doc.remove_layer("w")
    assert doc.layers() == ["other"]
