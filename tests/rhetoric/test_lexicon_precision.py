"""The lexicon's precision rules: names, reporting verbs, negation, headings; scores from
measured precision; the span tagger's say over which lexicon hits are shown."""

from __future__ import annotations

import numpy as np
import pytest

from rhetorica.document import Document
from rhetorica.rhetoric.lexicon_precision import UNMEASURED, PrecisionTable
from rhetorica.rhetoric.ptc import TECHNIQUES
from rhetorica.rhetoric.span_tagger import Reading, _whole_words


@pytest.fixture(scope="module")
def lexicon_pipe():
    from rhetorica.pipeline import Pipeline

    return Pipeline(["parse", "rhetoric"])


def _hits(pipe, text):
    doc = pipe(Document(text))
    return {(s.label, doc.text[s.start:s.end]) for s in doc.layer("rhetoric")
            if s.source == "rhetoric.lexicon"}


@pytest.mark.parametrize("text, label, words", [
    # inside a name that runs past the hit
    ("Homeland Security Secretary Kristi Noem toured the port on Monday.", "flag_waving",
     "Homeland"),
    ("The Department of Homeland Security issued new guidance.", "flag_waving", "Homeland"),
    ("Members of the Patriot Front were seen at the rally.", "flag_waving", "Patriot"),
    # a reporting verb with its own subject or complement
    ("The senator threatened to delay the vote until Friday.", "appeal_to_fear", "threatened"),
    # negated or hedged
    ("It was not entirely clear when the meeting would resume.", "exaggeration", "entirely"),
    ("The office was not always open on weekends.", "exaggeration", "always"),
    # a heading line
    ("National emergency\nThe agency said it would publish the figures on Monday.",
     "emergency_framing", "National emergency"),
    # "no" quantifying the phrase the hit lies in
    ("Officials found no evidence of an invasion at the border.", "war_frame", "invasion"),
    # names of laws and forces are not in the lexicon
    ("The president said he would not invoke the Insurrection Act.", "emergency_framing",
     "Insurrection Act"),
    ("The governor sent the National Guard to help with flood relief.", "emergency_framing",
     "National Guard"),
])
def test_lexicon_does_not_fire_where_the_author_is_not_persuading(lexicon_pipe, text, label,
                                                                  words):
    assert (label, words) not in _hits(lexicon_pipe, text)
    assert not any(lbl == label for lbl, _ in _hits(lexicon_pipe, text))


@pytest.mark.parametrize("text, label, words", [
    ("They are a threat to our children and our way of life.", "appeal_to_fear",
     "threat to our"),
    ("Do not believe the Fake News media.", "name_calling", "Fake News"),
    ("THEY INVADED OUR CITY!", "war_frame", "INVADED"),
    ("This is a national emergency and we must act now.", "emergency_framing",
     "national emergency"),
    ("We will always defend our homeland.", "flag_waving", "homeland"),
])
def test_lexicon_still_fires_on_the_authors_own_words(lexicon_pipe, text, label, words):
    assert (label, words) in _hits(lexicon_pipe, text)


def test_words_a_report_repeats_because_it_reports_are_not_repetition(lexicon_pipe):
    text = ("Officials said the river was rising. Residents said they were leaving. The mayor "
            "said shelters were open, and the governor said the governor's office would help.")
    doc = lexicon_pipe(Document(text))
    assert not [s for s in doc.layer("rhetoric") if s.label == "repetition"]
    chant = "Fight, fight, fight! We will fight and we will win the fight."
    assert [s for s in lexicon_pipe(Document(chant)).layer("rhetoric")
            if s.label == "repetition"]


def test_scores_come_from_measured_precision_with_smoothing():
    table = PrecisionTable(labels={"doubt": [3, 8]},
                           terms={"doubt": {"so-called": [3, 4], "alleged": [0, 4]}},
                           articles=10)
    prior = (3 + 1) / (8 + 2)
    assert table.score("doubt", "So-called") == round((3 + 4 * prior) / 8, 3)
    assert table.score("doubt", "alleged") < table.score("doubt", "so-called")
    assert table.score("doubt", "purported") == round(prior, 3)  # unseen term: its entry's
    assert table.score("war_frame", "siege") == UNMEASURED  # entry never measured
    assert "3 of 4" in table.describe("doubt", "so-called")
    assert "weighs in" not in table.describe("doubt", "so-called")
    table.terms["doubt"]["allegedly"] = [0, 1]
    assert "with so few, the entry's overall 40% weighs in" in table.describe("doubt",
                                                                              "allegedly")
    assert "not measured" in table.describe("war_frame", "siege")


def test_packaged_table_scores_differ_by_term(lexicon_pipe):
    doc = lexicon_pipe(Document("The so-called experts unleashed a horrific disaster."))
    scores = {s.text_in(doc.text): s.score for s in doc.layer("rhetoric")
              if s.source == "rhetoric.lexicon"}
    assert len(set(scores.values())) > 1, scores  # not one constant for every hit
    assert all(0.0 < v < 1.0 for v in scores.values())


