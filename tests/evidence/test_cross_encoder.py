"""The stance cross-encoder at run time (int8 ONNX + tokenizers; no torch)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rhetorica.evidence.cross_encoder import (
    REBUILD,
    STANCES,
    CrossEncoderStance,
    ModelArtefactError,
    artefact_dir,
    default_cross_encoder,
)


def test_artefact_is_int8_onnx_small_and_carded() -> None:
    base = artefact_dir()
    assert (base / "model.onnx").stat().st_size <= 30 * 1024 * 1024
    assert (base / "tokenizer.json").exists() and (base / "MODEL_CARD.md").exists()
    import onnx

    model = onnx.load(str(base / "model.onnx"), load_external_data=False)
    assert any(n.op_type in ("MatMulInteger", "DynamicQuantizeLinear", "QLinearMatMul")
               for n in model.graph.node)


def test_reads_negation_that_word_overlap_cannot() -> None:
    m = default_cross_encoder()
    claim = "Police reported large-scale coordinated violence against federal agents."
    probs = m.predict_proba(
        [claim, claim],
        ["Police officials said they had seen no large-scale coordinated violence against "
         "federal agents.",
         "Police said there had been large-scale coordinated violence against federal agents "
         "across the city."])
    assert probs.shape == (2, 3) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    sup, ref = STANCES.index("supports"), STANCES.index("refutes")
    assert probs[0, ref] > probs[0, sup]
    assert probs[1, sup] > probs[1, ref]


def test_unrelated_passage_is_unrelated() -> None:
    [label] = default_cross_encoder().predict(
        ["Homicides in Riverton fell in 2024."],
        ["The Riverton Rapids won in extra time on Saturday, their first title in a decade."])
    assert label != "supports"


def test_long_pairs_are_truncated_with_a_count_not_an_error() -> None:
    m = CrossEncoderStance()
    long = "The council met again. " * 400
    probs = m.predict_proba(["The council met.", "x " * 500], [long, long])
    assert probs.shape == (2, 3) and m.truncated == 2


def test_empty_input() -> None:
    assert default_cross_encoder().predict_proba([], []).shape == (0, 3)


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_missing_or_damaged_artefact_names_the_rebuild_command(tmp_path: Path,
                                                               damage: str) -> None:
    bad = tmp_path / "stance"
    shutil.copytree(artefact_dir(), bad)
    if damage == "missing":
        (bad / "model.onnx").unlink()
    else:
        data = (bad / "model.onnx").read_bytes()
        (bad / "model.onnx").write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelArtefactError, match="rebuild it with: rhetorica train stance"):
        CrossEncoderStance(bad)


def test_cli_reports_a_damaged_model_in_one_line(tmp_path: Path, corpus_store) -> None:
    bad = tmp_path / "stance"
    shutil.copytree(artefact_dir(), bad)
    (bad / "model.onnx").write_bytes(b"not a model")
    env = {"RHETORICA_STANCE_MODEL": str(bad), "PATH": "/usr/bin:/bin",
           "RHETORICA_HOME": str(tmp_path)}
    res = subprocess.run([sys.executable, "-m", "rhetorica.cli.main", "verify",
                          "Container traffic rose.", "--db", corpus_store.store.url],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 5
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and REBUILD in lines[0], res.stderr
