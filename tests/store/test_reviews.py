"""People's reviews of claims: the same contract on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from rhetorica.document import Document, DocumentMeta
from rhetorica.ingest.errors import InputError
from rhetorica.store.reviews import latest_reviews, record_review

TEXT = ("The mayor said crime fell by 12 percent last year. The new bridge will open in May. "
        "Officials confirmed the budget passed.")
CLAIM = "The mayor said crime fell by 12 percent last year."


@pytest.fixture
def store(store_url):
    from rhetorica.store import open_store

    st = open_store(store_url)
    yield st
    st.close()


def test_a_review_is_kept_across_reanalysis_with_its_history(store):
    saved = store.save(Document(TEXT, DocumentMeta(speaker="Mayor Ana Pike")))
    first = record_review(store, saved.document_id, CLAIM, "needs more", "Dana Whitfield",
                          note="ask the police for the 2024 figures", start=0, end=len(CLAIM))
    assert first.verdict == "needs_more" and first.id and first.reviewed_at
    second = record_review(store, saved.document_id, "  the mayor said crime fell by 12 "
                           "percent last year.", "refuted", "Dana Whitfield",
                           note="police data: +3 %", evidence=["https://police.example/2024"])
    # re-analysis replaces spans, not reviews
    store.save(Document(TEXT, DocumentMeta(speaker="Mayor Ana Pike")))
    [current] = latest_reviews(store, saved.document_id)
    assert (current.verdict, current.reviews, current.id) == ("refuted", 2, second.id)
    assert current.evidence == ["https://police.example/2024"]
    assert current.note == "police data: +3 %" and current.reviewer == "Dana Whitfield"
    other = store.save(Document("Another statement about the harbour budget.",
                                DocumentMeta(speaker="Mayor Ana Pike")))
    record_review(store, other.document_id, "the harbour budget", "not checkable", "Sam Ode")
    assert [r.verdict for r in latest_reviews(store)] == ["not_checkable", "refuted"]


@pytest.mark.parametrize(("verdict", "reviewer", "message"), [
    ("probably true", "Dana", "unknown verdict"),
    ("supported", "  ", "say who reviews"),
])
def test_bad_reviews_are_refused_and_store_nothing(store, verdict, reviewer, message):
    saved = store.save(Document(TEXT))
    with pytest.raises(InputError, match=message):
        record_review(store, saved.document_id, CLAIM, verdict, reviewer)
    with pytest.raises(InputError, match="no stored statement"):
        record_review(store, 987654, CLAIM, "supported", "Dana")
    assert latest_reviews(store) == []


def test_reviews_go_with_their_statement(store):
    saved = store.save(Document(TEXT))
    record_review(store, saved.document_id, CLAIM, "supported", "Dana")
    assert store.delete(saved.document_id)
    assert latest_reviews(store) == []
