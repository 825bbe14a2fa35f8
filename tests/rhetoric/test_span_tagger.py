"""The span tagger's technique head: pooled token states -> P(technique | span)."""

from __future__ import annotations

import numpy as np
import pytest

from rhetorica.rhetoric.ptc import TECHNIQUES
from rhetorica.rhetoric.span_tagger import (
    Reading,
    RhetoricSpanTagger,
    TechniqueHead,
    load_span_tagger,
)


def _head(dim: int = 4, favour: int = 3) -> TechniqueHead:
    coef = np.zeros((len(TECHNIQUES), 2 * dim), dtype=np.float32)
    coef[favour, 0] = 5.0  # a high mean of the first state dimension means technique 3
    return TechniqueHead(np.zeros(2 * dim, np.float32), np.ones(2 * dim, np.float32), coef,
                         np.zeros(len(TECHNIQUES), np.float32))


def test_the_head_reads_pooled_states_saves_and_loads(tmp_path) -> None:
    head = _head()
    states = np.array([[1.0, 0, 0, 0], [0.5, 0, 0, 0]], dtype=np.float16)
    p = head.proba(states)
    assert p.shape == (len(TECHNIQUES),) and np.isclose(p.sum(), 1.0) and p.argmax() == 3
    head.save(tmp_path)
    again = TechniqueHead.load(tmp_path)
    assert again is not None and np.allclose(again.proba(states), p)
    assert TechniqueHead.load(tmp_path / "nowhere") is None


def test_a_reading_names_a_span_with_the_head_when_it_has_states() -> None:
    text = "They flood us."
    offsets = [(0, 4), (5, 10), (11, 13), (13, 14)]
    proba = np.full((4, 1 + 2 * len(TECHNIQUES)), 1.0 / (1 + 2 * len(TECHNIQUES)))
    states = np.zeros((4, 4), dtype=np.float16)
    states[1, 0] = 2.0
    with_head = Reading(text, offsets, proba, states, _head())
    assert with_head.technique_proba(5, 10).argmax() == 3
    without = Reading(text, offsets, proba)  # the per-piece mean: uniform here
    assert np.allclose(without.technique_proba(5, 10), 1.0 / len(TECHNIQUES))


def test_the_packaged_tagger_returns_states_and_has_its_head() -> None:
    tagger = load_span_tagger()
    if tagger is None:
        pytest.skip("span tagger artefact not built")
    assert tagger.head is not None
    reading = tagger.read("Our brave agents are under siege by a flood of criminals.")
    assert reading.states is not None and reading.states.shape == (len(reading.offsets), 384)
    p = reading.technique_proba(0, 20)
    assert np.isclose(p.sum(), 1.0, atol=1e-4)


def test_states_are_not_kept_past_the_memory_bound(monkeypatch) -> None:
    import rhetorica.nlp.token_tagger as tt

    tagger = load_span_tagger()
    if tagger is None:
        pytest.skip("span tagger artefact not built")
    monkeypatch.setattr(tt, "MAX_STATE_PIECES", 5)
    offsets, logits, states = tagger.piece_outputs("A long sentence of many more pieces.", True)
    assert states is None and len(logits) == len(offsets)
    assert isinstance(tagger, RhetoricSpanTagger)


def test_pieces_of_one_word_read_apart_give_that_word_once() -> None:
    """From a new user's trial: 'fearmongering' shown twice at the same offsets, its first
    and last word pieces above the threshold and the middle one below."""
    text = "fearmongering, plain"
    offsets = [(0, 4), (4, 7), (7, 13), (13, 14), (15, 20)]
    width = 1 + 2 * len(TECHNIQUES)
    proba = np.zeros((5, width))
    proba[:, 0] = [0.1, 0.8, 0.2, 0.9, 0.9]  # P(outside) per piece
    proba[:, 1] = 1.0 - proba[:, 0]  # the rest: B- of the first technique
    spans = Reading(text, offsets, proba).spans(0.5)
    assert [(a, b) for a, b, *_ in spans] == [(0, 13)]
    assert spans[0][2] == 0.9  # the stronger of the two readings (0.9 and 0.8)
