"""Throughput and peak memory of `rhetorica batch` on generated posts.

    python bench/bench_batch.py --sizes 10000,50000,100000 --workers 1,2 [--chunk-size 256]

For each size and worker count it writes N generated posts to a temporary JSONL file, runs a
batch in a fresh process (so start-up, spaCy loads and the process pool are counted), samples
the RSS of that process and all its children every 50 ms, and prints documents/s and peak
RSS (driver alone and the whole process tree). It also measures the single-statement
pipeline's rate in this process on the same posts, the per-core baseline the issue compares
against (target: batch docs/s >= 0.8 x baseline x workers; memory flat as N grows).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))
from generate import posts

CORE = ("parse", "language", "segment", "entities", "claims", "rhetoric", "tone")


def write_posts(path: Path, n: int, seed: int = 0) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(posts(n, seed=seed)):
            fh.write(json.dumps({"id": i, "text": text, "author": f"user{i % 97}",
                                 "created_at": f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}"}) + "\n")


def baseline_rate(pipeline: tuple[str, ...], n: int) -> float:
    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    pipe = Pipeline(pipeline, Settings(pipeline=pipeline))
    pipe(Document("Warm up once."))
    texts = posts(n, seed=1)
    t, c = time.perf_counter(), time.process_time()
    for _ in pipe.pipe(Document(x) for x in texts):
        pass
    return n / (time.perf_counter() - t), n / (time.process_time() - c)


def run_one(src: Path, out: Path, workers: int, chunk: int, pipeline: tuple[str, ...],
            dask: str | None) -> dict:
    script = textwrap.dedent(f"""
        import json
        from rhetorica.batch import BatchConfig, run_batch
        from rhetorica.config import Settings
        s = run_batch(BatchConfig({str(src)!r}, {str(out)!r}, Settings(pipeline={pipeline!r}),
                                  workers={workers}, chunk_size={chunk}, overwrite=True,
                                  dask={dask!r}))
        print(json.dumps(s.to_dict()))
    """)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak_tree = peak_driver = 0
    while proc.poll() is None:
        try:
            driver = ps.memory_info().rss
            tree = driver + sum(c.memory_info().rss for c in ps.children(recursive=True))
        except psutil.Error:
            continue
        peak_driver, peak_tree = max(peak_driver, driver), max(peak_tree, tree)
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    summary = json.loads(proc.stdout.read().strip().splitlines()[-1])
    return {**summary, "wall_s": wall, "cpu_s": cpu, "peak_driver_mib": peak_driver / 2**20,
            "peak_tree_mib": peak_tree / 2**20}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000,100000")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--chunk-size", type=int, default=256)
    ap.add_argument("--pipeline", default=",".join(CORE))
    ap.add_argument("--baseline-docs", type=int, default=1000)
    ap.add_argument("--dask", default=None, help="e.g. local:2 to run on a Dask LocalCluster")
    ap.add_argument("--format", default="parquet", choices=["parquet", "jsonl"])
    args = ap.parse_args()
    pipeline = tuple(args.pipeline.split(","))
    print(f"machine: {psutil.cpu_count()} cores, load average {psutil.getloadavg()[0]:.1f} "
          f"(other processes share the cores; figures are lower bounds)")
    base, base_cpu = baseline_rate(pipeline, args.baseline_docs)
    print(f"single-statement pipeline (one process, {args.baseline_docs} posts): "
          f"{base:,.1f} docs/s wall, {base_cpu:,.1f} docs per CPU-second")
    # docs/cpu-s counts every CPU second of the run (start-up, spaCy loads, workers): on a
    # shared machine it is the figure that says what one free core would do.
    print(f"{'posts':>8} {'workers':>7} {'docs/s':>8} {'target':>8} {'wall s':>8} "
          f"{'cpu s':>8} {'docs/cpu-s':>10} {'vs base':>7} {'driver MiB':>10} {'tree MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            src = Path(tmp) / f"posts-{n}.jsonl"
            write_posts(src, n)
            for w in (int(x) for x in args.workers.split(",")):
                r = run_one(src, Path(tmp) / f"out.{args.format}", w, args.chunk_size, pipeline,
                            args.dask)
                rate = r["documents"] / r["wall_s"]
                per_cpu = r["documents"] / r["cpu_s"]
                print(f"{n:>8,} {r['workers']:>7} {rate:>8,.1f} {0.8 * base * w:>8,.1f} "
                      f"{r['wall_s']:>8,.1f} {r['cpu_s']:>8,.1f} {per_cpu:>10,.1f} "
                      f"{per_cpu / base_cpu:>7.0%} {r['peak_driver_mib']:>10,.0f} "
                      f"{r['peak_tree_mib']:>9,.0f}", flush=True)


if __name__ == "__main__":
    main()
