"""Evidence index benchmark: build rate, query latency (p50/p95) and memory, on synthetic data.

    python bench/bench_index.py [--passages 100000] [--queries 200] [--db /tmp/bench.db]

Targets (issue #5): build >= 1,000 passages/s on 2 cores; retrieval p95 < 50 ms over 100,000
passages. The corpus is generated here (seeded): documents of nine sentences (three passages)
drawn from a vocabulary of ~3,000 words, names and numbers, so FTS5 posting lists and the
dense matrix have realistic sizes. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rhetorica.evidence.embed import get_embedder
from rhetorica.evidence.index import HybridIndex
from rhetorica.ingest.corpus import CorpusDocument
from rhetorica.store.sqlite import SQLiteStore
from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

SYL = ["ar", "bel", "cor", "dan", "el", "fir", "gal", "hul", "ist", "jor", "kan", "lum", "mor",
       "nel", "or", "pra", "quin", "ros", "sal", "tor", "ul", "ven", "wes", "xan", "yor", "zel"]
COMMON = [
    "the", "council", "said", "that", "a", "new", "report", "on", "the", "budget", "showed",
    "rising", "costs", "for", "schools", "and", "hospitals", "while", "the", "minister",
    "denied", "claims", "about", "tax", "cuts", "in", "the", "region", "during", "last",
    "year", "and", "officials", "expected", "more", "growth", "next", "month",
]


def rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_docs(n_passages: int, seed: int = 0) -> list[CorpusDocument]:
    rng = random.Random(seed)
    rare = sorted({"".join(rng.choice(SYL) for _ in range(rng.randint(2, 3)))
                   for _ in range(4000)})
    names = [w.capitalize() for w in rare[:600]]

    def sentence() -> str:
        words = [rng.choice(COMMON) if rng.random() < 0.6 else rng.choice(rare)
                 for _ in range(rng.randint(10, 22))]
        words.insert(rng.randrange(len(words)), rng.choice(names))
        if rng.random() < 0.5:
            words.insert(rng.randrange(len(words)), str(rng.randint(2, 99_000)))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    docs = []
    for i in range((n_passages + 2) // 3):
        text = " ".join(sentence() for _ in range(9))
        docs.append(CorpusDocument(
            text, f"synthetic:{i}", title=f"Report {i}", source=f"Source {i % 40}",
            published=f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"))
    return docs


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs) * 1000, q))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--db", type=Path, default=None)
    args = ap.parse_args()
    print(f"cpus available: {len(os.sched_getaffinity(0))}")
    docs = make_docs(args.passages)
    emb = get_embedder("wordllama")
    emb.encode(["warm up"])
    base_rss = rss_mb()
    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "bench.db"
    store = SQLiteCorpusStore(SQLiteStore(db))
    t = time.perf_counter()
    rep = store.add_documents(docs, emb.encode, emb.name)
    build = time.perf_counter() - t
    print(f"build: {rep.passages_added} passages from {rep.documents_added} documents in "
          f"{build:.1f}s = {rep.passages_added / build:,.0f} passages/s "
          "(split + FTS5 + wordllama vectors, one transaction)")
    print(f"database file: {db.stat().st_size / 1e6:.0f} MB")
    index = HybridIndex(store, emb)
    t = time.perf_counter()
    store.vectors(emb.name)
    print(f"vector matrix load: {time.perf_counter() - t:.2f}s; RSS {rss_mb():.0f} MB "
          f"(+{rss_mb() - base_rss:.0f} MB over the loaded model)")
    rng = random.Random(1)
    queries = [" ".join(d.text.split(". ")[rng.randrange(3)].split()[:12])
               for d in rng.sample(docs, args.queries)]
    from rhetorica.store.corpus import Filters

    for mode, filters in (("bm25", None), ("dense", None), ("hybrid", None),
                          ("hybrid", Filters(since="2020-01-01", sources=("Source 3",)))):
        times = []
        for q in queries:
            t = time.perf_counter()
            index.search(q, k=5, mode=mode, filters=filters)
            times.append(time.perf_counter() - t)
        label = mode + (" +filters" if filters else "")
        print(f"query {label:16s} p50 {pct(times, 50):6.1f} ms  p95 {pct(times, 95):6.1f} ms")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"vectors in memory: {store.vectors(emb.name).vectors.nbytes / 1e6:.0f} MB "
          f"for {rep.passages_added} passages")
    store.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
