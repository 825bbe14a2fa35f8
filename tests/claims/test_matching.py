"""Claim matching: a checked claim is found again when repeated in other words."""

from __future__ import annotations

import pytest

from rhetorica.claims.matching import ClaimIndex, dedupe, find_repeated_claims

KNOWN = [
    "The city lost 4,000 jobs last year.",
    "The mayor closed the Harbour Bridge in May.",
    "Crime in Lakeview fell by 12 percent in 2023.",
    "The council will build 500 new homes by 2027.",
]


@pytest.fixture(scope="module")
def index():
    return ClaimIndex().add(KNOWN, ids=["jobs", "bridge", "crime", "homes"])


@pytest.mark.parametrize(
    ("paraphrase", "expected"),
    [
        ("Last year the city shed 4,000 jobs.", "jobs"),
        ("The Harbour Bridge was shut by the mayor in May.", "bridge"),
        ("By 2027 the council is going to build 500 new homes.", "homes"),
    ],
)
def test_paraphrase_is_found(index, paraphrase, expected):
    hits = index.search(paraphrase)
    assert hits and hits[0].id == expected, hits
    assert hits[0].score >= index.threshold


def test_unrelated_claim_is_not_matched(index):
    assert index.search("Our schools are the best in the state.") == []


def test_different_numbers_are_a_different_claim(index):
    assert index.search("The city lost 40,000 jobs last year.") == []
    (near,) = index.search("The city lost 40,000 jobs last year.", threshold=0.0, k=1)
    assert near.id == "jobs" and "numbers differ" in near.note


def test_dedupe_groups_repetitions_only():
    texts = [*KNOWN, "Last year the city shed 4,000 jobs.", "Taxes are too high."]
    groups = dedupe(texts)
    assert len(groups) == 1
    assert {m.text for m in groups[0]} == {KNOWN[0], "Last year the city shed 4,000 jobs."}


def test_injected_embedder_is_used():
    calls = []

    def fake(texts):
        calls.append(len(texts))
        return [[1.0, 0.0] if "bridge" in t.lower() else [0.0, 1.0] for t in texts]

    idx = ClaimIndex(embed=fake).add(["The bridge is closed.", "Taxes rose."])
    assert idx.search("A bridge closure.", threshold=0.5)[0].text == "The bridge is closed."
    assert calls


def test_repeated_claims_across_stored_documents(analyze, tmp_path):
    from rhetorica.store import open_store

    a = analyze("Mayor Elena Rossi closed the Harbour Bridge in May. Unemployment in Lakeview "
                "went up 3 percent last year, and 4,000 factory jobs were lost.",
                speaker="Council member A", date="2024-01-10")
    b = analyze("Last year Lakeview lost 4,000 factory jobs and its unemployment rose by "
                "3 percent.", speaker="Council member B", date="2024-02-02")
    with open_store(str(tmp_path / "m.db")) as st:
        st.save_many([a, b])
        groups = find_repeated_claims(st)
    assert len(groups) == 1, groups
    assert all("4,000 factory jobs" in m.text for m in groups[0])
    speakers = {m.meta["speaker"] for m in groups[0]}
    assert speakers == {"Council member A", "Council member B"}
    for m in groups[0]:
        assert m.meta["start"] < m.meta["end"]
