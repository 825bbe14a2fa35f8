"""Attention fusion: the fused graph computes what the exported one did, and the committed
artefacts are fused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from rhetorica.nlp.attention_fusion import FusionError, fuse_attention  # noqa: E402
from rhetorica.nlp.onnx_session import open_session  # noqa: E402

HIDDEN, HEADS = 16, 4
MODELS = Path(__file__).resolve().parents[2] / "src" / "rhetorica" / "data" / "models"


def _const(name: str, value: np.ndarray) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name))


def attention_graph(style: str, seed: int = 0) -> onnx.ModelProto:
    """One BERT self-attention block as torch exports it: ``sdpa`` scales the heads and
    guards Softmax against NaN rows, ``eager`` divides the scores by sqrt(head size)."""
    rng = np.random.default_rng(seed)
    size = HIDDEN // HEADS
    inits = []
    nodes = [
        _const("split", np.array([0, 0, -1, size], dtype=np.int64)),
        _const("merge", np.array([0, 0, HIDDEN], dtype=np.int64)),
        _const("half_scale", np.array(size ** -0.25, dtype=np.float32)),
        _const("root", np.array(size ** 0.5, dtype=np.float32)),
        _const("zero", np.array(0.0, dtype=np.float32)),
        _const("neg", np.array(np.finfo(np.float32).min, dtype=np.float32)),
        _const("one_i", np.array(1, dtype=np.int64)),
    ]
    for p in "qkv":
        inits += [numpy_helper.from_array(rng.normal(size=(HIDDEN, HIDDEN)).astype(np.float32),
                                          f"w{p}"),
                  numpy_helper.from_array(rng.normal(size=HIDDEN).astype(np.float32), f"b{p}")]
        nodes += [helper.make_node("MatMul", ["hidden", f"w{p}"], [f"{p}_mm"]),
                  helper.make_node("Add", [f"b{p}", f"{p}_mm"], [p]),
                  helper.make_node("Reshape", [p, "split"], [f"{p}_4d"])]
    nodes += [helper.make_node("Transpose", ["q_4d"], ["q_h"], perm=[0, 2, 1, 3]),
              helper.make_node("Transpose", ["k_4d"], ["k_h"], perm=[0, 2, 3, 1]),
              helper.make_node("Transpose", ["v_4d"], ["v_h"], perm=[0, 2, 1, 3])]
    if style == "sdpa":
        nodes += [helper.make_node("Mul", ["q_h", "half_scale"], ["q_s"]),
                  helper.make_node("Mul", ["k_h", "half_scale"], ["k_s"]),
                  helper.make_node("MatMul", ["q_s", "k_s"], ["scores"])]
    else:
        nodes += [helper.make_node("MatMul", ["q_h", "k_h"], ["raw"]),
                  helper.make_node("Div", ["raw", "root"], ["scores"])]
    nodes += [
        # additive mask: 0 where attention_mask is 1, the float minimum where it is 0
        helper.make_node("Unsqueeze", ["attention_mask", "axes"], ["mask4"]),
        helper.make_node("Equal", ["mask4", "one_i"], ["keep"]),
        helper.make_node("Where", ["keep", "zero", "neg"], ["bias"]),
        helper.make_node("Add", ["scores", "bias"], ["masked"]),
        helper.make_node("Softmax", ["masked"], ["probs"], axis=-1),
    ]
    inits.append(numpy_helper.from_array(np.array([1, 2], dtype=np.int64), "axes"))
    if style == "sdpa":
        nodes += [helper.make_node("IsNaN", ["probs"], ["nan"]),
                  helper.make_node("Where", ["nan", "zero", "probs"], ["probs_ok"]),
                  helper.make_node("MatMul", ["probs_ok", "v_h"], ["ctx"])]
    else:
        nodes.append(helper.make_node("MatMul", ["probs", "v_h"], ["ctx"]))
    nodes += [helper.make_node("Transpose", ["ctx"], ["ctx_t"], perm=[0, 2, 1, 3]),
              helper.make_node("Reshape", ["ctx_t", "merge"], ["merged"]),
              helper.make_node("Relu", ["merged"], ["out"])]  # something reads the block
    graph = helper.make_graph(
        nodes, "attention",
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["b", "s", HIDDEN]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["b", "s"])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["b", "s", HIDDEN])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model: onnx.ModelProto, tmp_path: Path, name: str, feeds: dict) -> np.ndarray:
    path = tmp_path / f"{name}.onnx"
    onnx.save(model, str(path))
    return open_session(path).run(None, feeds)[0]


@pytest.mark.parametrize("style", ["sdpa", "eager"])
def test_fused_block_computes_the_same_outputs_with_padding(style: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    feeds = {"hidden": rng.normal(size=(3, 7, HIDDEN)).astype(np.float32),
             "attention_mask": np.array([[1] * 7, [1] * 4 + [0] * 3, [1] * 2 + [0] * 5])}
    plain = _run(attention_graph(style), tmp_path, "plain", feeds)
    fused_model, n = fuse_attention(attention_graph(style))
    assert n == 1
    ops = [node.op_type for node in fused_model.graph.node]
    assert "MultiHeadAttention" in ops and "Softmax" not in ops and "Transpose" not in ops
    fused = _run(fused_model, tmp_path, "fused", feeds)
    real = feeds["attention_mask"].astype(bool)  # padded rows are never read
    np.testing.assert_allclose(fused[real], plain[real], rtol=1e-4, atol=1e-4)
    # a wrong scale would show: the outputs depend on it
    bad, _ = fuse_attention(attention_graph(style))
    for node in bad.graph.node:
        for attr in node.attribute:
            if attr.name == "scale":
                attr.f *= 3
    assert not np.allclose(_run(bad, tmp_path, "bad", feeds)[real], plain[real], atol=1e-3)


def test_fusing_twice_changes_nothing_and_unknown_graphs_are_refused() -> None:
    model, n = fuse_attention(attention_graph("sdpa"))
    ops = [node.op_type for node in model.graph.node]
    again, m = fuse_attention(model)
    assert (n, m) == (1, 0)
    assert [node.op_type for node in again.graph.node] == ops
    broken = attention_graph("sdpa")
    for node in broken.graph.node:  # scores no longer come from a MatMul of the heads
        if node.op_type == "Add" and node.output[0] == "masked":
            node.input[0] = "q_h"
    with pytest.raises(FusionError):
        fuse_attention(broken)


@pytest.mark.parametrize("name", ["attribution", "rhetoric_tagger", "claims_ranker",
                                  "stance_ce"])
def test_committed_artefacts_are_fused(name: str) -> None:
    model = onnx.load(str(MODELS / name / "model.onnx"), load_external_data=False)
    ops = [node.op_type for node in model.graph.node]
    assert ops.count("MultiHeadAttention") == 6 and "Softmax" not in ops
