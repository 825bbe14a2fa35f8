"""Sentences per second for the rhetoric component alone (issue #3 targets: 2,000/s for the
lexicon layer, 300/s with the classifier, on 2 cores).

    python bench/bench_rhetoric.py [--n 2000] [--per-doc 10]

"Alone" means the spaCy parse is done beforehand and not timed (``parse`` is shared by the
whole pipeline); the parse rate is printed too so the end-to-end cost is visible.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import posts

from rhetorica.config import Settings
from rhetorica.document import Document


def timed(label: str, n_sent: int, fn) -> float:
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    rate = n_sent / dt
    print(f"{label:<44} {rate:>9,.0f} sentences/s  ({dt:.2f} s)")
    return rate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000, help="sentences")
    ap.add_argument("--per-doc", type=int, default=10, help="sentences per document")
    args = ap.parse_args()
    settings = Settings()
    texts = posts(args.n // args.per_doc, args.per_doc, seed=1)
    n_sent = len(texts) * args.per_doc

    from rhetorica.pipeline import Pipeline
    from rhetorica.rhetoric.lexicon import make_rhetoric_lexicon
    from rhetorica.rhetoric.model import make_rhetoric_model

    # Components one by one (a Pipeline drops the parse after each document).
    parser, segmenter = (Pipeline(["parse", "segment"], settings).components[i][1]
                         for i in range(2))
    docs = [Document(t) for t in texts]
    timed("spaCy parse + segment (shared, for scale)", n_sent,
          lambda: [segmenter(d) for d in parser.pipe(docs)])
    lex = make_rhetoric_lexicon(settings)
    model = make_rhetoric_model(settings)
    lex(docs[0]), model(docs[0])  # warm caches
    timed("rhetoric lexicon layer alone", n_sent, lambda: [lex(d) for d in docs])
    timed("rhetoric model (tagger + classifier) alone", n_sent, lambda: [model(d) for d in docs])
    timed("lexicon + model", n_sent, lambda: [model(lex(d)) for d in docs])
    spans = sum(len(d.layer("rhetoric")) for d in docs)
    print(f"{len(docs)} documents, {n_sent} sentences, {spans} rhetoric spans")


if __name__ == "__main__":
    main()
