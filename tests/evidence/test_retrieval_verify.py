"""Retrieval finds the right passage; verdicts, no-evidence findings, ClaimReview, reports."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rhetorica.evidence.index import HybridIndex, rrf
from rhetorica.evidence.verify import NO_EVIDENCE, VERDICTS, Verifier
from rhetorica.store.corpus import Filters, fts_or_query


@pytest.fixture
def index(corpus_store):
    return HybridIndex(corpus_store)


def test_rrf_rewards_agreement() -> None:
    fused = rrf({"bm25": [1, 2, 3], "dense": [3, 1, 4]})
    assert [p for p, _, _ in fused][:2] == [1, 3]
    assert fused[0][2] == {"bm25": 1, "dense": 2}


def test_fts_query_is_safe() -> None:
    assert fts_or_query('the "bridge" OR NEAR(') == '"bridge" OR "near"'
    assert fts_or_query("the of and") == ""


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_retrieval_finds_the_right_passage(index, mode: str) -> None:
    hits = index.search("How many containers did Westport harbour handle?", k=3, mode=mode)
    assert hits and hits[0].source == "Westport Gazette"
    assert "container" in hits[0].text
    doc_text = next(a.text for a in __import__("tests.evidence.conftest", fromlist=["x"]).ARTICLES
                    if a.source == "Westport Gazette")
    assert doc_text[hits[0].start:hits[0].end] == hits[0].text


def test_date_and_source_filters(index) -> None:
    q = "bridge reopened repairs"
    assert index.search(q, k=3)[0].source == "Coastal Ledger"
    for mode in ("bm25", "dense", "hybrid"):
        hits = index.search(q, k=5, mode=mode, filters=Filters(since="2024-01-01"))
        assert all(h.published >= "2024-01-01" for h in hits)
        hits = index.search(q, k=5, mode=mode, filters=Filters(sources=("Eastbury Times",)))
        assert {h.source for h in hits} <= {"Eastbury Times"}  # BM25: no shared word, none
        assert hits or mode == "bm25"
    hits = index.search(q, k=5, filters=Filters(until="2022-12-31"))
    assert [h.title for h in hits] == ["Dry years"]


def test_vector_cache_reloads_after_changes(corpus_store, index) -> None:
    first = corpus_store.vectors("wordllama")
    assert corpus_store.vectors("wordllama") is first
    corpus_store.remove([], source="Coastal Ledger")
    assert len(corpus_store.vectors("wordllama").ids) < len(first.ids)


@pytest.fixture
def verifier(index):
    return Verifier(index)


def test_supported_claim(verifier) -> None:
    res = verifier.verify("Container traffic at Westport harbour rose in 2024.")
    assert res.verdict == "supported"
    top = res.passages[0]
    assert top["stance"] == "supports" and top["source"] == "Westport Gazette"
    assert top["date"] == "2025-01-20" and top["url"].startswith("https://")
    assert 0.0 < res.confidence <= 1.0
    assert abs(sum(res.probabilities.values()) - 1.0) < 1e-3


def test_refuted_claim(verifier) -> None:
    res = verifier.verify("Unemployment in Eastbury did not fall in March.")
    assert res.verdict == "refuted", res
    assert any(p["stance"] == "refutes" and p["source"] == "Eastbury Times"
               for p in res.passages)


def test_claim_without_evidence_says_so_plainly(verifier) -> None:
    res = verifier.verify("The mayor of Lindholm banned electric scooters from the old town.")
    assert res.verdict == "not_enough_evidence"
    assert res.summary == NO_EVIDENCE == "No report in the corpus supports this claim."


def test_empty_hits_are_not_enough_evidence(verifier) -> None:
    res = verifier.judge("Anything at all.", [])
    assert res.verdict == "not_enough_evidence" and res.passages == []


def test_stance_model_is_the_cross_encoder(verifier) -> None:
    from rhetorica.evidence.cross_encoder import CrossEncoderStance

    m = verifier.stance
    assert isinstance(m, CrossEncoderStance)
    probs = m.predict_proba(["Traffic rose."], ["Traffic rose sharply last year."])
    assert probs.shape == (1, 3) and np.isclose(probs.sum(), 1.0)
    assert probs[0].argmax() == 0  # supports


def test_summary_never_contradicts_the_listed_passages(verifier) -> None:
    claims = ["Container traffic at Westport harbour rose in 2024.",
              "Container traffic at Westport harbour tripled in 2024.",
              "Unemployment in Eastbury did not fall in March.",
              "The Northgate bridge collapsed on Monday.",
              "The mayor of Lindholm banned electric scooters from the old town."]
    for claim in claims:
        res = verifier.verify(claim)
        strong = {p["stance"] for p in res.passages if p["strong"]}
        if res.verdict == "supported":
            assert strong == {"supports"}, res
        elif res.verdict == "refuted":
            assert strong == {"refutes"}, res
        elif res.verdict == "not_enough_evidence":
            assert not strong, res
            assert "support" not in res.summary.replace("supports this claim", "") or \
                res.summary == NO_EVIDENCE


def test_figures_that_disagree_are_never_supported_and_say_why(verifier) -> None:
    res = verifier.verify("Container traffic at Westport harbour tripled in 2024.")
    assert res.verdict == "refuted", res
    assert any("tripled" in r and "12 percent" in r for r in res.reasons), res.reasons
    card = next(p for p in res.passages if p["source"] == "Westport Gazette")
    assert card["stance"] == "refutes" and card["checks"][0]["relation"] == "conflict"


def test_as_of_uses_only_evidence_published_by_then(verifier) -> None:
    claim = "Container traffic at Westport harbour rose in 2024."
    res = verifier.verify(claim, as_of="2024-12-31")
    assert all(p["date"] and p["date"] <= "2024-12-31" for p in res.passages)
    assert res.verdict == "not_enough_evidence"
    assert verifier.verify(claim, as_of="2025-02-01").verdict == "supported"


def test_a_headline_is_never_a_passage_alone(tmp_path) -> None:
    from rhetorica.evidence.embed import get_embedder
    from rhetorica.ingest.corpus import CorpusDocument
    from rhetorica.store.sqlite import SQLiteStore
    from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

    store = SQLiteCorpusStore(SQLiteStore(tmp_path / "h.db"))
    emb = get_embedder("wordllama")
    store.add_documents([CorpusDocument(
        "Riverton Rapids win in extra time\n\nRIVERTON, March 3 — The Rapids beat Harlow 3-2 "
        "after extra time on Saturday. Their coach praised the defence.",
        "t:sport", title="Riverton Rapids win in extra time", source="Sports Desk",
        published="2025-03-03")], emb.encode, emb.name)
    texts = [r["text"] for r in store.store.query("SELECT text FROM passages")]
    assert texts and all("The Rapids beat" in t for t in texts)
    res = Verifier(HybridIndex(store)).verify("Homicides in Riverton fell in 2024.")
    assert res.verdict == "not_enough_evidence"
    assert all(p["stance"] != "supports" for p in res.passages)
    store.close()


def test_claimreview_has_all_required_fields(verifier) -> None:
    from rhetorica.document import Document, DocumentMeta
    from rhetorica.evidence.claimreview import PUBLISH_CONFIDENCE, claim_review, write_claimreview

    res = verifier.verify("Container traffic at Westport harbour rose in 2024.")
    item = {"claim": {"text": res.claim, "start": 0, "end": len(res.claim)}, **res.to_dict()}
    item.pop("claim")
    item["claim"] = {"text": res.claim, "start": 0, "end": len(res.claim)}
    doc = Document(res.claim, DocumentMeta(speaker="Mayor Ana Pike", date="2025-02-01",
                                           url="https://council.example/speech"))
    doc.results["evidence"] = [item]
    # an automated verdict is published only when asked for, and only when firm enough
    assert json.loads(write_claimreview([doc])) == []
    out = json.loads(write_claimreview([doc], include_unreviewed=True))
    assert len(out) == int(res.confidence >= PUBLISH_CONFIDENCE)
    cr = out[0] if out else claim_review(item, doc)
    assert cr == claim_review(item, doc, published=cr["datePublished"])
    assert cr["@context"] == "https://schema.org" and cr["@type"] == "ClaimReview"
    for key in ("claimReviewed", "author", "datePublished", "url", "itemReviewed"):
        assert cr[key], key
    # A machine verdict is rated only when supported/refuted at the publishing confidence.
    assert res.verdict == "supported"
    if res.confidence >= PUBLISH_CONFIDENCE:
        assert cr["reviewRating"]["alternateName"] == "True" and "description" not in cr
    else:
        assert "reviewRating" not in cr and cr["description"].startswith("No rating given")
    claim = cr["itemReviewed"]
    assert claim["@type"] == "Claim" and claim["author"]["name"] == "Mayor Ana Pike"
    assert claim["datePublished"] == "2025-02-01"
    assert claim["appearance"]["url"] == "https://council.example/speech"
    assert cr["citation"] and cr["citation"][0]["publisher"]["name"] == "Westport Gazette"
    assert set(VERDICTS) <= set(__import__("rhetorica.evidence.claimreview",
                                           fromlist=["x"]).RATINGS)
    # Once a person has reviewed it, the rating is published under their name.
    reviewed = claim_review({**item, "reviewed_by": "Dana Reyes"}, doc)
    rating = reviewed["reviewRating"]
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert rating["alternateName"] == "True"
    assert reviewed["author"] == {"@type": "Person", "name": "Dana Reyes"}
    assert reviewed["publisher"]["name"] == "Rhetorica"


def test_component_and_report_sections(tmp_path, monkeypatch, corpus_store) -> None:
    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.evidence.verify import make_verify
    from rhetorica.report.markdown import write_markdown

    text = ("Container traffic at Westport harbour rose in 2024. <script>alert(1)</script> "
            "The mayor of Lindholm banned electric scooters.")
    doc = Document(text)
    first_end = text.index("2024.") + 5
    doc.add_span(0, first_end, "checkworthy", layer="claim", score=0.9)
    doc.add_span(text.index("The mayor"), len(text), "checkworthy", layer="claim", score=0.8)
    doc.add_span(first_end + 1, text.index("The mayor") - 1, "not", layer="claim", score=0.1)
    comp = make_verify(Settings(db=corpus_store.store.url))
    comp(doc)
    ev = doc.results["evidence"]
    assert len(ev) == 2  # the low-score span is not verified
    assert ev[0]["claim"]["text"] == text[ev[0]["claim"]["start"]:ev[0]["claim"]["end"]]
    assert ev[0]["verdict"] == "supported" and ev[1]["verdict"] == "not_enough_evidence"
    md = write_markdown([doc])
    assert "## Evidence for the claims" in md and NO_EVIDENCE in md
    assert "Westport Gazette" in md
    from rhetorica.evidence.report import EVIDENCE

    doc.results["evidence"][0]["passages"][0]["text"] = "<img src=x onerror=alert(1)>"
    doc.results["evidence"][0]["passages"][0]["url"] = "javascript:alert(1)"
    html = EVIDENCE.html(doc)
    assert "<img" not in html and "&lt;img" in html and "javascript:" not in html
    assert EVIDENCE.html(Document("no evidence key")) is None


def test_coarse_dense_search_agrees_with_exact(corpus_store, monkeypatch) -> None:
    import rhetorica.store.corpus as store_mod

    index = HybridIndex(corpus_store)
    q = "container traffic record at the harbour"
    exact = index.dense(q, 3)
    monkeypatch.setattr(store_mod, "COARSE_MIN_ROWS", 0)
    corpus_store._cache.clear()
    assert corpus_store.vectors("wordllama").coarse is not None
    assert index.dense(q, 3)[0][0] == exact[0][0]
    only = index.dense(q, 3, Filters(sources=("Eastbury Times",)))
    assert only and all(corpus_store.passages([p])[p]["source"] == "Eastbury Times"
                        for p, _ in only)


def test_fts_stemming_matches_sqlite_and_common_terms_are_dropped(corpus_store, monkeypatch
                                                                  ) -> None:
    import rhetorica.store.sqlite_corpus as store_mod
    from rhetorica.store.corpus import _Stemmer

    assert _Stemmer().stems(["rising", "hospitals", "2024"]) == ["rise", "hospit", "2024"]
    monkeypatch.setattr(store_mod, "PRUNE_MIN_ROWS", 0)
    monkeypatch.setattr(store_mod, "COMMON_TERM_SHARE", 0.0)  # every indexed term is common
    terms = corpus_store._selective_terms(["percent", "westport", "zzzunseen", "traffic",
                                           "record"])
    assert len(terms) == 3 and terms[0] == "zzzunseen"  # unknown term (df 0) is rarest


def test_summary_mentions_passages_that_lean_the_other_way() -> None:
    """New-user trial: "supported ... none contradicts it" above a row "refutes 0.67"."""
    from rhetorica.evidence.verify import summarise

    strong_sup = {"stance": "supports", "strong": True}
    weak_ref = {"stance": "refutes", "strong": False}
    assert summarise("supported", [strong_sup]) == (
        "1 passage in the corpus supports this claim; none contradicts it.")
    assert summarise("supported", [strong_sup, weak_ref]) == (
        "1 passage in the corpus supports this claim; 1 passage leans against it, below the "
        "bar for a contradiction.")
    assert "2 passages lean towards it" in summarise(
        "refuted", [{"stance": "refutes", "strong": True},
                    *[{"stance": "supports", "strong": False}] * 2])
    assert summarise("disputed", [strong_sup, {"stance": "refutes", "strong": True}]) == (
        "Reports in the corpus disagree: 1 passage supports this claim, 1 passage "
        "contradicts it.")


def test_a_low_confidence_verdict_is_still_the_rules_verdict(verifier, monkeypatch) -> None:
    """The calibrated confidence of "refuted" can fall below the even share of the three
    other verdicts; the verdict must stay "refuted", never become the first of the others."""
    vm = verifier.verdict_model
    monkeypatch.setattr(vm, "confidence", lambda probs, verdict: 0.1)
    res = verifier.verify("Container traffic at Westport harbour tripled in 2024.")
    assert res.verdict == vm.decide(np.array([[p["stance_probabilities"][s] for s in
                                                ("supports", "refutes", "unrelated")]
                                               for p in res.passages])) == "refuted"
    assert res.confidence == pytest.approx(0.1)


def test_passages_about_another_place_are_reranked_last(verifier) -> None:
    """Rerank keeps the passages that name the claim's place before any the model merely
    finds relevant: another town's jobless figures must not crowd out this town's."""
    from types import SimpleNamespace

    def hit(i: int, text: str) -> SimpleNamespace:
        return SimpleNamespace(text=text, title=None, lead=None, source=None, published=None,
                               url=None, author=None, origin=None, document_id=i,
                               passage_id=i, start=0, end=len(text), score=1.0 / (i + 1))

    towns = ["Northby", "Southam", "Westfield", "Kirkton", "Ashby", "Dunmore"]
    # the model reads these as closer to the claim than the passage that names Eastbury
    others = [hit(i, f"Unemployment in {town} fell in March, officials said.")
              for i, town in enumerate(towns[:verifier.k + 1])]
    own = hit(99, "The Eastbury jobless count for March was published on Friday.")
    res = verifier.judge("Unemployment in Eastbury fell in March.", [*others, own], rerank=True)
    assert len(res.passages) == verifier.k
    assert any(p["passage_id"] == 99 for p in res.passages)


def _found(verdict: str, confidence: float, passage: str):
    from rhetorica.evidence.verify import Verification

    return Verification(claim="", verdict=verdict, confidence=confidence,
                        summary=f"{verdict} summary", probabilities={verdict: confidence},
                        passages=[{"text": passage, "stance": "supports", "score": 0.9}],
                        reasons=[f"{verdict} because"])


def test_a_sentence_checked_in_parts_holds_only_as_far_as_all_of_them() -> None:
    """From a new user's trial: "The plant was built in 1968 and has failed state
    inspections three times since 2019" was supported, though only the second part was."""
    from rhetorica.evidence.verify import combine_parts

    built, failed = "The plant was built in 1968.", "The plant failed inspections three times."
    one = combine_parts([(built, _found("not_enough_evidence", 0.3, "p1")),
                         (failed, _found("supported", 0.8, "p2"))])
    assert one["verdict"] == "not_enough_evidence"
    assert one["summary"].startswith("1 of its 2 parts is supported")
    assert [p["verdict"] for p in one["parts"]] == ["not_enough_evidence", "supported"]
    false = combine_parts([(built, _found("refuted", 0.7, "p1")),
                           (failed, _found("supported", 0.8, "p2"))])
    assert false["verdict"] == "refuted" and [p["text"] for p in false["passages"]] == ["p1"]
    assert built in false["summary"] and false["reasons"] == [f"{built}: refuted because"]
    both = combine_parts([(built, _found("supported", 0.6, "p1")),
                          (failed, _found("supported", 0.8, "p2"))])
    assert both["verdict"] == "supported" and both["confidence"] == 0.6
    assert [p["text"] for p in both["passages"]] == ["p1", "p2"]
    assert [p["text"] for p in one["passages"]] == ["p1", "p2"]


