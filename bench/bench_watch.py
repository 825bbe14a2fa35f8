"""Throughput of `rhetorica watch`: documents/s from a JSONL export through the watcher.

    python bench/bench_watch.py [--docs 2000] [--per-doc 3] [--batch-size 16] [--pipeline ...]

Measures the whole watcher path: reading the export, the analysis pipeline plus indicator
matching, and the per-batch store transaction (item records, documents, hits, alerts,
cursor). Model loading is timed separately so the figure is steady-state throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import posts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--per-doc", type=int, default=3, help="sentences per document")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--pipeline", default="", help="comma-separated components (default: all)")
    ap.add_argument("--no-examples", action="store_true",
                    help="match patterns only (skip WordLlama example similarity)")
    args = ap.parse_args()

    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.monitor.sources import make_source
    from rhetorica.monitor.watcher import Watcher, watch_pipeline
    from rhetorica.monitor.watchlist import IndicatorMatcher, load_watchlist
    from rhetorica.store import open_store

    texts = posts(args.docs, args.per_doc, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "stream.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for i, t in enumerate(texts):
                fh.write(json.dumps({"id": i, "text": t, "author": f"Speaker {i % 7}",
                                     "date": f"2025-06-{1 + i % 28:02d}T12:00:00Z"}) + "\n")
        settings = Settings(db=str(Path(tmp) / "bench.db"))
        if args.pipeline:
            settings = settings.with_(pipeline=tuple(args.pipeline.split(",")))
        wl = load_watchlist()
        t0 = time.perf_counter()
        pipe = watch_pipeline(wl, settings)
        if args.no_examples:
            pipe.components[-1] = ("indicators", IndicatorMatcher(wl, use_examples=False))
        pipe(Document("Warm up."))
        load_s = time.perf_counter() - t0
        store = open_store(settings.db)
        watcher = Watcher(store, [make_source(str(src))], wl, settings=settings,
                          pipeline=pipe, batch_size=args.batch_size)
        t1, c1 = time.perf_counter(), time.process_time()
        stats = watcher.run(once=True)
        run_s, cpu_s = time.perf_counter() - t1, time.process_time() - c1
        store.close()
        db_mb = sum(f.stat().st_size for f in Path(tmp).glob("bench.db*")) / 1e6
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cpus available:      {len(os.sched_getaffinity(0))}")
    print(f"pipeline:            {','.join(pipe.names)}"
          f"{' (patterns only)' if args.no_examples else ''}")
    print(f"documents:           {stats.processed} ({args.per_doc} sentences each), "
          f"batch {args.batch_size}")
    print(f"model load:          {load_s:.2f} s")
    print(f"watch run:           {run_s:.2f} s")
    print(f"throughput:          {stats.processed / run_s:.1f} documents/s")
    # CPU time is the steadier figure on a shared machine (wall time includes waiting).
    print(f"cpu time:            {cpu_s:.2f} s ({stats.processed / cpu_s:.1f} documents per "
          f"CPU-second; load average {os.getloadavg()[0]:.1f})")
    print(f"alerts raised:       {len(stats.alerts)}")
    print(f"store size:          {db_mb:.1f} MB")
    print(f"peak RSS:            {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
