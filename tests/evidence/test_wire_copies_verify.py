"""Verification counts a syndicated story once and cites its earliest copy."""

from __future__ import annotations

from rhetorica.evidence.index import HybridIndex
from rhetorica.evidence.report import copies_text
from rhetorica.evidence.verify import collapse_copies
from rhetorica.ingest.corpus import CorpusDocument
from tests.ingest.test_near_duplicates import OTHER_NEWSROOM, STORY


def test_one_hit_per_group_cited_from_the_earliest_copy(corpus_store):
    paras = STORY.split("\n\n")
    later_copy = "\n\n".join(["HARLOW BAY (Lakeshore Wire) — " + paras[0].split("— ", 1)[1],
                              *paras[1:4]])
    edited = STORY.replace("rotting", "decaying")
    rep = corpus_store.add_documents([
        CorpusDocument(later_copy, "wire:1", title="Ferry terminal to shut",
                       source="Lakeshore Wire", published="2026-04-15"),
        CorpusDocument(STORY, "herald:1", title="Council closes Pier Street terminal",
                       source="Harlow Bay Herald", published="2026-04-14"),
        CorpusDocument(edited, "courier:1", title="Pier Street terminal closing",
                       source="Valley Courier", published="2026-04-16"),
        CorpusDocument(OTHER_NEWSROOM, "radio:1", title="Longer commute for riders",
                       source="Bay Public Radio", published="2026-04-14")], None, "none")
    wire_id, herald_id, courier_id, radio_id = rep.ids
    index = HybridIndex(corpus_store)
    claim = "Commuters will use a temporary floating dock at Gull Point with forty parking spaces"
    hits = index.search(claim, k=10, mode="bm25")
    assert len({h.document_id for h in hits}) >= 3  # the copies compete for the top ranks
    kept = collapse_copies(hits, corpus_store)
    [top] = [h for h in kept if h.document_id in (wire_id, herald_id, courier_id)]
    # the paragraph was indexed from the wire copy (stored first) and is found word for
    # word in the Herald's earlier copy: cited there, with the right offsets
    assert top.document_id == herald_id and top.source == "Harlow Bay Herald"
    assert top.published == "2026-04-14"
    assert STORY[top.start:top.end] == top.text
    assert {c["id"] for c in top.copies} == {wire_id, courier_id}
    assert copies_text({"copies": top.copies}).startswith("also carried by 2 copies: ")
    assert any(h.document_id == radio_id for h in kept)  # another newsroom is its own source


def test_an_earlier_version_of_a_refetched_page_is_left_out(corpus_store):
    from rhetorica.evidence.verify import Verifier

    url = "https://ledger.example/libraries"
    old = ("The Eastbury library board restored Sunday opening hours at all four branches on "
           "Monday, reversing cuts made two years ago. " * 3).strip()
    new = old.replace("four branches", "five branches")
    old_id, new_id = corpus_store.add_documents(
        [CorpusDocument(old, url, title="Hours restored", source="Ledger", url=url),
         CorpusDocument(new, url, title="Hours restored", source="Ledger", url=url)],
        None, "none").ids
    assert corpus_store.superseded([old_id, new_id]) == {old_id}

    class Index:  # retrieval that returns both versions, the stale one first
        store = corpus_store

        def search(self, claim, k, filters=None, mode="hybrid"):
            return HybridIndex(corpus_store).search(claim, k=k, mode="bm25")

    result = Verifier(Index(), k=3).verify("The library board restored Sunday hours at four "
                                           "branches")
    cited = [p["document_id"] for p in result.passages]
    assert new_id in cited and old_id not in cited
    assert any("earlier version" in n for n in result.notes)


def test_a_superseded_passage_says_so_in_every_format() -> None:
    """New-user trial: the link to the later correction was only in --json."""
    from rhetorica.evidence.report import EVIDENCE, notes_text

    old = {"passage_id": 1, "stance": "unrelated", "score": 0.9, "text": "Voters approved it.",
           "superseded_by": 2, "checks": [], "source": "Gazette", "date": "2025-05-09"}
    new = {"passage_id": 2, "stance": "refutes", "score": 0.8, "text": "It was rejected.",
           "checks": [], "source": "Courier", "date": "2025-05-10"}
    assert notes_text(old, [old, new]) == [
        "superseded: corrected by a later report (Courier 2025-05-10)"]
    assert notes_text(new, [old, new]) == []
    item = {"claim": {"text": "Voters approved it.", "start": 0, "end": 19},
            "verdict": "refuted", "confidence": 0.7, "summary": "", "passages": [old, new]}
    from rhetorica.document import Document

    doc = Document("Voters approved it.")
    doc.results["evidence"] = [item]
    for text in (EVIDENCE.html(doc), EVIDENCE.markdown(doc)):
        assert "corrected by a later report (Courier 2025-05-10)" in (text or "")
