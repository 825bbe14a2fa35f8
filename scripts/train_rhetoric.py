"""Train the rhetoric model (span tagger + technique classifier) on PTC and save it.

    python scripts/train_rhetoric.py --data ../shared/data [--out DIR]

(default DIR: src/rhetorica/data/models/rhetoric).

The articles are split by article with a fixed seed; the held-out part is never seen here
(``rhetorica eval rhetoric`` scores on it). Within the training part a further seeded dev
split picks the span threshold and the regularisation; the final models are then refitted
on the whole training part with those settings.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rhetorica.rhetoric.model import MODEL_DIR, RhetoricModel, SpanTagger, TechniqueClassifier
from rhetorica.rhetoric.ptc import (
    DATASET,
    ids_digest,
    load_ptc,
    sentences,
    si_scores,
    split_articles,
)


def si_data(arts):
    return ([a.text for a in arts], [[(s, e) for s, e, _ in a.spans] for a in arts],
            [sentences(a.text) for a in arts])


def tc_data(arts):
    rows, labels = [], []
    for a in arts:
        sents = sentences(a.text)
        rows += TechniqueClassifier.rows(a.text, [(s, e) for s, e, _ in a.spans], sents)
        labels += [t for _, _, t in a.spans]
    return rows, labels


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--test-fraction", type=float, default=0.2)
    args = ap.parse_args(argv)

    t0 = time.time()
    arts = load_ptc(args.data / DATASET)
    train, test = split_articles(arts, args.test_fraction, args.seed)
    fit_part, dev = split_articles(train, 0.15, args.seed + 1)
    print(f"articles: {len(arts)} -> train {len(train)} (fit {len(fit_part)}, dev {len(dev)}), "
          f"held-out test {len(test)}", file=sys.stderr)

    # Technique classifier: pick C on dev.
    rows_fit, y_fit = tc_data(fit_part)
    rows_dev, y_dev = tc_data(dev)
    best_c, best_acc = 1.0, -1.0
    for c in (3.0, 10.0):
        acc = TechniqueClassifier(c=c, seed=args.seed).fit(rows_fit, y_fit).score(rows_dev, y_dev)
        print(f"  TC C={c}: dev micro-F1 {acc:.3f}", file=sys.stderr)
        if acc > best_acc:
            best_c, best_acc = c, acc

    # Span tagger: pick C, then the threshold, on dev.
    texts_fit, gold_fit, sents_fit = si_data(fit_part)
    texts_dev, gold_dev, sents_dev = si_data(dev)
    best = (0.0, 0.5, 0.4, 1)
    for c in (0.3, 0.5):
        tagger = SpanTagger(c=c, seed=args.seed).fit(texts_fit, gold_fit, sents_fit)
        for smooth in (1, 3):
            for thr in (0.2, 0.25, 0.3):
                tagger.threshold, tagger.smooth = thr, smooth
                g = {str(i): s for i, s in enumerate(gold_dev)}
                p = {str(i): [(s, e) for s, e, _ in tagger.predict(t, ss)]
                     for i, (t, ss) in enumerate(zip(texts_dev, sents_dev, strict=True))}
                f1 = si_scores(g, p)["f1"]
                print(f"  SI C={c} smooth={smooth} threshold={thr}: dev F1 {f1:.3f}",
                      file=sys.stderr)
                if f1 > best[0]:
                    best = (f1, c, thr, smooth)
    si_f1, si_c, si_thr, si_smooth = best

    # Refit on the whole training part.
    rows, y = tc_data(train)
    clf = TechniqueClassifier(c=best_c, seed=args.seed).fit(rows, y)
    texts, gold, sents = si_data(train)
    tagger = SpanTagger(c=si_c, threshold=si_thr, smooth=si_smooth,
                        seed=args.seed).fit(texts, gold, sents)

    card = {
        "name": "rhetoric",
        "trained_on": f"{DATASET} (training partition, {len(train)} of {len(arts)} articles)",
        "split": {"seed": args.seed, "test_fraction": args.test_fraction,
                  "test_articles": len(test),
                  "test_ids_sha256_16": ids_digest([a.id for a in test])},
        "hyperparameters": {"tc_C": best_c, "si_C": si_c, "si_threshold": si_thr,
                            "si_smooth": si_smooth},
        "dev": {"tc_micro_f1": round(best_acc, 4), "si_f1": round(si_f1, 4)},
        "train_spans": len(y),
        "command": "python scripts/train_rhetoric.py --data ../shared/data",
    }
    RhetoricModel(tagger, clf, card).save(args.out)
    size = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(json.dumps({**card, "artefact_bytes": size, "seconds": round(time.time() - t0, 1)},
                     indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
