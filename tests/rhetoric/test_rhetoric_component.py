"""The rhetoric layer on statements written for these tests: what fires, where, and why."""

from __future__ import annotations

import pytest

from rhetorica.document import Document
from tests.conftest import assert_offsets

INFLAMMATORY = ("These illegal aliens are pouring across our border like an invasion, and they "
                "are infesting our cities like vermin!")
CRISIS = ("This is a national emergency. It is us versus them, and the radical left wants to "
          "destroy our way of life.")
NEUTRAL = "The committee will meet on Tuesday to review the budget for road maintenance."
MEASURED = ("The council approved a 2 percent increase in the library budget after a public "
            "consultation, and members will review the figures again in March.")


@pytest.fixture(scope="module")
def pipe():
    from rhetorica.pipeline import Pipeline

    return Pipeline(["parse", "language", "segment", "rhetoric", "rhetoric_model", "tone"])


def _spans(doc, source=None):
    return {(s.start, s.end, s.label, s.text_in(doc.text)) for s in doc.layer("rhetoric")
            if source is None or s.source == source}


def test_frames_and_dehumanising_labels_fire_with_exact_offsets(pipe):
    doc = pipe(Document(INFLAMMATORY))
    assert_offsets(doc)
    got = _spans(doc, "rhetoric.lexicon")
    assert (6, 20, "dehumanising_label", "illegal aliens") in got
    assert (25, 39, "flood_frame", "pouring across") in got
    assert (59, 67, "war_frame", "invasion") in got
    assert (82, 91, "disease_frame", "infesting") in got  # lemma "infest"
    assert (108, 114, "vermin_frame", "vermin") in got
    assert (108, 114, "dehumanising_label", "vermin") in got


def test_crisis_and_us_vs_them_and_techniques(pipe):
    doc = pipe(Document(CRISIS))
    got = _spans(doc, "rhetoric.lexicon")
    assert (10, 28, "emergency_framing", "national emergency") in got
    assert (36, 50, "us_vs_them", "us versus them") in got
    assert (60, 72, "name_calling", "radical left") in got
    assert (90, 105, "flag_waving", "our way of life") in got
    for s in doc.layer("rhetoric"):
        assert s.explanation, s
        assert s.attrs["family"] in {"technique", "frame", "dehumanising", "emergency",
                                     "us_vs_them"}


def test_neutral_text_has_no_lexicon_spans_and_low_intensity(pipe):
    for text in (NEUTRAL, MEASURED):
        doc = pipe(Document(text))
        assert _spans(doc, "rhetoric.lexicon") == set()
        assert doc.results["tone"]["intensity"] < 20


def test_intensity_orders_inflammatory_above_measured(pipe):
    hot = pipe(Document(INFLAMMATORY)).results["tone"]
    crisis = pipe(Document(CRISIS)).results["tone"]
    calm = pipe(Document(MEASURED)).results["tone"]
    assert hot["intensity"] > 60 and crisis["intensity"] > 60
    assert hot["intensity"] > calm["intensity"] + 40
    assert hot["families_per_100_words"]["frame"] > 0
    assert "frame" not in calm["families_per_100_words"]


def test_model_spans_carry_source_ptc_technique_and_cues(pipe):
    from rhetorica.rhetoric.model import model_available

    if not model_available():
        pytest.skip("trained model not built")
    text = ("The corrupt, vicious thugs in Washington want to destroy everything we love. "
            "They are traitors. Traitors! Absolute traitors who hate this great country.")
    doc = pipe(Document(text))
    assert_offsets(doc)
    model_spans = [s for s in doc.layer("rhetoric") if s.source == "rhetoric.model"]
    assert model_spans, "the model found nothing in an obviously loaded text"
    for s in model_spans:
        assert s.attrs["family"] == "technique"
        assert s.attrs["ptc"]
        assert 0 < s.score <= 1
        assert s.explanation.startswith("Model: reads as")
        assert s.attrs["span_p"] >= 0.3  # the component's display floor
    # the reasons name real words of the text
    cued = [s for s in model_spans if "strongest cues" in s.explanation]
    assert cued
    assert any(w in s.explanation for s in cued for w in ("“traitors”", "“destroy”", "“hate”",
                                                          "lexicon cue"))
    # and it stays quiet on a dry procedural sentence
    quiet = pipe(Document(NEUTRAL))
    assert not [s for s in quiet.layer("rhetoric") if s.source == "rhetoric.model"]


def test_rerunning_is_idempotent(pipe):
    doc = pipe(Document(CRISIS))
    before = sorted((s.start, s.end, s.label, s.source) for s in doc.layer("rhetoric"))
    doc = pipe(doc)
    after = sorted((s.start, s.end, s.label, s.source) for s in doc.layer("rhetoric"))
    assert before == after


