"""Atomic claims: compound sentences split, references resolved, offsets kept."""

from __future__ import annotations

import pytest

from tests.conftest import assert_offsets

COMPOUND = ("Mayor Elena Rossi closed the Harbour Bridge in May and cut the transit budget "
            "by 20 percent.")


@pytest.fixture(scope="module")
def run():
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    pipe = Pipeline(["parse", "language", "segment", "entities", "claims", "atomic_claims"])
    return lambda text: pipe(Document(text))


def atoms(doc):
    """In reading order: by claim, then by position within the claim."""
    return sorted(doc.layer("atomic_claim"), key=lambda a: (a.attrs["claim"], a.attrs["index"]))


def test_compound_sentence_splits_into_two_self_contained_claims(run):
    doc = run(COMPOUND)
    assert_offsets(doc)
    texts = [a.attrs["text"] for a in atoms(doc)]
    assert len(texts) == 2, texts
    assert texts[0].startswith("Mayor Elena Rossi closed the Harbour Bridge in May")
    assert " and" not in texts[0]
    # The second clause borrows the subject of the first.
    assert texts[1] == "Mayor Elena Rossi cut the transit budget by 20 percent."
    second = atoms(doc)[1]
    pieces = [doc.text[a:b] for a, b in second.attrs["pieces"]]
    assert pieces == ["Mayor Elena Rossi", "cut the transit budget by 20 percent"]
    assert second.label == "quantity"


def test_pronoun_resolved_to_the_named_person_with_offsets(run):
    text = COMPOUND + " She said the protesters occupied the square for three days."
    doc = run(text)
    atom = next(a for a in atoms(doc) if "said" in a.attrs["text"])
    assert atom.attrs["text"].startswith("Elena Rossi said")
    (res,) = atom.attrs["resolved"]
    assert doc.text[res["start"]:res["end"]] == "She"
    assert doc.text[res["entity_start"]:res["entity_end"]] == res["entity"] == "Elena Rossi"


def test_ambiguous_pronoun_is_left_alone(run):
    text = ("Governor Paul Adams met Senator Maria Lopez in Denver. "
            "He said the state lost 3,000 jobs in 2023.")
    doc = run(text)
    atom = next(a for a in atoms(doc) if "3,000" in a.attrs["text"])
    assert atom.attrs["text"].startswith("He said")
    assert atom.attrs["resolved"] == []


def test_the_city_resolves_to_the_only_city_named(run):
    text = ("Voters in Lakeview, Ohio, elected a new council. "
            "Last year the city spent 2 million dollars on road repairs.")
    doc = run(text)
    atom = next(a for a in atoms(doc) if "million" in a.attrs["text"])
    assert "Lakeview spent 2 million dollars" in atom.attrs["text"]
    res = atom.attrs["resolved"][0]
    assert doc.text[res["start"]:res["end"]] == "the city"


def test_opinions_get_no_atomic_claims(run):
    doc = run("I think we deserve better.")
    assert atoms(doc) == []


def test_rerun_is_idempotent(run):
    doc = run(COMPOUND)
    n = len(atoms(doc))
    from rhetorica.claims.atomic import AtomicClaims
    from rhetorica.config import Settings

    AtomicClaims(Settings())(doc)
    assert len(atoms(doc)) == n


def test_an_atomic_claim_is_built_only_from_its_claims_words(run):
    """New-user trial: a headline, a byline and a lede the parser read as one sentence gave
    three atomic claims, each the text of all three paragraphs."""
    text = ("Harlow Council Cuts Bus Funding\n\nBy Staff Reporter\n\n"
            "HARLOW — The council cut bus funding by 20 percent on Monday.")
    doc = run(text)
    assert_offsets(doc)
    for atom in atoms(doc):
        claim = doc.text[atom.attrs["claim"][0]:atom.attrs["claim"][1]]
        assert "\n" not in atom.attrs["text"]
        assert all(w.strip(".,") in claim for w in atom.attrs["text"].split()), atom.attrs
