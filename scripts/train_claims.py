"""Train the check-worthiness model and save it under src/rhetorica/data/models/claims/.

    python scripts/train_claims.py --data ../shared/data [--out DIR] [--seed 0]

Training pool: our seeded 80% of ClaimBuster train.json, CLEF 2019 T1 training, CLEF 2020
T1 training + dev, CLEF 2020 T5 training — minus every row whose normalised text also occurs
in an evaluation set (ClaimBuster 20%, CLEF 2019 test, CLEF 2020 T1/T5 test-gold).
A seeded 10% dev slice of the pool picks C and the decision threshold (max positive-class F1);
the final model is then refitted on the whole pool with those settings.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from rhetorica.claims.data import DATASET, training_pool
from rhetorica.claims.evaluate import average_precision, f1_positive
from rhetorica.claims.model import MODEL_DIR, CheckWorthinessModel


def source_weights(sources: list[str], power: float = 0.5) -> np.ndarray:
    """Each source counts by its size to the power ``power`` (0.5: square root, so 35k debate
    lines do not drown the 1k tweets yet bigger sets still weigh more; 0: every source the
    same total weight)."""
    counts = Counter(sources)
    return np.array([counts[s] ** power / counts[s] for s in sources]) * len(sources) / sum(
        c ** power for c in counts.values())


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    best = (0.5, -1.0)
    for t in np.arange(0.05, 0.96, 0.01):
        f = f1_positive((scores >= t).astype(int), labels)
        if f > best[1]:
            best = (float(round(t, 2)), f)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--grid", default="0.5,2", help="comma-separated C values to try")
    ap.add_argument("--no-embeddings", action="store_true")
    ap.add_argument("--source-power", type=float, default=0.5,
                    help="source weight = size**power (0.5 sqrt, 0 equal per source)")
    ap.add_argument("--sources", default="",
                    help="comma-separated source prefixes to train on (default: all), e.g. "
                         "claimbuster,clef2020-t1")
    ap.add_argument("--no-length-cues", action="store_true",
                    help="drop the sentence-length cues (debate positives are long)")
    ap.add_argument("--balanced", action="store_true",
                    help="class_weight='balanced' (spreads scores; positives are rare)")
    args = ap.parse_args(argv)

    t0 = time.time()
    pool = training_pool(args.data / DATASET, seed=args.seed)
    if args.sources:
        keep = tuple(s.strip() for s in args.sources.split(",") if s.strip())
        pool = [e for e in pool if e.source.startswith(keep)]
    idx = list(range(len(pool)))
    random.Random(args.seed).shuffle(idx)
    n_dev = len(pool) // 10
    dev_ids = set(idx[:n_dev])
    fit = [e for i, e in enumerate(pool) if i not in dev_ids]
    dev = [e for i, e in enumerate(pool) if i in dev_ids]
    print(f"pool {len(pool)} rows ({sum(e.label for e in pool)} positive): fit {len(fit)}, "
          f"dev {len(dev)}", file=sys.stderr)

    y_dev = np.array([e.label for e in dev])
    best = None
    for c in (float(x) for x in args.grid.split(",")):
        model = CheckWorthinessModel(C=c, use_embeddings=not args.no_embeddings, seed=args.seed,
                                     class_weight="balanced" if args.balanced else None,
                                     length_cues=not args.no_length_cues)
        model.fit([e.text for e in fit], [e.label for e in fit],
                  sample_weight=source_weights([e.source for e in fit], args.source_power))
        scores = model.predict_proba([e.text for e in dev])
        ap_dev = average_precision(scores, y_dev)
        thr, f1 = best_threshold(scores, y_dev)
        print(f"C={c}: dev AP {ap_dev:.3f}, best F1 {f1:.3f} at {thr} "
              f"({time.time() - t0:.0f}s)", file=sys.stderr)
        if best is None or ap_dev > best[1]:
            best = (c, ap_dev, thr, f1)
    assert best is not None
    c, ap_dev, thr, f1 = best

    model = CheckWorthinessModel(C=c, use_embeddings=not args.no_embeddings, threshold=thr,
                                 seed=args.seed,
                                 class_weight="balanced" if args.balanced else None,
                                 length_cues=not args.no_length_cues)
    model.fit([e.text for e in pool], [e.label for e in pool],
              sample_weight=source_weights([e.source for e in pool], args.source_power))
    model.metrics = {
        "name": "claims-tfidf-lr-v1",
        "dev_ap": round(ap_dev, 4), "dev_f1": round(f1, 4), "C": c, "threshold": thr,
        "train_rows": len(pool), "train_positive": sum(e.label for e in pool),
        "sources": dict(Counter(e.source for e in pool)),
        "command": "python scripts/train_claims.py --data ../shared/data "
                   f"--seed {args.seed} --grid {args.grid}"
                   + (" --no-embeddings" if args.no_embeddings else "")
                   + (" --balanced" if args.balanced else "")
                   + (" --no-length-cues" if args.no_length_cues else "")
                   + (f" --sources {args.sources}" if args.sources else "")
                   + f" --source-power {args.source_power}",
    }
    model.save(args.out)
    size = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"saved {args.out} ({size / 1e6:.2f} MB) C={c} threshold={thr} "
          f"in {time.time() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
