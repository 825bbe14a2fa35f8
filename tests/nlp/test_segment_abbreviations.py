"""Sentences after abbreviations such as "L.A.", "U.S.", "D.C." (issue 15)."""

from __future__ import annotations

import pytest

from rhetorica.config import Settings
from rhetorica.nlp.spacy_model import load_spacy


@pytest.mark.parametrize("text,sentences", [
    ("Troops arrived in L.A. Multiple agencies joined the operation on Sunday.",
     ["Troops arrived in L.A.", "Multiple agencies joined the operation on Sunday."]),
    ("The U.S. Army said it was ready.", ["The U.S. Army said it was ready."]),
    ("He lives in L.A. County.", ["He lives in L.A. County."]),
])
def test_a_sentence_starts_after_an_abbreviation_only_before_an_opener(
        text: str, sentences: list[str]) -> None:
    doc = load_spacy(Settings().spacy_model)(text)
    assert [s.text for s in doc.sents] == sentences
    assert all("Multiple" not in e.text for e in doc.ents)


def test_an_abbreviation_that_opens_a_line_ends_no_sentence() -> None:
    """New-user trial: 'D.C.' at the start of a heading and of a paragraph came out as a
    sentence of its own, so the mayor named after it had no role ("no grammatical cue")."""
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    text = ("D.C. Police Takeover: What We Know\n\n"
            "D.C. Mayor Muriel Bowser disputed the claim. Troops arrived in D.C. Police "
            "watched.")
    doc = Pipeline(["parse", "segment"], Settings())(Document(text))
    assert [s.text_in(text) for s in doc.layer("sentence")] == [
        "D.C. Police Takeover: What We Know", "D.C. Mayor Muriel Bowser disputed the claim.",
        "Troops arrived in D.C.", "Police watched."]


def test_a_closing_quote_split_off_by_the_parser_goes_back_to_its_sentence() -> None:
    """New-user trial: a lone '"' came out as a sentence (and a check-worthy claim)."""
    from rhetorica.nlp.segment import _joined

    text = 'The cost is $1.1 million a year. Mayor Brandt called the compromise "responsible."'
    cut = text.index('."') + 1  # the parser's split: the closing quote alone
    assert _joined(text, [(0, 32), (33, cut), (cut, len(text))]) == [(0, 32), (33, len(text))]
    # a quote that opens the next sentence is left alone
    other = 'He said so. "We will," she replied.'
    assert _joined(other, [(0, 11), (12, len(other))]) == [(0, 11), (12, len(other))]


def test_a_closing_quote_before_a_paragraph_break_stays_with_its_sentence() -> None:
    """Second trial: the parser opened the next paragraph's sentence with the closing mark
    ('… will be removed."' + blank line), and the paragraph split left '"' alone."""
    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    text = ('Noem praised the raid, writing that "criminal aliens will be found and removed."'
            '\n\nWorthington Mayor Mike Kuhle said the city had not been told.')
    doc = Pipeline(["parse", "segment"], Settings())(Document(text))
    got = [s.text_in(text) for s in doc.layer("sentence")]
    assert got == [text.split("\n\n")[0], text.split("\n\n")[1]]
