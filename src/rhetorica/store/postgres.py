"""PostgreSQL store: the same interface as SQLite, for servers, many writers and big corpora.

Chosen by URL (``--db postgresql://user@host:5432/db`` or ``RHETORICA_DB``). Why a second
backend: SQLite serialises writers on one file, so parallel batch workers and a web app
queue behind each other; PostgreSQL takes concurrent writers, and its tsvector + GIN index
keeps search fast at millions of rows. Behaviour matches :class:`~rhetorica.store.sqlite.
SQLiteStore` exactly (the contract tests in ``tests/store/test_store_contract.py`` run on
both): idempotent saves by content key, one transaction per ``save_many``, NULL dates sorted
as SQLite does, byte-wise ("C") ordering of names and dates.

Migrations are numbered SQL files in ``migrations/postgresql``; each applies in its own
transaction under an advisory lock, so two processes opening a fresh database at once do
not both try to create the schema. pgvector is not used: Debian 12 ships no
``postgresql-15-pgvector`` package (see docs/scaling.md).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rhetorica.document import Document, DocumentMeta, Span
from rhetorica.ingest.errors import InputError
from rhetorica.store.base import (
    MATCH_END,
    MATCH_START,
    DocumentRow,
    SaveResult,
    Store,
    StoreError,
    check_schema,
    ref_where,
    resolve_ref,
)
from rhetorica.store.sqlite import migrations

MIGRATIONS_PACKAGE = "rhetorica.store.migrations.postgresql"
# Any constant works; it only has to be the same for every Rhetorica process.
_MIGRATION_LOCK = 0x5268_6574  # "Rhet"


def redact(url: str) -> str:
    """The URL without its password, for messages and ``stats()``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else host
    return urlunsplit(parts._replace(netloc=netloc))


def _translate(exc: Exception, url: str) -> StoreError:
    msg = " ".join(str(exc).split())
    where = redact(url)
    low = msg.lower()
    if "connection refused" in low or "could not connect" in low or "connection failed" in low:
        return StoreError(f"{where}: cannot connect to PostgreSQL ({msg}); is the server "
                          "running and the URL right?")
    if "password authentication failed" in low or "no pg_hba.conf entry" in low:
        return StoreError(f"{where}: PostgreSQL refused the login ({msg})")
    if "does not exist" in low and "database" in low:
        return StoreError(f"{where}: {msg}; create it first (createdb)")
    if "read-only" in low or "permission denied" in low:
        return StoreError(f"{where}: database is read-only for this user ({msg})")
    if "0x00" in low or "\\u0000" in low:
        return StoreError(f"{where}: PostgreSQL cannot store NUL characters in text ({msg})")
    if "no space left" in low or "disk full" in low:
        return StoreError(f"{where}: cannot write, the disk is full ({msg})")
    return StoreError(f"{where}: {msg}")


def _dumps(value: Any) -> str:
    # allow_nan=False: PostgreSQL's JSON has no NaN; fail in Python with a clear error.
    return json.dumps(value, ensure_ascii=False, default=str, allow_nan=False)


# ts_headline's options: matches between the markers the pages turn into <mark>, a couple of
# short fragments rather than the whole text
HEADLINE = (f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords=24, MinWords=8, "
            'MaxFragments=2, FragmentDelimiter=" … "')


