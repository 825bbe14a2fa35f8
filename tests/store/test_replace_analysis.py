"""Delete wins over a late writer (issue 14, finding 10), for every backend.

A background job (verification) reads a statement, works for a while, and writes its result
back. ``replace_analysis`` writes only onto the statement it read (same id, same content
key), inside one transaction: a statement deleted meanwhile stays deleted, and a new
statement that reuses the id (SQLite reuses the highest rowid) is not touched.
"""

from __future__ import annotations

from rhetorica.document import Document, DocumentMeta, Span
from rhetorica.store import open_store


def _doc(text: str, **results) -> Document:
    doc = Document(text, DocumentMeta(speaker="Sen. Example", date="2025-01-02"))
    doc.results.update({"pipeline": ["parse", "claims"], **results})
    doc.spans.append(Span(0, 5, "claim", 0.9, layer="claim"))
    return doc


def test_replace_analysis_updates_a_stored_statement(store_url):
    with open_store(store_url) as st:
        saved = st.save(_doc("Crime rose 40% in 2024.", evidence=[]))
        later = st.get(saved.document_id)
        later.results["evidence"] = [{"verdict": "supported"}]
        later.results.pop("store_id", None)
        assert st.replace_analysis(later, saved.document_id) is True
        again = st.get(saved.document_id)
        assert again.results["evidence"] == [{"verdict": "supported"}]
        assert st.stats()["documents"] == 1 and st.stats()["analyses"] == 1
        assert len(again.spans) == 1


def test_replace_analysis_never_brings_a_deleted_statement_back(store_url):
    with open_store(store_url) as st:
        saved = st.save(_doc("Crime rose 40% in 2024."))
        read = st.get(saved.document_id)
        assert st.delete(saved.document_id)
        read.results["evidence"] = [{"verdict": "supported"}]
        assert st.replace_analysis(read, saved.document_id) is False
        assert st.get(saved.document_id) is None
        assert st.stats()["documents"] == 0 and st.stats()["analyses"] == 0
        assert st.search("crime") == []


def test_replace_analysis_does_not_write_onto_a_statement_that_reused_the_id(store_url):
    with open_store(store_url) as st:
        first = st.save(_doc("Crime rose 40% in 2024."))
        read = st.get(first.document_id)
        st.delete(first.document_id)
        other = st.save(_doc("Taxes fell in 2023.", marker="untouched"))
        read.results["evidence"] = [{"verdict": "supported"}]
        assert st.replace_analysis(read, other.document_id) is False
        kept = st.get(other.document_id)
        assert kept.text == "Taxes fell in 2023." and kept.results["marker"] == "untouched"
        assert "evidence" not in kept.results
