"""Ingest rate of the SQLite and PostgreSQL stores (documents with their analyses/s).

    python bench/bench_store.py [--docs 2000] [--batch 256] [--pg-url postgresql://...]

Analyses a pool of generated posts once, then saves copies (distinct text, so every save
inserts) in transactions of --batch documents into a fresh SQLite file and into PostgreSQL
(a throwaway local server with fsync on, unless --pg-url is given), and prints docs/s and
spans/s for each, plus the time of a full-text search over the result.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import posts

CORE = ("parse", "language", "segment", "entities", "claims", "rhetoric", "tone")


def analysed_docs(n: int, pool: int = 200) -> list:
    from rhetorica.config import Settings
    from rhetorica.document import Document, DocumentMeta
    from rhetorica.pipeline import Pipeline

    pipe = Pipeline(CORE, Settings(pipeline=CORE))
    base = list(pipe.pipe(Document(t) for t in posts(pool)))
    out = []
    for i in range(n):
        d = copy.deepcopy(base[i % pool])
        # A distinct speaker/date makes a distinct statement with the same spans.
        d.meta = DocumentMeta(speaker=f"speaker{i % 50}", date=f"2025-01-{i % 28 + 1:02d}",
                              extra={"id": str(i)})
        d.meta.title = f"post {i}"
        out.append(d)
    return out


def ingest(store, docs: list, batch: int) -> float:
    t = time.perf_counter()
    for i in range(0, len(docs), batch):
        store.save_many(docs[i:i + batch])
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--pg-url", default=None)
    args = ap.parse_args()

    from rhetorica.store import open_store

    docs = analysed_docs(args.docs)
    spans = sum(len(d.spans) for d in docs)
    print(f"{len(docs):,} documents, {spans:,} spans, transactions of {args.batch}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "bench.db")) as st:
        dt = ingest(st, docs, args.batch)
        t = time.perf_counter()
        hits = st.search("National Guard")
        results["sqlite"] = (dt, time.perf_counter() - t, len(hits))
    server = None
    url = args.pg_url
    if url is None:
        from rhetorica.store.pg_local import LocalPostgres, PostgresUnavailable

        try:
            server = LocalPostgres(fsync=True).start()
            url = server.create_database("bench")
        except PostgresUnavailable as exc:
            print(f"postgresql: skipped ({exc})")
    try:
        if url:
            with open_store(url) as st:
                dt = ingest(st, docs, args.batch)
                t = time.perf_counter()
                hits = st.search("National Guard")
                results["postgresql"] = (dt, time.perf_counter() - t, len(hits))
    finally:
        if server:
            server.stop()
    for name, (dt, search_s, hits) in results.items():
        print(f"{name:>10}: {len(docs) / dt:8,.0f} docs/s  {spans / dt:9,.0f} spans/s  "
              f"(search: {hits} hits in {search_s * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
