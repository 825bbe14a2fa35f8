"""The evidence corpus on PostgreSQL: :class:`~rhetorica.store.corpus.CorpusStore` for servers.

Same contract as ``SQLiteCorpusStore`` (idempotent, one transaction per ``add_documents``,
duplicate passages indexed once, ``generation`` bumped on every change), on the schema of
``migrations/postgresql/0002_corpus.sql``. Lexical retrieval uses the passages' tsvector
with a GIN index and ``ts_rank_cd`` (PostgreSQL has no BM25; the ranking differs from FTS5
in detail but the hybrid retriever only uses it to propose candidates). Vectors are float16
BYTEA as in SQLite; the matrix is loaded once per ``generation`` and cached.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from rhetorica.ingest.corpus import CorpusDocument
from rhetorica.store.corpus import (
    STOPWORDS,
    AddReport,
    CorpusStore,
    Filters,
    VectorMatrix,
    fact_check_record,
    passage_key,
    vector_matrix,
)
from rhetorica.store.postgres import PostgresStore


def or_query(text: str) -> str:
    """Content words joined with ``or`` for ``websearch_to_tsquery`` (words only: no syntax)."""
    terms: list[str] = []
    for t in re.findall(r"\w+", text.lower(), flags=re.UNICODE):
        if t in STOPWORDS or t in terms or (len(t) < 2 and not t.isdigit()):
            continue
        terms.append(t)
    return " or ".join(terms[:32])


class PostgresCorpusStore(CorpusStore):
    placeholder = "%s"
    json_placeholder = "%s::json"
    meta_field_sql = "(d.meta_json->>'{field}')"
    nulls_last = " NULLS LAST"

    def __init__(self, store: PostgresStore) -> None:
        """``store`` is an open :class:`PostgresStore` (shares its connection)."""
        self.store = store
        self._cache: dict[str, VectorMatrix] = {}
        self._fact_checks: tuple[int, list[dict[str, Any]]] | None = None

    @classmethod
    def open(cls, url: str) -> PostgresCorpusStore:
        from rhetorica.store import open_store

        store = open_store(url)
        if not isinstance(store, PostgresStore):
            store.close()
            raise ValueError(f"{url} is not a postgresql:// URL")
        return cls(store)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> PostgresCorpusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------
    @staticmethod
    def _source_id(conn: Any, name: str | None, cache: dict[str, int]) -> int | None:
        if not name:
            return None
        if name not in cache:
            conn.execute("INSERT INTO corpus_sources(name) VALUES (%s) "
                         "ON CONFLICT (name) DO NOTHING", (name,))
            cache[name] = int(conn.execute("SELECT id FROM corpus_sources WHERE name = %s",
                                           (name,)).fetchone()["id"])
        return cache[name]

    def _add(self, conn: Any, docs: Iterable[CorpusDocument],
             embed: Callable[[list[str]], np.ndarray] | None, model: str,
             progress: Callable[[int], None] | None) -> AddReport:
        """The body of :meth:`add_documents`, inside the caller's transaction."""
        self._backfill_copies(conn)
        report = AddReport()
        sources: dict[str, int] = {}
        batch: list[tuple[int, str]] = []
        seen_docs: set[str] = set()
        seen_passages: set[str] = set()
        for doc in docs:
            key = doc.key
            row = None if key in seen_docs else conn.execute(
                "INSERT INTO corpus_documents(key, source_id, title, author, published, url, "
                "origin, text, meta_json) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s::json) "
                "ON CONFLICT (key) DO NOTHING RETURNING id",
                (key, self._source_id(conn, doc.source, sources), doc.title, doc.author,
                 doc.published, doc.url, doc.origin, doc.text,
                 json.dumps(doc.extra, ensure_ascii=False, default=str))).fetchone()
            if row is None:
                report.documents_skipped += 1
                if progress:
                    progress(1)
                continue
            seen_docs.add(key)
            doc_id = int(row["id"])
            report.documents_added += 1
            report.ids.append(doc_id)
            self._group_copies(conn, doc_id, doc)
            passages = list(enumerate(doc.passages))
            keys = [passage_key(p.text) for _, p in passages]
            known = {r["key"] for r in conn.execute(
                "SELECT DISTINCT key FROM passages WHERE key = ANY(%s)", (keys,)).fetchall()}
            for (seq, p), pkey in zip(passages, keys, strict=True):
                if pkey in known or pkey in seen_passages:
                    report.passages_skipped += 1
                    continue
                seen_passages.add(pkey)
                pid = conn.execute(
                    'INSERT INTO passages(document_id, seq, start, "end", text, key) '
                    "VALUES (%s,%s,%s,%s,%s,%s) RETURNING id",
                    (doc_id, seq, p.start, p.end, p.text, pkey)).fetchone()["id"]
                batch.append((int(pid), p.text))
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
        half = np.asarray(embed([t for _, t in batch]), dtype=np.float32).astype("<f2")
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO passage_embeddings(passage_id, model, dim, vector) "
                "VALUES (%s,%s,%s,%s) ON CONFLICT (passage_id, model) DO UPDATE "
                "SET dim = EXCLUDED.dim, vector = EXCLUDED.vector",
                [(pid, model, half.shape[1], half[i].tobytes())
                 for i, (pid, _) in enumerate(batch)])
        batch.clear()

    # -- reading ------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        one = self.store.query(
            "SELECT (SELECT count(*) FROM corpus_documents) AS documents, "
            "(SELECT count(*) FROM passages) AS passages, "
            "(SELECT count(*) FROM corpus_sources) AS sources, "
            "(SELECT min(published) FROM corpus_documents) AS earliest, "
            "(SELECT max(published) FROM corpus_documents) AS latest")[0]
        by_model = self.store.query(
            "SELECT model, dim, count(*) AS n FROM passage_embeddings GROUP BY model, dim")
        sources = self.store.query(
            "SELECT s.name, count(d.id) AS n FROM corpus_sources s JOIN corpus_documents d "
            "ON d.source_id = s.id GROUP BY s.id, s.name ORDER BY n DESC, s.name LIMIT 20")
        return {
            "documents": int(one["documents"]), "passages": int(one["passages"]),
            "sources": int(one["sources"]), "earliest": one["earliest"],
            "latest": one["latest"],
            "embeddings": {r["model"]: {"dim": r["dim"], "vectors": int(r["n"])}
                           for r in by_model},
            "top_sources": {r["name"]: int(r["n"]) for r in sources},
            "generation": self.generation(),
        }

    def generation(self) -> int:
        return int(self.store.query("SELECT generation FROM corpus_state WHERE id = 1")[0][
            "generation"])

    def lexical(self, query: str, k: int, filters: Filters | None = None
                ) -> list[tuple[int, float]]:
        q = or_query(query)
        if not q:
            return []
        clauses, params = [], [q]
        f = filters or Filters()
        join = ""
        if f.active():
            join = ("JOIN corpus_documents d ON d.id = p.document_id "
                    "LEFT JOIN corpus_sources s ON s.id = d.source_id ")
            if f.since:
                clauses.append("d.published >= %s")
                params.append(f.since)
            if f.until:  # inclusive of datetimes on that day
                clauses.append("left(d.published, %s) <= %s")
                params.extend([len(f.until), f.until])
            if f.sources:
                clauses.append("s.name = ANY(%s)")
                params.append(list(f.sources))
        where = "".join(f" AND {c}" for c in clauses)
        rows = self.store.query(
            "SELECT p.id, ts_rank_cd(p.tsv, q) AS score FROM passages p "
            f"CROSS JOIN websearch_to_tsquery('english', %s) q {join}"
            f"WHERE p.tsv @@ q{where} ORDER BY score DESC, p.id LIMIT %s", [*params, k])
        return [(int(r["id"]), float(r["score"])) for r in rows]

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
            "WHERE e.model = %s ORDER BY e.passage_id", (model,))
        matrix = vector_matrix(rows, self.store.query("SELECT id, name FROM corpus_sources"), gen)
        self._cache[model] = matrix
        return matrix

    def _read_fact_checks(self) -> list[dict[str, Any]]:
        rows = self.store.query(
            "SELECT d.id, d.title, d.published, d.url, s.name AS source, d.meta_json "
            "FROM corpus_documents d LEFT JOIN corpus_sources s ON s.id = d.source_id "
            "WHERE d.meta_json->>'kind' = 'claimreview' ORDER BY d.id")
        return [fact_check_record(r, meta if isinstance(meta := r["meta_json"], dict)
                                  else json.loads(meta or "{}")) for r in rows]

    def passages(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        rows = self.store.query(
            'SELECT p.id, p.text, p.start, p."end", p.document_id, d.title, d.author, '
            "d.published, d.url, d.origin, s.name AS source, substr(d.text, 1, 120) AS lead "
            "FROM passages p "
            "JOIN corpus_documents d ON d.id = p.document_id "
            "LEFT JOIN corpus_sources s ON s.id = d.source_id WHERE p.id = ANY(%s)",
            ([int(i) for i in ids],))
        return {int(r["id"]): dict(r) for r in rows}
