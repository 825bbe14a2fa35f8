"""The evidence corpus on SQLite: :class:`~rhetorica.store.corpus.CorpusStore` on the same
file (and the same ``transaction()``) as the statement store, so one ``--db`` holds
statements and evidence alike. FTS5 for BM25, dense vectors as float16 blobs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from rhetorica.ingest.corpus import CorpusDocument
from rhetorica.store.corpus import (
    AddReport,
    CorpusStore,
    Filters,
    VectorMatrix,
    _Stemmer,
    fact_check_record,
    fts_or_query,
    passage_key,
    query_terms,
    vector_matrix,
)

# Terms in more than this share of passages are dropped from BM25 queries (when rarer terms
# remain): they barely move the ranking but make FTS5 score most of the corpus.
COMMON_TERM_SHARE = 0.05
PRUNE_MIN_ROWS = 20_000
MIN_FILTERED_HITS = 5


class SQLiteCorpusStore(CorpusStore):
    def __init__(self, store: Any) -> None:
        """``store`` is an open :class:`rhetorica.store.sqlite.SQLiteStore`."""
        self.store = store
        self._cache: dict[str, VectorMatrix] = {}
        self._fact_checks: tuple[int, list[dict[str, Any]]] | None = None

    @classmethod
    def open(cls, url: str | None = None) -> SQLiteCorpusStore:
        from rhetorica.store import open_store

        return cls(open_store(url))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> SQLiteCorpusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------
    def _source_id(self, conn: Any, name: str | None) -> int | None:
        if not name:
            return None
        conn.execute("INSERT OR IGNORE INTO corpus_sources(name) VALUES (?)", (name,))
        return conn.execute("SELECT id FROM corpus_sources WHERE name = ?", (name,)).fetchone()[0]

    def _add(self, conn: Any, docs: Iterable[CorpusDocument],
             embed: Callable[[list[str]], np.ndarray] | None, model: str,
             progress: Callable[[int], None] | None) -> AddReport:
        """The body of :meth:`add_documents`, inside the caller's transaction."""
        self._backfill_copies(conn)
        report = AddReport()
        batch: list[tuple[int, str]] = []  # (passage id, text) waiting for vectors
        seen_keys: set[str] = set()
        for doc in docs:
            key = doc.key
            if key in seen_keys or conn.execute(
                    "SELECT 1 FROM corpus_documents WHERE key = ?", (key,)).fetchone():
                report.documents_skipped += 1
                if progress:
                    progress(1)
                continue
            seen_keys.add(key)
            cur = conn.execute(
                "INSERT INTO corpus_documents(key, source_id, title, author, published, url, "
                "origin, text, meta_json) VALUES (?,?,?,?,?,?,?,?,?)",
                (key, self._source_id(conn, doc.source), doc.title, doc.author,
                 doc.published, doc.url, doc.origin, doc.text,
                 json.dumps(doc.extra, ensure_ascii=False, default=str)))
            doc_id = int(cur.lastrowid)
            report.documents_added += 1
            report.ids.append(doc_id)
            self._group_copies(conn, doc_id, doc)
            for seq, p in enumerate(doc.passages):
                pkey = passage_key(p.text)
                if conn.execute("SELECT 1 FROM passages WHERE key = ? LIMIT 1",
                                (pkey,)).fetchone():
                    report.passages_skipped += 1
                    continue
                cur = conn.execute(
                    'INSERT INTO passages(document_id, seq, start, "end", text, key) '
                    "VALUES (?,?,?,?,?,?)", (doc_id, seq, p.start, p.end, p.text, pkey))
                batch.append((int(cur.lastrowid), p.text))
                report.passages_added += 1
            if embed is not None and len(batch) >= 512:
                self._write_vectors(conn, batch, embed, model)
            if progress:
                progress(1)
        if embed is not None and batch:
            self._write_vectors(conn, batch, embed, model)
        if report.documents_added:
            conn.execute("UPDATE corpus_state SET generation = generation + 1 WHERE id = 1")
        return report

    @staticmethod
    def _write_vectors(conn: Any, batch: list[tuple[int, str]],
                       embed: Callable[[list[str]], np.ndarray], model: str) -> None:
        vecs = np.asarray(embed([t for _, t in batch]), dtype=np.float32)
        half = vecs.astype("<f2")
        conn.executemany(
            "INSERT OR REPLACE INTO passage_embeddings(passage_id, model, dim, vector) "
            "VALUES (?,?,?,?)",
            [(pid, model, half.shape[1], half[i].tobytes()) for i, (pid, _) in enumerate(batch)])
        batch.clear()

    # -- reading ------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        one = lambda sql: self.store.query(sql)[0][0]  # noqa: E731
        by_model = self.store.query(
            "SELECT model, dim, count(*) AS n FROM passage_embeddings GROUP BY model, dim")
        sources = self.store.query(
            "SELECT s.name, count(d.id) AS n FROM corpus_sources s JOIN corpus_documents d "
            "ON d.source_id = s.id GROUP BY s.id ORDER BY n DESC, s.name LIMIT 20")
        return {
            "documents": one("SELECT count(*) FROM corpus_documents"),
            "passages": one("SELECT count(*) FROM passages"),
            "sources": one("SELECT count(*) FROM corpus_sources"),
            "earliest": one("SELECT min(published) FROM corpus_documents"),
            "latest": one("SELECT max(published) FROM corpus_documents"),
            "embeddings": {r["model"]: {"dim": r["dim"], "vectors": r["n"]} for r in by_model},
            "top_sources": {r["name"]: r["n"] for r in sources},
            "generation": self.generation(),
        }

    def generation(self) -> int:
        return int(self.store.query("SELECT generation FROM corpus_state WHERE id = 1")[0][0])

    def lexical(self, query: str, k: int, filters: Filters | None = None
                ) -> list[tuple[int, float]]:
        q = fts_or_query(self._selective_terms(query_terms(query)))
        if not q:
            return []
        f = filters or Filters()
        if not f.active():
            rows = self.store.query(
                "SELECT rowid, bm25(passages_fts) AS score FROM passages_fts "
                "WHERE passages_fts MATCH ? ORDER BY score LIMIT ?", (q, k))
            return [(int(r[0]), -float(r[1])) for r in rows]
        clauses, params = [], []
        if f.since:
            clauses.append("d.published >= ?")
            params.append(f.since)
        if f.until:
            clauses.append("d.published <= ?")
            params.append(f.until + "\uffff")  # inclusive of datetimes on that day
        if f.sources:
            clauses.append(f"s.name IN ({','.join('?' * len(f.sources))})")
            params.extend(f.sources)
        join = ("JOIN passages p ON p.id = c.id JOIN corpus_documents d ON d.id = p.document_id "
                "LEFT JOIN corpus_sources s ON s.id = d.source_id WHERE " + " AND ".join(clauses))
        # Rank first, filter second: the FTS5 ranking bounds the work, so SQLite never walks
        # a whole source's passages checking MATCH. When a narrow filter leaves fewer than
        # MIN_FILTERED_HITS of the pool, the exhaustive (slower) query below runs instead.
        cand = max(2000, 40 * k)
        rows = self.store.query(
            "SELECT c.id, c.score FROM (SELECT rowid AS id, bm25(passages_fts) AS score "
            "FROM passages_fts WHERE passages_fts MATCH ? ORDER BY score LIMIT ?) c "
            f"{join} ORDER BY c.score LIMIT ?", [q, cand, *params, k])
        if len(rows) < min(k, MIN_FILTERED_HITS):  # too few to show: search exhaustively
            rows = self.store.query(
                "SELECT c.id, c.score FROM (SELECT rowid AS id, bm25(passages_fts) AS score "
                "FROM passages_fts WHERE passages_fts MATCH ?) c "
                f"{join} ORDER BY c.score LIMIT ?", [q, *params, k])
        return [(int(r[0]), -float(r[1])) for r in rows]

    def _selective_terms(self, terms: list[str]) -> list[str]:
        """Drop very common terms (by document frequency), keeping at least the rarest few.

        Only in large corpora, where it bounds latency; in small ones every term is kept
        (dropping "climate" from climate claims cost 3 points of recall@5 on CLIMATE-FEVER).
        """
        if len(terms) <= 3 or self._passage_count() < PRUNE_MIN_ROWS:
            return terms
        if not hasattr(self, "_stemmer"):
            self._stemmer = _Stemmer()
        stems = self._stemmer.stems(terms)
        rows = self.store.query(
            f"SELECT term, doc FROM passages_fts_vocab WHERE term IN "
            f"({','.join('?' * len(stems))})", stems)
        df = {r[0]: int(r[1]) for r in rows}
        n = self._passage_count()
        ranked = sorted(zip(terms, stems, strict=True), key=lambda ts: df.get(ts[1], 0))
        keep = [t for t, st in ranked if df.get(st, 0) <= COMMON_TERM_SHARE * n]
        if len(keep) < 3:
            keep = [t for t, _ in ranked[:3]]
        return keep

    def _passage_count(self) -> int:
        gen = self.generation()
        if getattr(self, "_count", (None, 0))[0] != gen:
            self._count = (gen, int(self.store.query("SELECT count(*) FROM passages")[0][0]))
        return self._count[1]

    def vectors(self, model: str) -> VectorMatrix:
        gen = self.generation()
        cached = self._cache.get(model)
        if cached is not None and cached.generation == gen:
            return cached
        rows = self.store.query(
            "SELECT e.passage_id, e.dim, e.vector, coalesce(d.published, '') AS published, "
            "coalesce(d.source_id, 0) AS source FROM passage_embeddings e "
            "JOIN passages p ON p.id = e.passage_id "
            "JOIN corpus_documents d ON d.id = p.document_id "
            "WHERE e.model = ? ORDER BY e.passage_id", (model,))
        matrix = vector_matrix(rows, self.store.query("SELECT id, name FROM corpus_sources"), gen)
        self._cache[model] = matrix
        return matrix

    def _read_fact_checks(self) -> list[dict[str, Any]]:
        # LIKE first: a cheap scan that skips json parsing for ordinary documents.
        rows = self.store.query(
            "SELECT d.id, d.title, d.published, d.url, s.name AS source, d.meta_json "
            "FROM corpus_documents d LEFT JOIN corpus_sources s ON s.id = d.source_id "
            "WHERE d.meta_json LIKE '%claimreview%' AND CASE WHEN json_valid(d.meta_json) "
            "THEN json_extract(d.meta_json, '$.kind') END = 'claimreview' ORDER BY d.id")
        return [fact_check_record(r, json.loads(r["meta_json"])) for r in rows]

    def passages(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        out: dict[int, dict[str, Any]] = {}
        ids = list(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = self.store.query(
                'SELECT p.id, p.text, p.start, p."end", p.document_id, d.title, d.author, '
                "d.published, d.url, d.origin, s.name AS source, substr(d.text, 1, 120) AS lead "
                "FROM passages p "
                "JOIN corpus_documents d ON d.id = p.document_id "
                "LEFT JOIN corpus_sources s ON s.id = d.source_id "
                f"WHERE p.id IN ({','.join('?' * len(chunk))})", chunk)
            out.update({int(r["id"]): dict(r) for r in rows})
        return out
