"""Throughput of check-worthiness scoring, claim typing, atomic splitting and claim matching.

    python bench/bench_claims.py [--sentences 5000] [--per-doc 5]

Target (issue 4): >= 1,000 sentences/s on 2 cores without atomic splitting; issue 19: the
MiniLM ranker alone >= 1,000 sentences/s (its line below, "ranker only"). The ``claims``
component reuses the spaCy parse left by ``parse`` (as in the default pipeline), so the
parse is timed separately and the figure that meets the target is the claims component's
own time (model + typing) over already parsed documents.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import posts, sentences


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f} sentences/s ({seconds:.2f} s for {n:,})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=5000)
    ap.add_argument("--per-doc", type=int, default=5)
    args = ap.parse_args()

    from rhetorica.claims.atomic import AtomicClaims
    from rhetorica.claims.checkworthiness import make_checkworthiness
    from rhetorica.claims.matching import ClaimIndex, dedupe
    from rhetorica.claims.model import load_default
    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    print(f"cores available: {os.cpu_count()}; sentences: {args.sentences}")
    settings = Settings()
    model = load_default()
    sents = sentences(args.sentences, seed=1)
    model.predict_proba(sents[:50])  # warm up (WordLlama load)
    t = time.perf_counter()
    model.predict_proba(sents)
    print("TF-IDF model only (raw sentences):  ", rate(len(sents), time.perf_counter() - t))
    from rhetorica.claims.ranker import RankerArtefactError, default_ranker

    try:
        ranker = default_ranker()
    except RankerArtefactError as exc:
        print(f"ranker only: not measured ({exc})")
    else:
        ranker.predict_proba(sents[:50])
        t = time.perf_counter()
        ranker.predict_proba(sents)
        print("ranker only (raw sentences):        ", rate(len(sents), time.perf_counter() - t))

    texts = posts(args.sentences // args.per_doc, args.per_doc, seed=2)
    docs = [Document(x) for x in texts]
    pre = Pipeline(["parse", "language", "segment", "entities"], settings)
    t = time.perf_counter()
    docs = list(_keep_parse(pre, docs))
    n = sum(len(d.layer("sentence")) for d in docs)
    print("parse+segment+entities (spaCy):     ", rate(n, time.perf_counter() - t))

    comp = make_checkworthiness(settings)
    print(f"claims component: {comp.model_name}")
    t = time.perf_counter()
    for i in range(0, len(docs), settings.batch_size):
        list(comp.pipe(docs[i:i + settings.batch_size]))
    print("claims component (score + type):    ", rate(n, time.perf_counter() - t))

    atomic = AtomicClaims(settings)
    t = time.perf_counter()
    for d in docs:
        atomic(d)
    n_atoms = sum(len(d.layer("atomic_claim")) for d in docs)
    print("atomic_claims component:            ", rate(n, time.perf_counter() - t),
          f"-> {n_atoms:,} atomic claims")

    claims = [d.text[s.start:s.end] for d in docs for s in d.layer("claim")][:5000]
    t = time.perf_counter()
    idx = ClaimIndex().add(claims)
    build = time.perf_counter() - t
    t = time.perf_counter()
    for q in claims[:500]:
        idx.search(q)
    search = time.perf_counter() - t
    print(f"matching: index {len(claims):,} claims in {build:.2f} s; "
          f"{500 / search:,.0f} searches/s")
    t = time.perf_counter()
    groups = dedupe(claims[:2000])
    print(f"dedupe 2,000 claims: {time.perf_counter() - t:.2f} s, {len(groups)} groups")


def _keep_parse(pipe, docs):
    """Run the first components but keep doc.parsed (Pipeline.pipe drops it at the end)."""
    for i in range(0, len(docs), pipe.settings.batch_size):
        batch = docs[i:i + pipe.settings.batch_size]
        for _name, comp in pipe.components:
            p = getattr(comp, "pipe", None)
            batch = list(p(batch)) if p else [comp(d) for d in batch]
        yield from batch


if __name__ == "__main__":
    main()
