"""The SemEval-2020 Task 11 scorers and the PTC reader, on tiny hand-made examples."""

from __future__ import annotations

import pytest

from rhetorica.ingest.errors import InputError
from rhetorica.rhetoric.ptc import (
    load_ptc,
    merge_intervals,
    sentences,
    si_scores,
    split_articles,
    tc_scores,
)

from .ptc_sample import write_sample


def test_si_partial_overlap_formula():
    # gold [0,10); prediction [5,15): |s∩t| = 5 -> P = 5/10, R = 5/10
    r = si_scores({"a": [(0, 10)]}, {"a": [(5, 15)]})
    assert r["precision"] == pytest.approx(0.5)
    assert r["recall"] == pytest.approx(0.5)
    assert r["f1"] == pytest.approx(0.5)


def test_si_counts_spans_across_articles_and_merges_overlaps():
    gold = {"a": [(0, 10), (5, 12)], "b": [(0, 4)]}  # a's two gold spans merge to [0,12)
    pred = {"a": [(0, 6)], "c": [(0, 3)]}  # a spurious span in an article without gold
    r = si_scores(gold, pred)
    assert r["gold_spans"] == 2 and r["pred_spans"] == 2
    assert r["precision"] == pytest.approx((6 / 6 + 0) / 2)
    assert r["recall"] == pytest.approx((6 / 12 + 0) / 2)


def test_si_empty_prediction_scores_zero():
    assert si_scores({"a": [(0, 5)]}, {})["f1"] == 0.0


def test_merge_intervals_touching_and_nested():
    assert merge_intervals([(5, 8), (0, 3), (3, 4), (6, 7)]) == [(0, 4), (5, 8)]


def test_tc_micro_f1_with_a_doubly_labelled_span():
    gold = [("a", 0, 5, "Doubt"), ("a", 0, 5, "Slogans"), ("a", 9, 12, "Loaded_Language")]
    pred = [("a", 0, 5, "Doubt"), ("a", 0, 5, "Repetition"), ("a", 9, 12, "Loaded_Language")]
    r = tc_scores(gold, pred)
    assert r["micro_f1"] == pytest.approx(2 / 3)
    assert r["per_technique"]["Slogans"] == {"correct": 0, "predicted": 0, "gold": 1}


def test_sentences_are_lines_with_offsets():
    text = "Title here\n\n  First line.\nSecond one  \n"
    got = [text[s:e] for s, e in sentences(text)]
    assert got == ["Title here", "First line.", "Second one"]


def test_load_ptc_reads_sample_and_checks_offsets(tmp_path):
    folder = write_sample(tmp_path)
    arts = load_ptc(folder)
    assert [a.id for a in arts] == ["901", "902", "903", "904", "905"]
    first = arts[0]
    s, e, tech = first.spans[0]
    assert first.text[s:e] == "traitors"
    assert tech == "Name_Calling,Labeling"


def test_load_ptc_rejects_out_of_range_label(tmp_path):
    folder = write_sample(tmp_path)
    with open(folder / "train-task2-TC.labels", "a", encoding="utf-8") as fh:
        fh.write("901\tDoubt\t5\t99999\n")
    with pytest.raises(InputError, match="outside article 901"):
        load_ptc(folder)


def test_load_ptc_rejects_non_ptc_folder(tmp_path):
    with pytest.raises(InputError, match="not a PTC folder"):
        load_ptc(tmp_path)


def test_split_is_by_article_seeded_and_disjoint(tmp_path):
    arts = load_ptc(write_sample(tmp_path))
    train, test = split_articles(arts, 0.4, seed=3)
    _train2, test2 = split_articles(arts, 0.4, seed=3)
    assert [a.id for a in test] == [a.id for a in test2]
    assert len(test) == 2 and len(train) == 3
    assert not {a.id for a in train} & {a.id for a in test}
