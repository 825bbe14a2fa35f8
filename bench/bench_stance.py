"""Stance model and verify benchmark: pairs/s, warm verify latency, cold start, memory.

    python bench/bench_stance.py [--pairs 2000] [--passages 100000] [--queries 100]

Targets (issue #13): stance scoring >= 200 claim-passage pairs/s on 2 cores at <= 128 tokens;
``verify`` of one claim, warm, p95 <= 250 ms over 100,000 passages; cold start of
``rhetorica verify "..."`` <= 2 s; the loaded stance model <= 200 MB. Pairs are our newsroom
set's claims against its passages (real lengths), repeated; the 100,000-passage corpus is
the synthetic one of bench_index.py. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_index import make_docs, rss_mb

from rhetorica.evidence.datasets import load_newsdesk


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=100)
    args = ap.parse_args()

    before = rss_mb()
    from rhetorica.evidence.cross_encoder import CrossEncoderStance
    from rhetorica.ingest.passages import split_passages

    t = time.perf_counter()
    model = CrossEncoderStance()
    print(f"stance model: loaded in {time.perf_counter() - t:.2f}s, "
          f"+{rss_mb() - before:.0f} MB RSS")
    docs, claims = load_newsdesk()
    passages = [p.text for d in docs for p in split_passages(d.text)]
    pairs = [(c.claim, passages[i % len(passages)]) for i, c in
             enumerate(claims * (args.pairs // len(claims) + 1))][:args.pairs]
    lengths = [len(e.ids) for e in model.tokenizer.encode_batch([(p, c) for c, p in pairs])]
    model.predict_proba([c for c, _ in pairs[:64]], [p for _, p in pairs[:64]])  # warm-up
    t = time.perf_counter()
    model.predict_proba([c for c, _ in pairs], [p for _, p in pairs])
    dt = time.perf_counter() - t
    print(f"stance scoring: {len(pairs) / dt:.0f} pairs/s over {len(pairs)} pairs "
          f"(tokens per pair: mean {statistics.mean(lengths):.0f}, max {max(lengths)}); "
          f"RSS {rss_mb():.0f} MB")
    long = [("The council approved the budget. " * 3, "Council budget report. " * 60)] * 256
    t = time.perf_counter()
    model.predict_proba([c for c, _ in long], [p for _, p in long])
    print(f"stance scoring at the 128-token cap: {len(long) / (time.perf_counter() - t):.0f} "
          "pairs/s")

    from rhetorica.evidence.embed import get_embedder
    from rhetorica.evidence.index import HybridIndex
    from rhetorica.evidence.verify import Verifier
    from rhetorica.store.sqlite import SQLiteStore
    from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = SQLiteCorpusStore(SQLiteStore(db))
        emb = get_embedder("wordllama")
        corpus = make_docs(args.passages)
        t = time.perf_counter()
        store.add_documents(corpus, emb.encode, emb.name)
        print(f"indexed {store.stats()['passages']:,} passages in "
              f"{time.perf_counter() - t:.0f}s")
        verifier = Verifier(HybridIndex(store, emb), stance=model)
        queries = [c.claim for c in claims] * (args.queries // len(claims) + 1)
        verifier.verify(queries[0])
        times = []
        for q in queries[:args.queries]:
            t = time.perf_counter()
            verifier.verify(q)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"verify, warm, {len(times)} claims over {store.stats()['passages']:,} passages: "
              f"p50 {times[len(times) // 2]:.0f} ms, p95 {times[int(0.95 * len(times))]:.0f} ms")
        store.close()
        cmd = [str(Path(sys.executable).parent / "rhetorica"), "verify",
               "Container traffic rose by 12 percent in 2024.", "--db", str(db), "--json"]
        cold = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False)
            cold.append(time.perf_counter() - t)
        print(f"cold start `rhetorica verify` over the same corpus: "
              f"{min(cold):.2f}-{max(cold):.2f}s (3 runs)")


if __name__ == "__main__":
    main()
