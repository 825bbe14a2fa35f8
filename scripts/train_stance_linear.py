"""Train the *previous* linear stance model on CLIMATE-FEVER (kept as a baseline).

    python scripts/train_stance_linear.py [--data ../shared/data]
                                          [--out src/rhetorica/data/models/stance]

``verify`` now uses the cross-encoder (``rhetorica train stance``); this wordllama + logistic
regression model stays in ``data/models/stance`` so that ``rhetorica eval stance`` and
``eval verify`` can show it beside the new one. Its ``verdict.json`` (the two-threshold rule
it used) was written by the first version of this script and is frozen: ``eval verify``
reads it to score the previous system. Claim-level seeded split 60 / 20 / 20; figures are
written into stance.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sklearn.metrics import accuracy_score, f1_score  # noqa: E402

from rhetorica.evidence.datasets import load_climate_fever, split_claims  # noqa: E402
from rhetorica.evidence.stance import _ANT, LABELS, StanceModel  # noqa: E402


def pairs(items):
    c, p, y = [], [], []
    for it in items:
        for _, sent, stance in it.evidence:
            c.append(it.claim)
            p.append(sent)
            y.append(stance)
    return c, p, y


_AUX = re.compile(r"\b(is|are|was|were|will|can|has|have|had|does|do|did|could|would|should)\b",
                  flags=re.I)


def contradictions(claim: str) -> list[str]:
    """Claims that contradict ``claim``: one antonym swapped, or a negation inserted.

    CLIMATE-FEVER has few refuting pairs and almost none that differ by one word; these
    synthetic counterparts (training split only) teach the cue features their meaning.
    """
    out = []
    words = claim.split()
    for i, w in enumerate(words):
        core = w.strip(".,;:!?\"'").lower()
        if core in _ANT:
            swap = sorted(_ANT[core])[0]
            out.append(" ".join([*words[:i], w.lower().replace(core, swap), *words[i + 1:]]))
            break
    m = _AUX.search(claim)
    if m and not re.match(r"\s+not\b", claim[m.end():]):
        out.append(claim[:m.end()] + " not" + claim[m.end():])
    return out


def augment(c: list[str], p: list[str], y: list[str]) -> tuple[list, list, list]:
    ac, ap, ay = list(c), list(p), list(y)
    for claim, passage, label in zip(c, p, y, strict=True):
        if label == "supports":
            for neg in contradictions(claim):
                ac.append(neg)
                ap.append(passage)
                ay.append("refutes")
    return ac, ap, ay


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "src/rhetorica/data/models/stance")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--C", type=float, default=0.05)
    ap.add_argument("--no-augment", action="store_true",
                    help="Train on the original pairs only (no synthetic contradictions).")
    args = ap.parse_args()
    t0 = time.time()
    train, cal, test = split_claims(load_climate_fever(args.data), seed=args.seed)
    print(f"claims: train {len(train)}, calibration {len(cal)}, test {len(test)}")

    stance = StanceModel(C=args.C, seed=args.seed)
    c, p, y = pairs(train)
    if not args.no_augment:
        c, p, y = augment(c, p, y)
    stance.fit(c, p, y)
    tc, tp, ty = pairs(test)
    pred = stance.predict(tc, tp)
    majority = Counter(y).most_common(1)[0][0]
    stance.metrics = {
        "data": "CLIMATE-FEVER claim-evidence pairs, seeded claim-level split 60/20/20",
        "train_pairs": len(y), "augmented": not args.no_augment, "test_pairs": len(ty),
        "test_accuracy": round(accuracy_score(ty, pred), 4),
        "test_macro_f1": round(f1_score(ty, pred, labels=list(LABELS), average="macro"), 4),
        "test_f1_per_class": dict(zip(LABELS, np.round(f1_score(
            ty, pred, labels=list(LABELS), average=None), 4).tolist(), strict=True)),
        "baseline_majority": majority,
        "baseline_accuracy": round(accuracy_score(ty, [majority] * len(ty)), 4),
        "baseline_macro_f1": round(f1_score(ty, [majority] * len(ty), labels=list(LABELS),
                                            average="macro"), 4),
    }
    print("stance", json.dumps(stance.metrics, indent=1))

    stance.save(args.out)
    print(f"wrote {args.out} in {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
