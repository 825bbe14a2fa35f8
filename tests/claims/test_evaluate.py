"""Evaluation code on tiny samples written in the public formats (no shared data needed)."""

from __future__ import annotations

import json

import pytest

from rhetorica.claims import data as cw_data
from rhetorica.claims.evaluate import (
    average_precision,
    evaluate,
    f1_positive,
    precision_at,
    ranking_metrics,
    trivial_scores,
)
from tests.conftest import shared_data


def test_average_precision_by_hand():
    # Relevant at ranks 1 and 3: AP = (1/1 + 2/3) / 2.
    assert average_precision([0.9, 0.8, 0.7, 0.1], [1, 0, 1, 0]) == pytest.approx(5 / 6)
    assert average_precision([0.1, 0.2], [0, 0]) == 0.0
    assert precision_at([0.9, 0.8, 0.7], [1, 0, 1], k=2) == 0.5
    assert f1_positive([1, 1, 0, 0], [1, 0, 1, 0]) == pytest.approx(0.5)


def test_map_is_per_group_then_averaged():
    scores = [0.9, 0.1, 0.8, 0.2]
    labels = [1, 0, 0, 1]
    groups = ["a", "a", "b", "b"]
    m = ranking_metrics(scores, labels, groups, threshold=0.5)
    assert m["map"] == pytest.approx((1.0 + 0.5) / 2)


def test_ties_are_not_broken_in_file_order():
    # A constant scorer must not get AP 1.0 just because positives come first in the file.
    labels = [1] * 10 + [0] * 90
    m = ranking_metrics([0.5] * 100, labels, ["g"] * 100, 0.5)
    assert m["map"] < 0.5


def test_trivial_baseline():
    assert list(trivial_scores(["Taxes rose 4%.", "It was Congress, not me.", "thanks a lot"])
                ) == [1.0, 1.0, 0.0]


def write_sample(root):
    """A miniature copy of the public layout, with sentences written for this test."""
    d = root / cw_data.DATASET
    (d / "claimbuster_two_class").mkdir(parents=True)
    rows = [{"sentence_id": i, "label": i % 2,
             "text": f"The deficit grew by {i} billion dollars." if i % 2 else "Thank you."}
            for i in range(20)]
    (d / "claimbuster_two_class" / "train.json").write_text(json.dumps(rows))
    (d / "clef2019_task1").mkdir()
    for name in ("CT19-T1-Training.csv", "CT19-T1-Test.csv"):
        (d / "clef2019_task1" / name).write_text(
            "line_number,speaker,text,label,file_name\n"
            '1,HOST,"Good evening, and welcome.",0,debate_a.tsv\n'
            "2,SMITH,We created 2 million jobs in 2015.,1,debate_a.tsv\n"
            "1,HOST,Welcome back.,0,debate_b.tsv\n"
            "2,JONES,Crime fell 20 percent under my plan.,1,debate_b.tsv\n")
    (d / "clef2020_task1_tweets").mkdir()
    head = "topic_id\ttweet_id\ttweet_url\ttweet_text\tclaim\t{}\n"
    body = ("covid-19\t1\tu\t300 new cases were reported in the county today.\t1\t1\n"
            "covid-19\t2\tu\tStay safe everyone!\t0\t0\n")
    for name, col in (("training_v2.tsv", "check_worthiness"), ("dev_v2.tsv", "check_worthiness"),
                      ("test-gold.tsv", "claim_worthiness")):
        (d / "clef2020_task1_tweets" / name).write_text(head.format(col) + body)
    (d / "clef2020_task5_debates").mkdir()
    for name in ("train.tsv", "test-gold.tsv"):
        (d / "clef2020_task5_debates" / name).write_text(
            "text\tlabel\nThank you.\t0\nThe plant closed in 2019 and 800 people lost work.\t1\n")
    return root


def test_loaders_read_the_public_formats(tmp_path):
    root = write_sample(tmp_path) / cw_data.DATASET
    clef = cw_data.load_clef2019(root, "test")
    assert {e.group for e in clef} == {"debate_a.tsv", "debate_b.tsv"}
    assert [e.label for e in cw_data.load_clef2020_tweets(root, "test")] == [1, 0]
    train, test = cw_data.claimbuster_split(cw_data.load_claimbuster(root))
    assert len(test) == 4 and not {e.text for e in test} & {e.text for e in train} - {
        "Thank you."}
    # Training rows whose text is also in an evaluation set are removed.
    pool = cw_data.training_pool(root)
    held = {cw_data.norm_text(e.text) for s in cw_data.evaluation_sets(root).values() for e in s}
    assert pool and not {cw_data.norm_text(e.text) for e in pool} & held


def test_evaluate_on_tiny_sample_reports_baseline_model_and_anchor(tmp_path):
    report = evaluate(write_sample(tmp_path), heuristic=False)
    rows = report["tables"][0]["rows"]
    systems = {(r[0], r[1]) for r in rows}
    assert ("CLEF 2019 T1 test (debates)", "TF-IDF model") in systems
    assert ("CLEF 2019 T1 test (debates)", "trivial (number or entity)") in systems
    assert any(r[1].startswith("published best") and r[3] == 0.166 for r in rows)
    clef_model = [r for r in rows if r[:2] == ["CLEF 2019 T1 test (debates)", "TF-IDF model"]]
    assert clef_model[0][3] == pytest.approx(1.0)  # both debates: the claim ranks first


@pytest.mark.shared_data
def test_real_data_loads_and_is_decontaminated():
    root = shared_data(cw_data.DATASET)
    sets = cw_data.evaluation_sets(root)
    assert len(sets["CLEF 2019 T1 test (debates)"]) == 7080
    assert len({e.group for e in sets["CLEF 2019 T1 test (debates)"]}) == 7
    pool = cw_data.training_pool(root)
    held = {cw_data.norm_text(e.text) for s in sets.values() for e in s}
    assert not any(cw_data.norm_text(e.text) in held for e in pool[:5000])
