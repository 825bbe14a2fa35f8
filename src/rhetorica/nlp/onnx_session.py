"""One way to open our int8 ONNX models (stance cross-encoder, attribution tagger).

onnxruntime's intra-op threads spin while they wait for work by default. On our 2-core
machines that CPU is taken from whoever shares them: the web app's HTTP process beside its
analysis worker, the other workers of a forked pipeline. Without spinning, the web
benchmark's server spends 20-21 ms of CPU per request instead of 28-30 ms, for the same
latency (interleaved runs of ``bench/bench_web.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# Intra-op threads of the sessions this process opens when a caller names none (None:
# onnxruntime's default, one per core). A worker process that shares the cores with others
# sets 1 (see rhetorica.web.services): a sentence's few dozen tokens are too little work to
# split, and handing it between two threads cost the web worker 10-15 % more CPU per request.
PROCESS_THREADS: int | None = None


def open_session(model: Path, threads: int | None = None) -> Any:
    """An onnxruntime CPU session for ``model``: all graph optimisations, no spinning
    threads, ``threads`` intra-op threads (None: :data:`PROCESS_THREADS`)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    threads = threads or PROCESS_THREADS
    if threads:
        opts.intra_op_num_threads = threads
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])


def open_artefact(base: Path, what: str, rebuild: str, error: type[Exception],
                  threads: int | None = None) -> tuple[dict[str, Any], Any, Any]:
    """A model folder's ``config.json``, ``tokenizer.json`` and ``model.onnx`` session.

    Any failure (a missing file, bad JSON, a truncated ONNX file) raises ``error`` with one
    line naming the model (``what``), the folder and the command that rebuilds it."""
    from tokenizers import Tokenizer

    try:
        config = json.loads((base / "config.json").read_text())
        tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
        session = open_session(base / "model.onnx", threads)
    except Exception as exc:
        raise error(f"{what} at {base} is missing or damaged ({type(exc).__name__}); "
                    f"rebuild it with: {rebuild}") from None
    return config, tokenizer, session


def pad_encodings(enc: Sequence[Any], idx: Sequence[int]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ids, attention mask and segment ids (int64) of the encodings ``idx``, padded
    to the longest of them only. Training (``finetune.pad_batch``) pads the same way."""
    width = max(len(enc[i].ids) for i in idx)
    ids = np.zeros((len(idx), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for r, i in enumerate(idx):
        e = enc[i]
        ids[r, :len(e.ids)] = e.ids
        mask[r, :len(e.ids)] = 1
        types[r, :len(e.ids)] = e.type_ids
    return ids, mask, types


def run_by_length(session: Any, enc: Sequence[Any], batch_size: int) -> np.ndarray:
    """The model's first output for each of ``enc`` (``tokenizers`` encodings), in their order.

    Encodings are sorted by length and batched, so a batch pads only to its longest row;
    inputs the session does not take (``token_type_ids`` for some exports) are left out.
    """
    names = {i.name for i in session.get_inputs()}
    order = sorted(range(len(enc)), key=lambda i: len(enc[i].ids))
    out: np.ndarray | None = None
    for k in range(0, len(order), batch_size):
        idx = order[k:k + batch_size]
        ids, mask, types = pad_encodings(enc, idx)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        logits = session.run(None, {n: v for n, v in feeds.items() if n in names})[0]
        if out is None:
            out = np.zeros((len(enc), *logits.shape[1:]), dtype=np.float32)
        out[idx] = logits
    return out if out is not None else np.zeros((0,), dtype=np.float32)