@pytest.mark.parametrize(("text", "fires"), [
    ("We build schools while they burn down our neighbourhoods.", True),
    ("We work hard, but they take everything.", True),
    ("We will stop them at the border.", True),
    ("We met them on Tuesday to discuss the budget.", False),
    ("They said we should wait for the report.", False),
    ("We asked them to wait, and they agreed.", False),
])
def test_we_versus_they_dependency_pattern(pipe, text, fires):
    doc = pipe(Document(text))
    syntax = [s for s in doc.layer("rhetoric") if s.source == "rhetoric.syntax"]
    assert bool(syntax) is fires
    for s in syntax:
        assert s.label == "us_vs_them"
        assert s.start == 0 and s.text_in(text) == text.rstrip(".")


def test_we_versus_they_ends_with_the_clauses_that_oppose_them(pipe):
    """From a new user's trial: the span ran on into '," Vane told the crowd' and so was
    counted as the reporter's words, not the quoted politician's."""
    text = '"They will drain this city dry unless we root them out," Vane told the crowd.'
    doc = pipe(Document(text))
    [span] = [s for s in doc.layer("rhetoric") if s.source == "rhetoric.syntax"]
    assert span.text_in(text) == "we root them out"


def test_feature_columns_are_feature_hasher_columns():
    """The trained weights were indexed by scikit-learn's FeatureHasher; run time hashes
    without it and must land every feature in the same column."""
    from sklearn.feature_extraction import FeatureHasher

    from rhetorica.rhetoric.model import N_FEATURES, _matrix

    rows = [["w=war", "w=zone", "w=war", "lemma=é"], [], [f"f{i}" for i in range(500)]]
    ref = FeatureHasher(n_features=N_FEATURES, input_type="string",
                        alternate_sign=False).transform(rows).tocsr()
    ref.data[:] = 1.0
    assert abs(_matrix(rows) - ref).max() == 0


def test_a_datelines_town_is_not_repetition(pipe):
    """New-user trial: "HARWICK" of the dateline counted towards a repetition span."""
    text = ("HARWICK, July 8 — Harwick's council approved funding on Monday. Harwick will hire "
            "staff. Harwick residents were told the plan.")
    doc = pipe(Document(text))
    assert not [s for s in doc.layer("rhetoric")
                if s.label == "repetition" and s.start < text.index("—")]


@pytest.mark.parametrize(("text", "label", "words"), [
    # from a new user's trial: forms a word list could not hold
    ("Only we can Make America Proud Again.", "slogan", "Make America Proud Again"),
    ("Either you back our officers or you back the mob.", "black_and_white",
     "Either you back our officers or you"),
    ("Vote against Crazy Bernie now.", "name_calling", "Crazy Bernie"),
    ("Sleepy Joe Biden failed again.", "name_calling", "Sleepy Joe Biden"),
    ("The Fake News Media will not report it.", "name_calling", "Fake News"),
    ("The Radical Left Democrats opened the floodgates.", "name_calling", "Radical Left"),
    ("The Radical Left Democrats opened the floodgates.", "flood_frame", "floodgates"),
])
def test_lexicon_patterns_and_epithets_before_a_camp(pipe, text, label, words):
    got = {(lab, w) for *_, lab, w in _spans(pipe(Document(text)), "rhetoric.lexicon")}
    assert (label, words) in got, got


@pytest.mark.parametrize("text", [
    "She won the Fake News Awards last year.",  # a name that runs past the hit
    "Either Tuesday or Wednesday works for the council.",
    "They moved to Little Rock in May.",
    "The Crooked Creek bridge reopened on Monday.",
])
def test_names_and_plain_choices_stay_clear(pipe, text):
    got = _spans(pipe(Document(text)), "rhetoric.lexicon")
    assert not {lab for *_, lab, _ in got} & {"name_calling", "black_and_white"}, got


def test_a_word_inside_a_name_is_no_repetition_of_the_word(pipe):
    """From a new user's post: "border" marked repeated three times, the third in "Border
    Patrol". (On PTC this made the lexicon layer's precision 0.249 -> 0.285.)"""
    text = ("The Border Patrol caught them at the border! We will close the border. "
            "Safe homes, safe towns.")
    assert not [s for s in pipe(Document(text)).layer("rhetoric") if s.label == "repetition"]
    text = text.replace("The Border Patrol caught them", "Agents caught them at the border")
    got = [s.text_in(text) for s in pipe(Document(text)).layer("rhetoric")
           if s.label == "repetition"]
    assert got.count("border") == 3, got


@pytest.mark.parametrize("text", [
    # from a new user's trial: "rates" read as "rat" + "es" (vermin frame), and spaCy gives
    # "rated" the lemma "rat"
    "The plan would freeze reimbursement rates for nursing homes.",
    "The critics rated the plan poorly.",
])
def test_made_up_inflections_are_no_lexicon_words(pipe, text):
    assert not _spans(pipe(Document(text)), "rhetoric.lexicon")


def test_inflected_forms_in_capitals_and_false_dilemmas_without_either(pipe):
    got = {(lab, w) for *_, lab, w in _spans(pipe(Document(
        "They INVADED our towns. Stand with me or stand with the mob.")), "rhetoric.lexicon")}
    assert ("war_frame", "INVADED") in got
    assert ("black_and_white", "Stand with me or stand with") in got, got