class PostgresStore(Store):
    backend = "postgresql"
    placeholder = "%s"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError:  # pragma: no cover - psycopg is a core dependency
            raise StoreError("PostgreSQL support needs psycopg: pip install 'psycopg[binary]'"
                             ) from None
        self._psycopg = psycopg
        self.url = url
        self._lock = threading.RLock()
        try:
            self.conn = psycopg.connect(url, autocommit=True, row_factory=dict_row,
                                        connect_timeout=10)
        except psycopg.Error as exc:
            raise _translate(exc, url) from None
        try:
            self.migrate()
        except psycopg.Error as exc:
            self.conn.close()
            raise _translate(exc, url) from None
        except StoreError:
            self.conn.close()
            raise

    # -- plumbing -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One PostgreSQL transaction, rolled back on any error: nothing is half-written."""
        psycopg = self._psycopg
        with self._lock:
            try:
                with self.conn.transaction():
                    yield self.conn
            except psycopg.Error as exc:
                raise _translate(exc, self.url) from None
            except InputError:  # e.g. AmbiguousRef: the caller's mistake, not the store's
                raise
            except (TypeError, ValueError) as exc:  # unserialisable results
                raise StoreError(f"{redact(self.url)}: cannot store: {exc}") from None

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Run one read query (``%s`` placeholders); rows are dicts."""
        with self._lock:
            try:
                return self.conn.execute(sql, tuple(params)).fetchall()
            except self._psycopg.Error as exc:
                raise _translate(exc, self.url) from None

    def close(self) -> None:
        with self._lock:
            if not self.conn.closed:
                self.conn.close()

    def migrate(self) -> int:
        with self._lock, self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            done = {r["version"] for r in
                    self.conn.execute("SELECT version FROM schema_migrations").fetchall()}
            check_schema(redact(self.url), max(done, default=0),
                         max(v for v, _n, _s in migrations(MIGRATIONS_PACKAGE)))
            for version, name, sql in migrations(MIGRATIONS_PACKAGE):
                if version in done:
                    continue
                with self.conn.transaction():  # a savepoint per migration
                    self.conn.execute(sql.encode("utf-8"))
                    self.conn.execute(
                        "INSERT INTO schema_migrations(version, name) VALUES (%s, %s)",
                        (version, name))
        return self.schema_version()

    def schema_version(self) -> int:
        row = self.query("SELECT max(version) AS v FROM schema_migrations")
        return int(row[0]["v"] or 0)

    # -- documents ----------------------------------------------------------------------
    def save_many(self, docs: Iterable[Document], version: str = "") -> list[SaveResult]:
        """Set-based: a handful of statements per batch, not per document.

        Per-row INSERTs cost one network round trip each (about ten per analysed post); with
        arrays (``unnest``) and COPY for spans the cost per batch is constant, which is what
        makes PostgreSQL ingest competitive with an in-process SQLite file.
        """
        docs = list(docs)
        if not docs:
            return []
        keys = [d.key for d in docs]
        with self.transaction() as conn, conn.cursor() as cur:
            names = sorted({d.meta.speaker for d in docs if d.meta.speaker})
            speaker_ids: dict[str, int] = {}
            if names:
                cur.execute("INSERT INTO speakers(name) SELECT unnest(%s::text[]) "
                            "ON CONFLICT (name) DO NOTHING", (names,))
                cur.execute("SELECT id, name FROM speakers WHERE name = ANY(%s)", (names,))
                speaker_ids = {r["name"]: int(r["id"]) for r in cur.fetchall()}
            # ON CONFLICT DO NOTHING: two workers saving the same statement at once both
            # succeed and end with one row, instead of one failing on the unique key.
            cur.execute(
                "INSERT INTO documents(key, text, speaker_id, date, source, title, url, origin, "
                "meta_json) SELECT k, t, sp, dt, so, ti, u, o, m::json FROM unnest("
                "%s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[], "
                "%s::text[], %s::text[], %s::text[]) AS x(k, t, sp, dt, so, ti, u, o, m) "
                "ON CONFLICT (key) DO NOTHING RETURNING key",
                (keys, [d.text for d in docs],
                 [speaker_ids.get(d.meta.speaker) if d.meta.speaker else None for d in docs],
                 [d.meta.date for d in docs], [d.meta.source for d in docs],
                 [d.meta.title for d in docs], [d.meta.url for d in docs],
                 [d.meta.origin for d in docs], [_dumps(d.meta.extra) for d in docs]))
            new_keys = {r["key"] for r in cur.fetchall()}
            cur.execute("SELECT id, key FROM documents WHERE key = ANY(%s)", (list(set(keys)),))
            ids = {r["key"]: int(r["id"]) for r in cur.fetchall()}
            results = []
            for key in keys:  # the first copy of a new key in this batch is the created one
                results.append(SaveResult(ids[key], key, key in new_keys))
                new_keys.discard(key)
            # Analyses: the last one per (document, pipeline) wins, as with sequential saves.
            latest: dict[tuple[int, str], Document] = {}
            for doc, key in zip(docs, keys, strict=True):
                if doc.results or doc.spans:
                    pipeline = ",".join(doc.results.get("pipeline", [])) or "custom"
                    latest.pop((ids[key], pipeline), None)
                    latest[(ids[key], pipeline)] = doc
            if latest:
                pairs = list(latest)
                cur.execute(
                    "DELETE FROM analyses a USING unnest(%s::bigint[], %s::text[]) AS x(d, p) "
                    "WHERE a.document_id = x.d AND a.pipeline = x.p",
                    ([d for d, _ in pairs], [p for _, p in pairs]))
                cur.execute(
                    "INSERT INTO analyses(document_id, pipeline, version, intensity, "
                    "results_json) SELECT d, p, %s, i, r::json FROM unnest(%s::bigint[], "
                    "%s::text[], %s::float8[], %s::text[]) WITH ORDINALITY AS x(d, p, i, r, n) "
                    "ORDER BY n RETURNING id, document_id, pipeline",
                    (version, [d for d, _ in pairs], [p for _, p in pairs],
                     [(doc.results.get("tone") or {}).get("intensity")
                      for doc in latest.values()],
                     [_dumps(doc.results) for doc in latest.values()]))
                analysis = {(int(r["document_id"]), r["pipeline"]): int(r["id"])
                            for r in cur.fetchall()}
                with cur.copy('COPY spans (analysis_id, layer, label, start, "end", score, '
                              "source, explanation, attrs_json) FROM STDIN") as copy:
                    for pair, doc in latest.items():
                        aid = analysis[pair]
                        for sp in doc.spans:
                            copy.write_row((aid, sp.layer, sp.label, sp.start, sp.end,
                                            float(sp.score), sp.source, sp.explanation,
                                            _dumps(sp.attrs)))
        return results

    @staticmethod
    def _where_ref(ref: int | str) -> tuple[str, tuple[Any, ...]]:
        """SQL for a ref on ``documents d``; never a LIKE pattern from the user."""
        return ref_where(ref, "%s", "d.")

    def _one_id(self, conn: Any, ref: int | str) -> int | None:
        """The id the ref names; AmbiguousRef when it names several."""
        return resolve_ref(conn, "documents", ref, "%s")

    def get(self, ref: int | str) -> Document | None:
        with self._lock:
            try:
                doc_id = self._one_id(self.conn, ref)
            except self._psycopg.Error as exc:
                raise _translate(exc, self.url) from None
        if doc_id is None:
            return None
        rows = self.query(
            "SELECT d.*, s.name AS speaker FROM documents d LEFT JOIN speakers s "
            "ON s.id = d.speaker_id WHERE d.id = %s", (doc_id,))
        if not rows:
            return None
        row = rows[0]
        meta = DocumentMeta(speaker=row["speaker"], date=row["date"], source=row["source"],
                            title=row["title"], url=row["url"], origin=row["origin"],
                            extra=dict(row["meta_json"] or {}))
        doc = Document(row["text"], meta)
        doc.results["store_id"] = row["id"]
        analysis = self.query(
            "SELECT id, results_json FROM analyses WHERE document_id = %s "
            "ORDER BY created_at DESC, id DESC LIMIT 1", (row["id"],))
        if analysis:
            doc.results.update(analysis[0]["results_json"] or {})
            doc.results["store_id"] = row["id"]
            for s in self.query(
                'SELECT layer, label, start, "end", score, source, explanation, attrs_json '
                "FROM spans WHERE analysis_id = %s ORDER BY id", (analysis[0]["id"],)):
                doc.spans.append(Span(s["start"], s["end"], s["label"], s["score"], s["source"],
                                      s["explanation"], s["layer"], dict(s["attrs_json"] or {})))
        return doc

    _ROW_SQL = (
        "SELECT d.id, d.key, s.name AS speaker, d.date, d.source, d.title, "
        "substr(d.text, 1, 160) AS preview, "
        "(SELECT a.intensity FROM analyses a WHERE a.document_id = d.id "
        " ORDER BY a.created_at DESC, a.id DESC LIMIT 1) AS intensity "
        "FROM documents d LEFT JOIN speakers s ON s.id = d.speaker_id "
    )

    @staticmethod
    def _row(r: dict[str, Any]) -> DocumentRow:
        return DocumentRow(r["id"], r["key"], r["speaker"], r["date"], r["source"], r["title"],
                           r["preview"], r["intensity"])

    def list_documents(self, speaker: str | None = None, since: str | None = None,
                       until: str | None = None, limit: int = 50, offset: int = 0
                       ) -> list[DocumentRow]:
        clauses: list[str] = []
        params: list[Any] = []
        if speaker:
            clauses.append("lower(s.name) = lower(%s)")
            params.append(speaker)
        if since:
            clauses.append("d.date >= %s")
            params.append(since)
        if until:
            clauses.append("d.date <= %s")
            params.append(until)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        # NULLS LAST: SQLite sorts NULL as the smallest value, so undated statements come last
        # when listing newest first; PostgreSQL's default would put them first.
        rows = self.query(self._ROW_SQL + where + " ORDER BY d.date DESC NULLS LAST, d.id DESC "
                          "LIMIT %s OFFSET %s", [*params, limit, offset])
        return [self._row(r) for r in rows]

    def search(self, query: str, limit: int = 20) -> list[DocumentRow]:
        # Same semantics as the SQLite FTS5 query: every word must appear (stemmed); the
        # words are passed as data, so punctuation and SQL in the query are inert.
        terms = re.findall(r"\w+", query, flags=re.UNICODE)
        if not terms:
            return []
        q = " ".join(terms)
        rows = self.query(
            self._ROW_SQL.replace(" AS intensity ", " AS intensity, ts_headline('english', "
                                  "d.text, q, %s) AS snippet ", 1)
            + ", plainto_tsquery('english', %s) q WHERE d.tsv @@ q "
            "ORDER BY ts_rank_cd(d.tsv, q) DESC, d.id LIMIT %s", (HEADLINE, q, limit))
        return [replace(self._row(r), snippet=r["snippet"]) for r in rows]

    def speakers(self) -> list[tuple[str, int]]:
        rows = self.query(
            "SELECT s.name, count(d.id) AS n FROM speakers s LEFT JOIN documents d "
            "ON d.speaker_id = s.id GROUP BY s.id, s.name ORDER BY count(d.id) DESC, s.name")
        return [(r["name"], int(r["n"])) for r in rows]

    def _own_history(self, speaker: str) -> list[dict[str, Any]]:
        rows = self.query(
            "SELECT d.id, d.date, a.intensity, a.results_json FROM documents d "
            "JOIN speakers s ON s.id = d.speaker_id "
            "JOIN analyses a ON a.id = (SELECT a2.id FROM analyses a2 WHERE a2.document_id = d.id "
            "  ORDER BY a2.created_at DESC, a2.id DESC LIMIT 1) "
            "WHERE lower(s.name) = lower(%s) ORDER BY d.date NULLS FIRST, d.id", (speaker,))
        return [{"id": r["id"], "date": r["date"], "intensity": r["intensity"],
                 "tone": (r["results_json"] or {}).get("tone", {})} for r in rows]

    def _quoting_documents(self, speaker: str) -> list[dict[str, Any]]:
        rows = self.query(
            "SELECT d.id, d.date, d.source, s.name AS speaker, a.results_json FROM documents d "
            "LEFT JOIN speakers s ON s.id = d.speaker_id "
            "JOIN analyses a ON a.id = (SELECT a2.id FROM analyses a2 WHERE a2.document_id = d.id "
            "  ORDER BY a2.created_at DESC, a2.id DESC LIMIT 1) "
            "WHERE (a.results_json->'voices')::text ILIKE %s "
            "ORDER BY d.date NULLS FIRST, d.id", (f"%{speaker}%",))
        return [{"id": r["id"], "date": r["date"], "source": r["source"],
                 "speaker": r["speaker"], "results": r["results_json"] or {}} for r in rows]

    def delete(self, ref: int | str) -> bool:
        """Delete the ONE statement the ref names (AmbiguousRef when it names several)."""
        with self.transaction() as conn:
            doc_id = self._one_id(conn, ref)
            if doc_id is None:
                return False
            return conn.execute("DELETE FROM documents WHERE id = %s", (doc_id,)).rowcount > 0

    def replace_analysis(self, doc: Document, document_id: int, version: str = "") -> bool:
        with self.transaction() as conn:
            # FOR UPDATE: a concurrent delete waits for this transaction, or this one sees
            # the row gone; either way the statement is never re-created.
            if conn.execute("SELECT id FROM documents WHERE id = %s AND key = %s FOR UPDATE",
                            (int(document_id), doc.key)).fetchone() is None:
                return False
            self.save_many([doc], version)  # nested: a savepoint in this transaction
        return True

    def stats(self) -> dict[str, Any]:
        row = self.query(
            "SELECT (SELECT count(*) FROM documents) AS documents, "
            "(SELECT count(*) FROM speakers) AS speakers, "
            "(SELECT count(*) FROM analyses) AS analyses, "
            "(SELECT count(*) FROM spans) AS spans")[0]
        return {"backend": "postgresql", "path": redact(self.url),
                "schema_version": self.schema_version(),
                **{k: int(v) for k, v in row.items()}}
