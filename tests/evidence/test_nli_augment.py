"""Counterfactual training pairs: negation flipped, figures changed."""

from __future__ import annotations

import random

import pytest

from rhetorica.config import Settings
from rhetorica.evidence.nli_augment import augment, change_figure, negate
from rhetorica.evidence.nli_data import NLIPair
from rhetorica.nlp.spacy_model import load_spacy


@pytest.fixture(scope="module")
def nlp():
    return load_spacy(Settings().spacy_model)


@pytest.mark.parametrize("text,expected", [
    ("The mayor is in the city.", "The mayor is not in the city."),
    ("The council has approved the plan.", "The council has not approved the plan."),
    ("Police arrested 23 people.", "Police did not arrest 23 people."),
    ("The bridge reopens on Monday.", "The bridge does not reopen on Monday."),
    ("The mayor is not in the city.", "The mayor is in the city."),
    ("The mayor isn't in the city.", "The mayor is in the city."),
    ("The council can't approve the plan.", "The council can approve the plan."),
])
def test_negate_flips_the_main_clause(nlp, text: str, expected: str) -> None:
    assert negate(nlp(text)) == expected


def test_quantified_subjects_are_left_alone(nlp) -> None:
    # "Some residents are not angry" is no negation of "Some residents are angry".
    assert negate(nlp("Some residents are angry.")) is None
    assert negate(nlp("Every school stayed open.")) is None


def test_change_figure_changes_only_exact_figures_the_passage_states() -> None:
    rng = random.Random(0)
    p = "Police arrested 23 people over two nights, and about 40 were hurt."
    new = change_figure(p, "Police arrested 23 people.", rng)
    assert new and "23" not in new and new.startswith("Police arrested ")
    assert change_figure(p, "About 40 people were hurt.", rng) is None  # bounded
    assert change_figure(p, "Police arrested 50 people.", rng) is None  # not in the passage
    assert change_figure("It opened in 2019.", "It opened in 2019.", rng) is None  # a year


def test_augment_flips_labels_the_right_way_and_is_seeded(nlp) -> None:
    pairs = [NLIPair("The mayor was at city hall all day.", "The mayor was at city hall.",
                     "entailment", "t"),
             NLIPair("The mayor was abroad all week.", "The mayor was at city hall.",
                     "contradiction", "t"),
             NLIPair("The mayor gave a speech.", "The mayor was tired.", "neutral", "t"),
             NLIPair("Police arrested 23 people on Friday.", "Police arrested 23 people.",
                     "entailment", "t")]
    out = augment(pairs, nlp, seed=0)
    got = {(p.premise, p.hypothesis): p.label for p in out}
    assert got[(pairs[0].premise, "The mayor was not at city hall.")] == "contradiction"
    assert got[(pairs[1].premise, "The mayor was not at city hall.")] == "entailment"
    assert got[(pairs[2].premise, "The mayor was not tired.")] == "neutral"
    assert any(p.source == "t+figure" and p.label == "contradiction" for p in out)
    assert out == augment(pairs, nlp, seed=0)


def test_elsewhere_pairs_join_a_claim_to_another_report_on_its_subject() -> None:
    from rhetorica.evidence.nli_augment import elsewhere_pairs

    rows = [
        NLIPair("The Tarrow dam was finished in 1961 after six years of work.",
                "The Tarrow dam took six years to build.", "entailment", "fever-rte"),
        NLIPair("The Tarrow dam holds back the largest reservoir in the valley.",
                "The Tarrow reservoir is the valley's largest.", "entailment", "fever-rte"),
        NLIPair("Wheat prices in Orlen rose in the spring.",
                "Wheat prices in Orlen fell.", "contradiction", "lingnli"),
        NLIPair("Orlen farmers sold less wheat this year.",
                "Orlen farmers grew barley.", "neutral", "lingnli"),
        # captions are one scene: never used, as claim or as passage
        NLIPair("A man rides a horse on the Tarrow dam.", "A man is riding.", "entailment",
                "snli-dev"),
        NLIPair("The Tarrow dam holds back the largest reservoir in the valley.",
                "The Tarrow dam took six years to build.", "neutral", "fever-rte+negated"),
    ]
    out = elsewhere_pairs(rows, n=10, seed=0)
    assert out and all(p.label == "neutral" and p.source.endswith("+elsewhere") for p in out)
    assert all(not p.source.startswith("snli") and "A man" not in p.premise for p in out)
    by_claim = {p.hypothesis: p.premise for p in out}
    # the dam claim gets the other dam report, never its own passage
    assert by_claim["The Tarrow dam took six years to build."] == (
        "The Tarrow dam holds back the largest reservoir in the valley.")
    assert by_claim["Wheat prices in Orlen fell."] == "Orlen farmers sold less wheat this year."
    # a passage carrying more of the claim's words than allowed may address it: skipped
    strict = elsewhere_pairs(rows, n=10, seed=0, max_shared=0.4)
    assert "Wheat prices in Orlen fell." not in {p.hypothesis for p in strict}
    assert elsewhere_pairs(rows, n=10, seed=0) == out
