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
