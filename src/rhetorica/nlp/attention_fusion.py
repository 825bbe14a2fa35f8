"""Fuse each self-attention block of an exported MiniLM graph into one onnxruntime op.

``torch.onnx.export`` writes BERT's attention as some forty small nodes per layer: shape
arithmetic (Shape, Gather, Unsqueeze, Concat), Reshape and Transpose of the heads, the
score MatMul, the additive mask built from ``attention_mask``, Softmax and the
``Where(IsNaN(...))`` guard of scaled-dot-product attention. onnxruntime's own graph
optimiser does not recognise that pattern in our quantised graphs, so on short inputs
(a post, a claim against a passage) those nodes cost about as much as the int8 matrix
products that do the work. This rewrite replaces each block by onnxruntime's
``com.microsoft.MultiHeadAttention`` (query, key and value projections in, the heads'
concatenated output out, padding from ``attention_mask``), which computes the same
function; then it drops the nodes nothing reads any more.

It runs when a model is exported (:func:`rhetorica.nlp.finetune.export_int8`) and once over
the committed artefacts (``scripts/fuse_attention.py``); logits agree with the unfused
graph to float rounding (``tests/nlp/test_attention_fusion.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FusionError", "fuse_attention", "fuse_file"]

# Ops on the data path of the heads between a projection and the scores (or after the
# weighted sum): these carry the tensor, the rest of their inputs are shapes or scales.
_HEAD_OPS = {"Reshape", "Transpose", "Mul", "Div"}
MASK_NAME = "attention_mask"
MASK_INT32 = "attention_mask_int32"


class FusionError(ValueError):
    """The graph's attention does not have the shape this rewrite knows."""


def _constants(graph: Any) -> dict[str, np.ndarray]:
    from onnx import numpy_helper

    out = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            for attr in node.attribute:
                if attr.name == "value":
                    out[node.output[0]] = numpy_helper.to_array(attr.t)
    return out


def _back_to_projection(name: str, producer: dict[str, Any], consts: dict[str, np.ndarray]
                        ) -> tuple[str, float, int | None]:
    """Walk from a head tensor back to the projection it was split from; returns the
    projection's output, the product of the scalar scales met on the way and the number of
    heads read from the splitting Reshape's target shape (``[batch, length, heads,
    head_size]``; None when that shape is not built from constants)."""
    scale, heads = 1.0, None
    while (node := producer.get(name)) is not None and node.op_type in _HEAD_OPS:
        if node.op_type in {"Mul", "Div"}:
            data = [i for i in node.input if i not in consts]
            const = [i for i in node.input if i in consts]
            if len(data) != 1 or len(const) != 1 or consts[const[0]].size != 1:
                break
            value = float(consts[const[0]].reshape(()))
            scale *= value if node.op_type == "Mul" else 1.0 / value
            name = data[0]
            continue
        if node.op_type == "Reshape" and (split := _heads(node.input[1], producer, consts)):
            heads, size = split
            if not heads:  # [batch, length, -1, head_size]: heads from the projection
                bias = [consts[i] for i in producer[node.input[0]].input if i in consts] \
                    if node.input[0] in producer else []
                width = next((int(b.shape[-1]) for b in bias if b.ndim == 1), 0)
                heads = width // size if width and width % size == 0 else None
        name = node.input[0]
    return name, scale, heads


def _heads(shape: str, producer: dict[str, Any], consts: dict[str, np.ndarray]
           ) -> tuple[int, int] | None:
    """(heads, head size) of a 4-d target shape ``[batch, length, heads, head_size]``, given
    whole or as a Concat of pieces; one of the two may be -1 (0 when it must be inferred)."""
    if shape in consts:
        dims = [int(x) for x in consts[shape].reshape(-1)]
    elif (node := producer.get(shape)) is not None and node.op_type == "Concat":
        dims = [int(consts[i].reshape(-1)[0]) if i in consts and consts[i].size == 1 else 0
                for i in node.input]
    else:
        return None
    if len(dims) != 4 or (dims[2] <= 0 and dims[3] <= 0):
        return None
    return max(dims[2], 0), max(dims[3], 0)


def _forward_to_output(name: str, consumers: dict[str, list[Any]]) -> str:
    """From the weighted sum of values forward over the head-merging Reshape/Transpose
    chain to the tensor the output projection reads."""
    while True:
        nxt = [n for n in consumers.get(name, []) if n.op_type != "Shape"]
        if len(nxt) != 1 or nxt[0].op_type not in {"Reshape", "Transpose"}:
            return name
        name = nxt[0].output[0]