def _reading(text, words, inside, technique=0, begins=()):
    """A Reading over ``text`` with one piece per word."""
    offsets, pos = [], 0
    for w in words:
        a = text.index(w, pos)
        offsets.append((a, a + len(w)))
        pos = a + len(w)
    proba = np.zeros((len(words), 1 + 2 * len(TECHNIQUES)))
    for i, p in enumerate(inside):
        col = 1 + 2 * technique + (0 if i in begins else 1)
        proba[i, col] = p
        proba[i, 0] = 1 - p
    return Reading(text, offsets, proba)


def test_reading_spans_cover_whole_words_and_drop_trailing_function_words():
    text = "They said the plan was a total spreadsheet of lies, of course."
    words = ["They", "said", "the", "plan", "was", "a", "total", "spread", "sheet", "of", "lies",
             ",", "of", "course", "."]
    inside = [0, 0, 0, 0, 0, 0, .9, .8, .2, .1, .1, 0, 0, 0, 0]
    # "sheet" is below threshold but in the same word as "spread": the span takes the word.
    (a, b, p, technique, _), = _reading(text, words, inside).spans(0.5)
    assert text[a:b] == "total spreadsheet"
    assert technique == TECHNIQUES[0] and 0.8 <= p <= 0.9
    inside = [0, 0, 0, 0, 0, 0, .9, .8, .8, .7, 0, 0, 0, 0, 0]
    (a, b, *_), = _reading(text, words, inside).spans(0.5)
    assert text[a:b] == "total spreadsheet"  # not "...spreadsheet of"


def test_a_piece_read_as_a_beginning_starts_a_new_span():
    text = "Crooked liars and radical thugs"
    words = ["Crooked", "liars", "and", "radical", "thugs"]
    r = _reading(text, words, [.9, .9, .9, .9, .9], begins=(0, 3))
    assert [text[a:b] for a, b, *_ in r.spans(0.5)] == ["Crooked liars", "radical thugs"]


def test_whole_words_trims_edge_punctuation():
    text = "  — a total disaster, of"
    a, b = _whole_words(text, 2, len(text))
    assert text[a:b] == "a total disaster"


class _FixedTagger:
    """A span tagger whose reading marks given words as persuasive."""

    threshold = show_threshold = 0.5

    def __init__(self, persuasive: list[str]) -> None:
        self.persuasive = persuasive

    def read(self, text):
        words = text.replace(".", " .").split()
        inside = [0.9 if w in self.persuasive else 0.05 for w in words]
        return _reading(text, words, inside, technique=1, begins=(0,))


def test_the_span_tagger_weighs_lexicon_hits_by_their_context():
    from rhetorica.config import Settings
    from rhetorica.pipeline import Pipeline
    from rhetorica.rhetoric.model import RhetoricModelComponent

    text = "The invasion of Ukraine began in 2022 and an invasion of our streets is next."
    words = text.replace(".", " .").split()
    second = [i for i, w in enumerate(words) if w == "invasion"][1]
    tagger = _FixedTagger([])
    tagger.read = lambda t: _reading(t, words, [0.9 if i in (second, second + 1) else 0.05
                                                for i in range(len(words))], technique=1)
    doc = Pipeline(["parse", "rhetoric"])(Document(text))
    before = {s.start: s.score for s in doc.layer("rhetoric") if s.label == "war_frame"}
    assert len(before) == 2
    RhetoricModelComponent(Settings(), span_tagger=tagger)(doc)
    after = {s.start: s for s in doc.layer("rhetoric") if s.label == "war_frame"}
    literal, charged = sorted(after)
    assert after[literal].score < before[literal] < after[charged].score
    assert after[charged].attrs["context_p"] == 0.9
    assert "persuasive here with p=0.90" in after[charged].explanation


@pytest.mark.parametrize("text, label", [
    ("The National Weather Service issued a flood warning for the valley.", "flood_frame"),
    ("The hospital's emergency department treated 40 people.", "emergency_framing"),
])
def test_a_word_used_as_a_noun_modifier_is_a_fixed_term(lexicon_pipe, text, label):
    assert not any(lbl == label for lbl, _ in _hits(lexicon_pipe, text))


def test_weighing_the_lexicon_twice_changes_nothing():
    from rhetorica.config import Settings
    from rhetorica.pipeline import Pipeline
    from rhetorica.rhetoric.model import RhetoricModelComponent

    doc = Pipeline(["parse", "rhetoric"])(Document("They want to destroy our way of life."))
    comp = RhetoricModelComponent(Settings())
    comp(doc)
    once = [(s.start, s.label, s.score, s.explanation) for s in doc.layer("rhetoric")]
    comp(doc)
    assert [(s.start, s.label, s.score, s.explanation) for s in doc.layer("rhetoric")] == once


def test_a_span_of_function_words_alone_is_not_shown():
    """New-user trial: the tagger's stray pieces 'the', 'if', 'does' were shown as
    repetition and loaded language, raising a quoted speaker's intensity."""
    from rhetorica.config import Settings
    from rhetorica.pipeline import Pipeline
    from rhetorica.rhetoric.model import RhetoricModelComponent

    text = "We will act if the governor does nothing, and these thugs will pay."
    doc = Pipeline(["parse"])(Document(text))
    RhetoricModelComponent(Settings(), span_tagger=_FixedTagger(["if", "does", "thugs"]))(doc)
    shown = [s.text_in(text) for s in doc.layer("rhetoric") if s.source == "rhetoric.model"]
    assert shown == ["thugs"]