def test_the_component_checks_each_part_of_a_compound_claim(corpus_store) -> None:
    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.evidence.verify import make_verify

    text = ("Container traffic at Westport harbour rose in 2024 and the mayor of Lindholm "
            "banned electric scooters.")
    doc = Document(text)
    doc.add_span(0, len(text), "check_worthy", layer="claim", score=0.9)
    cut = text.index(" and ")
    for i, (a, b, said) in enumerate([
            (0, cut, "Container traffic at Westport harbour rose in 2024."),
            (cut + 5, len(text), "The mayor of Lindholm banned electric scooters.")]):
        doc.add_span(a, b, "statement", layer="atomic_claim", score=0.9,
                     attrs={"text": said, "claim": [0, len(text)], "index": i})
    make_verify(Settings(db=corpus_store.store.url))(doc)
    [item] = doc.results["evidence"]
    assert [p["verdict"] for p in item["parts"]] == ["supported", "not_enough_evidence"]
    assert item["verdict"] == "not_enough_evidence"
    from rhetorica.evidence.report import EVIDENCE

    md, html = EVIDENCE.markdown(doc), EVIDENCE.html(doc)
    assert "Checked in 2 parts:" in md
    assert "- “The mayor of Lindholm banned electric scooters.”: **not enough evidence**" in md
    assert '<ul class="parts">' in html and "<q>Container traffic at Westport" in html