def fuse_attention(model: Any) -> tuple[Any, int]:
    """Return ``(model, n)``: ``model`` with its ``n`` attention blocks fused (0 when the
    graph has none of the known shape, or is fused already)."""
    import onnx
    from onnx import helper

    graph = model.graph
    if not any(i.name == MASK_NAME for i in graph.input):
        return model, 0
    consts = _constants(graph)
    producer = {o: n for n in graph.node for o in n.output}
    consumers: dict[str, list[Any]] = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    blocks = []
    for soft in (n for n in graph.node if n.op_type == "Softmax"):
        add = producer.get(soft.input[0])
        scores = producer.get(add.input[0]) if add is not None and add.op_type == "Add" else None
        s0 = 1.0  # eager attention scales the scores, scaled-dot-product the heads
        while scores is not None and scores.op_type in {"Mul", "Div"}:
            data, s1, _ = _back_to_projection(scores.output[0], producer, consts)
            if data == scores.output[0]:
                break
            scores, s0 = producer.get(data), s0 * s1
        if scores is None or scores.op_type != "MatMul":
            raise FusionError(f"unexpected graph before {soft.name}")
        q, sq, heads = _back_to_projection(scores.input[0], producer, consts)
        k, sk, _ = _back_to_projection(scores.input[1], producer, consts)
        probs = soft.output[0]
        after = [n for n in consumers.get(probs, []) if n.op_type == "MatMul"]
        if not after:  # the NaN guard of scaled-dot-product attention sits between
            guard = [n for n in consumers.get(probs, []) if n.op_type == "Where"]
            after = list({c.name: c for g in guard for c in consumers.get(g.output[0], [])
                          if c.op_type == "MatMul"}.values())
        if len(after) != 1:
            raise FusionError(f"unexpected graph after {soft.name}")
        v, _, _ = _back_to_projection(after[0].input[1], producer, consts)
        if heads is None:
            raise FusionError(f"cannot tell the number of heads before {soft.name}")
        out = _forward_to_output(after[0].output[0], consumers)
        blocks.append((q, k, v, out, s0 * sq * sk, heads, soft.name))
    if not blocks:
        return model, 0
    new_nodes = [helper.make_node("Cast", [MASK_NAME], [MASK_INT32], to=onnx.TensorProto.INT32,
                                  name="attention_mask_to_int32")]
    for q, k, v, out, scale, heads, where in blocks:
        # MultiHeadAttention's own scale is 1/sqrt(head_size); an export that scales the
        # scores some other way says so, and the fused node keeps what the graph did
        attrs: dict[str, Any] = {"num_heads": heads, "scale": scale}
        new_nodes.append(helper.make_node(
            "MultiHeadAttention", [q, k, v, "", MASK_INT32], [out], domain="com.microsoft",
            name=f"{where}_fused", **attrs))
    fused_outputs = {b[3] for b in blocks}
    kept = [n for n in graph.node if not set(n.output) & fused_outputs]
    # the fused nodes go right after their last input's producer: before the first reader
    ordered = _insert_in_order(kept, new_nodes)
    del graph.node[:]
    graph.node.extend(ordered)
    _drop_dead(graph)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return model, len(blocks)


def _insert_in_order(kept: list[Any], new_nodes: list[Any]) -> list[Any]:
    """A topological order of ``kept`` plus ``new_nodes`` (ONNX wants producers first)."""
    nodes = [*kept, *new_nodes]
    made = {o for n in nodes for o in n.output}
    done: set[str] = set()
    ordered: list[Any] = []
    pending = nodes
    while pending:
        rest = []
        for n in pending:
            if all(i == "" or i not in made or i in done for i in n.input):
                ordered.append(n)
                done.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise FusionError("fused graph has a cycle")
        pending = rest
    return ordered


def _drop_dead(graph: Any) -> None:
    """Remove nodes (and initializers) whose outputs nothing reads."""
    wanted = {o.name for o in graph.output}
    keep: list[Any] = []
    for node in reversed(list(graph.node)):
        if any(o in wanted for o in node.output):
            keep.append(node)
            wanted.update(i for i in node.input if i)
    keep.reverse()
    del graph.node[:]
    graph.node.extend(keep)
    used = {i for n in graph.node for i in n.input} | {o.name for o in graph.output}
    inits = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(inits)


def fuse_file(path: Path, out: Path | None = None) -> int:
    """Fuse the model at ``path`` in place (or into ``out``); returns the blocks fused."""
    import onnx

    model = onnx.load(str(path))
    model, n = fuse_attention(model)
    if n:
        onnx.checker.check_model(model)
        onnx.save(model, str(out or path))
    return n
