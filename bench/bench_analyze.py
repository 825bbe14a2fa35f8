"""Throughput and memory of the analyze pipeline, and CLI cold start.

    python bench/bench_analyze.py [--sentences 10000] [--per-doc 5]

Targets (issue 2): >= 500 sentences/s on 2 cores; CLI cold start < 2 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import posts


def cold_start(args: list[str], repeat: int = 3, stdin: bytes | None = None) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rhetorica.cli.main", *args], input=stdin,
                       capture_output=True, check=True,
                       env={**os.environ, "RHETORICA_DB": "/tmp/rhetorica-bench.db"})
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=10_000)
    ap.add_argument("--per-doc", type=int, default=5)
    ap.add_argument("--pipeline", default="")
    ap.add_argument("--processes", type=int, default=2, help="worker processes (2 cores)")
    args = ap.parse_args()

    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    settings = Settings()
    if args.pipeline:
        settings = settings.with_(pipeline=tuple(args.pipeline.split(",")))
    texts = posts(args.sentences // args.per_doc, args.per_doc)
    t0 = time.perf_counter()
    pipe = Pipeline(settings=settings)
    load = time.perf_counter() - t0
    pipe(Document("Warm up the pipeline once."))
    t1 = time.perf_counter()
    n_sent = 0
    for doc in pipe.pipe((Document(t) for t in texts), n_process=args.processes):
        n_sent += len(doc.layer("sentence"))
    dt = time.perf_counter() - t1
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pipeline: {', '.join(pipe.names)}  processes: {args.processes}")
    print(f"documents: {len(texts)}  sentences: {n_sent}")
    print(f"load: {load:.2f} s   analyse: {dt:.2f} s   -> {n_sent / dt:,.0f} sentences/s "
          f"({len(texts) / dt:,.0f} docs/s)")
    print(f"peak RSS: {rss:,.0f} MiB")
    print(f"cold start `rhetorica --version`: {cold_start(['--version']):.2f} s")
    one = cold_start(["analyze", "-", "--no-store", "--json"], stdin=b"It is a war zone.")
    print(f"cold start `rhetorica analyze - --no-store` (one sentence): {one:.2f} s")


if __name__ == "__main__":
    main()
