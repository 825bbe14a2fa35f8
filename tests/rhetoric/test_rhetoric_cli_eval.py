"""``rhetorica rhetoric`` and ``rhetorica eval rhetoric`` as a user runs them, plus the
estimators' fit/predict on a tiny corpus written for the tests."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from rhetorica.cli.main import app

from .ptc_sample import write_sample

runner = CliRunner()
HOT = "This is a national emergency: these illegal aliens are pouring across the border!"
CALM = "The committee will meet on Tuesday to review the budget for road maintenance."


def test_cli_json_spans_and_intensity(tmp_path):
    f = tmp_path / "s.txt"
    f.write_text(HOT, encoding="utf-8")
    res = runner.invoke(app, ["rhetoric", str(f), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["intensity"] > 50
    by_label = {(s["label"], s["text"]) for s in data["spans"]}
    assert ("emergency_framing", "national emergency") in by_label
    assert ("dehumanising_label", "illegal aliens") in by_label
    for s in data["spans"]:
        assert HOT[s["start"]:s["end"]] == s["text"]
        assert s["explanation"] and s["family"]


def test_cli_family_filter_fail_above_and_comparison(tmp_path):
    f = tmp_path / "s.jsonl"
    f.write_text(json.dumps({"text": HOT, "speaker": "A"}) + "\n"
                 + json.dumps({"text": CALM, "speaker": "B"}) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["rhetoric", str(f), "--json", "--family", "frame"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [d["speaker"] for d in data] == ["A", "B"]
    assert {s["family"] for s in data[0]["spans"]} == {"frame"}
    assert data[0]["intensity"] > data[1]["intensity"]
    res = runner.invoke(app, ["rhetoric", str(f), "--fail-above", "40"])
    assert res.exit_code == 1
    assert "Comparison" in res.stdout


def test_cli_errors_are_one_line(tmp_path):
    res = runner.invoke(app, ["rhetoric", str(tmp_path / "missing.txt")])
    assert res.exit_code == 3
    res = runner.invoke(app, ["rhetoric", "-", "--family", "nonsense"], input="text")
    assert res.exit_code == 2


def test_eval_on_sample_beats_baselines(tmp_path):
    from rhetorica.rhetoric.evaluate import _score
    from rhetorica.rhetoric.ptc import load_ptc

    arts = load_ptc(write_sample(tmp_path))
    report = _score(arts, None, True, [])
    tc = report["tc"]
    assert tc["baseline: always Loaded_Language"]["micro_f1"] == pytest.approx(0.3)
    assert tc["lexicon layer (else majority)"]["micro_f1"] >= 0.7
    si = report["si"]
    assert si["baseline: every sentence"]["recall"] == pytest.approx(1.0)
    assert 0 < si["lexicon layer"]["f1"] <= 1
    assert report["tables"][0]["rows"]


def test_eval_command_missing_data_set_is_an_input_error(tmp_path):
    res = runner.invoke(app, ["eval", "rhetoric", "--data", str(tmp_path)])
    assert res.exit_code == 3


def test_eval_command_on_sample(tmp_path):
    write_sample(tmp_path)
    res = runner.invoke(app, ["eval", "rhetoric", "--data", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["articles"] == 1
    assert "baseline: every sentence" in data["si"]


def test_estimators_fit_predict_score(tmp_path):
    from rhetorica.rhetoric.model import SpanTagger, TechniqueClassifier
    from rhetorica.rhetoric.ptc import load_ptc, sentences

    arts = load_ptc(write_sample(tmp_path))
    texts = [a.text for a in arts]
    gold = [[(s, e) for s, e, _ in a.spans] for a in arts]
    sents = [sentences(t) for t in texts]
    tagger = SpanTagger(c=10.0, threshold=0.5, seed=0).fit(texts, gold, sents)
    assert tagger.score(texts, gold, sents) > 0.4  # it can at least fit what it saw
    for (s, e, p), text in ((x, texts[0]) for x in tagger.predict(texts[0], sents[0])):
        assert 0 <= s < e <= len(text) and 0 <= p <= 1

    rows, labels = [], []
    for a in arts:
        rows += TechniqueClassifier.rows(a.text, [(s, e) for s, e, _ in a.spans])
        labels += [t for _, _, t in a.spans]
    clf = TechniqueClassifier(c=10.0, seed=0).fit(rows, labels)
    assert clf.score(rows, labels) >= 0.9
    k = clf.classes_.index("Name_Calling,Labeling")
    assert any("traitors" in cue for cue in clf.cues(rows[0], k))
    again = TechniqueClassifier(c=10.0, seed=0).fit(rows, labels)
    assert (again.predict_proba(rows) == clf.predict_proba(rows)).all()  # seeded


def test_numpy_scoring_equals_the_sparse_product_and_survives_save_and_load(tmp_path):
    """Run time scores without scipy (0.1 s of every start): the same figures as the sparse
    product scikit-learn trained on, before and after a save / load round trip."""
    from rhetorica.rhetoric.model import (
        RhetoricModel,
        SpanTagger,
        TechniqueClassifier,
        _dense_t,
        _matrix,
        _scores,
    )
    from rhetorica.rhetoric.ptc import load_ptc, sentences

    arts = load_ptc(write_sample(tmp_path / "ptc"))
    texts = [a.text for a in arts]
    sents = [sentences(t) for t in texts]
    spans = [[(s, e) for s, e, _ in a.spans] for a in arts]
    tagger = SpanTagger(c=10.0, seed=0).fit(texts, spans, sents)
    rows = [r for a, sp in zip(arts, spans, strict=True)
            for r in TechniqueClassifier.rows(a.text, sp)]
    clf = TechniqueClassifier(c=10.0, seed=0).fit(rows, [t for a in arts for _, _, t in a.spans])
    rows.append([])  # a row without features scores the intercept alone
    sparse_product = (_matrix(rows) @ _dense_t(clf)).astype(np.float64)
    assert np.allclose(_scores(rows, _dense_t(clf)), sparse_product, atol=1e-5)
    assert not _scores(rows, _dense_t(clf))[-1].any()

    RhetoricModel(tagger, clf, {}).save(tmp_path / "model")
    back = RhetoricModel.load(tmp_path / "model")
    assert np.allclose(back.classifier.predict_proba(rows), clf.predict_proba(rows), atol=1e-6)
    feats = tagger.sentence_rows(texts[0], *sents[0][0])[1]
    assert np.allclose(back.tagger.token_proba(feats), tagger.token_proba(feats), atol=1e-6)
