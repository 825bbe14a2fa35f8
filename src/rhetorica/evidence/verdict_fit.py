"""Fitting the verdict rule's thresholds and its confidence calibration (``train verdict``).

Both are fitted on CLIMATE-FEVER's *calibration* split: claims held out from the stance
model's training, split again in two halves so that the calibration is not fitted on the
claims that chose the thresholds. Evidence is the claim's annotated sentences, read exactly
as ``verify`` reads retrieved passages (stance model, then the explicit checks).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np

from rhetorica.evidence.verify import VerdictModel, read_with_checks


def claim_probs(items: list[Any], stance: Any) -> list[np.ndarray]:
    """Adjusted stance probabilities per claim over its annotated evidence sentences."""
    claims = [it.claim for it in items for _ in it.evidence]
    sents = [s for it in items for _, s, _ in it.evidence]
    probs = stance.predict_proba(claims, sents) if claims else np.zeros((0, 3))
    out, i = [], 0
    for it in items:
        n = len(it.evidence)
        out.append(read_with_checks(it.claim, [s for _, s, _ in it.evidence],
                                    probs[i:i + n])[0])
        i += n
    return out


def fit_verdict(data_dir: Path, seed: int = 0, stance: Any | None = None) -> VerdictModel:
    from rhetorica.evidence.cross_encoder import default_cross_encoder
    from rhetorica.evidence.datasets import load_climate_fever, split_claims

    _train, cal, _test = split_claims(load_climate_fever(data_dir), seed=0)
    cal = sorted(cal, key=lambda it: it.id)
    random.Random(seed).shuffle(cal)
    half = len(cal) // 2
    stance = stance or default_cross_encoder()
    probs = claim_probs(cal, stance)
    y = [it.verdict for it in cal]
    model = VerdictModel(seed=seed).fit(probs[:half], y[:half])
    model.calibrate(probs[half:], y[half:])
    model.metrics = {"fit_claims": half, "calibration_claims": len(cal) - half,
                     "fit_macro_f1": round(model.score(probs[:half], y[:half]), 4)}
    return model
