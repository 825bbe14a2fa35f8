"""The default store: one SQLite file with FTS5, in WAL mode so readers never block a writer.

Migrations are numbered SQL files in ``migrations/sqlite``; each applies in its own
transaction and is recorded in ``schema_migrations``, so an interrupted upgrade leaves the
previous schema intact.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rhetorica.document import Document, DocumentMeta, Span
from rhetorica.store.base import (
    DocumentRow,
    SaveResult,
    Store,
    StoreError,
    check_schema,
    ref_where,
    resolve_ref,
)

MIGRATIONS_PACKAGE = "rhetorica.store.migrations.sqlite"
# Page cache per connection, in KiB (negative, as SQLite reads it): the default 2 MiB makes
# every insert into the large passage, full-text and wire-copy indexes of a big corpus go
# to disk; 64 MiB keeps their hot pages in memory (bench/bench_ingest.py), and SQLite only
# takes it as pages are read, so a small database stays small.
CACHE_KIB = -65536


def migrations(package: str = MIGRATIONS_PACKAGE) -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files(package).iterdir():
        m = re.match(r"(\d{4})_(\w+)\.sql$", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text("utf-8")))
    return sorted(found)


def _translate(exc: sqlite3.Error, path: str) -> StoreError:
    msg = str(exc)
    if "locked" in msg or "busy" in msg:
        return StoreError(f"{path}: database is locked by another process; try again")
    if "readonly" in msg or "read-only" in msg:
        return StoreError(f"{path}: database is read-only; check the file's permissions or "
                          "pass another --db")
    if "disk is full" in msg or "disk I/O" in msg:
        return StoreError(f"{path}: cannot write, the disk is full or failing ({msg})")
    if "Could not decode to UTF-8" in msg:  # sqlite3 quotes the raw bytes: never show them
        column = re.search(r"column '([\w.]{1,64})'", msg)
        where = f" in column {column.group(1)}" if column else ""
        return StoreError(f"{path}: is damaged: a stored text{where} is not valid UTF-8")
    if "unable to open database file" in msg:
        return StoreError(f"{path}: cannot open the database file (missing folder, no "
                          "permission, or a WAL database in a folder this user cannot write: "
                          "SQLite needs to create its -shm file beside it)")
    if "not a database" in msg or "malformed" in msg:
        return StoreError(f"{path}: is not a Rhetorica database (or is damaged): {msg}")
    return StoreError(f"{path}: {msg}")


def _loads(value: str | None, path: str, what: str) -> Any:
    """A JSON object stored by this code; anything else means the file was damaged."""
    try:
        obj = json.loads(value or "{}")
    except (ValueError, RecursionError):
        obj = None
    if not isinstance(obj, dict):
        raise StoreError(f"{path}: is damaged: {what} is not a valid JSON object")
    return obj


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return False


def _statements(script: str) -> list[str]:
    """Split a SQL script into statements (trigger bodies included) so it can run inside one
    explicit transaction; ``executescript`` would commit first."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current += line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 query: quoted terms joined by AND."""
    terms = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join(f'"{t}"' for t in terms)


class _Checkpointer:
    """The thread behind :meth:`SQLiteStore.checkpoint_in_background`, with its own
    connection: the GIL is released while SQLite copies pages and syncs."""

    def __init__(self, path: str, every_s: float) -> None:
        self.written = threading.Event()
        self._stop = threading.Event()
        self.every_s = every_s
        self.runs = 0
        self.failures = 0
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                     timeout=15.0)
        self._thread = threading.Thread(target=self._run, name="rhetorica-sqlite-checkpoint",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.written.wait(timeout=self.every_s):
                continue
            self.written.clear()
            try:
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                self.runs += 1
            except sqlite3.Error:
                self.failures += 1  # busy or failing disk: the next write tries again
            self._stop.wait(self.every_s)

    def stop(self) -> None:
        self._stop.set()
        self.written.set()
        self._thread.join(timeout=30)
        self._conn.close()


class SQLiteStore(Store):
    def __init__(self, path: str | Path) -> None:
        self.url = str(path)
        self._lock = threading.RLock()
        self._checkpointer: _Checkpointer | None = None
        p = Path(path)
        if str(path) != ":memory:":
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{path}: cannot create the folder: {exc.strerror}") from None
        # On a read-only file system SQLite cannot create the -shm file a WAL database needs
        # even to be read ("unable to open database file"). Nothing can change the file
        # through a read-only mount, so it is opened as immutable: reads work, writes are
        # refused as read-only (exit 4). Immutable would ignore a -wal file, so one with
        # changes not yet merged is read in plain read-only mode (which needs its -shm).
        frozen = str(path) != ":memory:" and p.is_file() and _read_only_fs(p)
        if frozen:
            wal = Path(f"{p}-wal")
            pending = wal.exists() and wal.stat().st_size > 0
            target = (f"file:{quote(str(p.resolve()))}?mode=ro"
                      + ("" if pending else "&immutable=1"))
        else:
            target = str(path)
        try:
            self.conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False,
                                        timeout=15.0, uri=frozen)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 15000")
            if str(path) != ":memory:" and not frozen:
                # A read-only file cannot switch to WAL; reads still work.
                with contextlib.suppress(sqlite3.OperationalError):
                    self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute(f"PRAGMA cache_size = {CACHE_KIB}")
            self.migrate()
        except (sqlite3.Error, StoreError) as exc:
            if getattr(self, "conn", None) is not None:
                self.conn.close()  # never leave the file open behind a refusal
            if isinstance(exc, sqlite3.Error):
                raise _translate(exc, self.url) from None
            raise

    # -- plumbing -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: nothing is half-written."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _translate(exc, self.url) from None
            try:
                yield self.conn
                self.conn.execute("COMMIT")
                if self._checkpointer is not None:
                    self._checkpointer.written.set()
            except BaseException as exc:
                # On a full disk or an I/O error SQLite has already rolled back; a second
                # ROLLBACK would raise and hide the real cause.
                if self.conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _translate(exc, self.url) from None
                raise

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self.conn.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise _translate(exc, self.url) from None

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        with self._lock:
            self.conn.close()

    def checkpoint_in_background(self, every_s: float = 1.0) -> bool:
        """Merge the write-ahead log into the database from a thread of its own, at most
        every ``every_s`` seconds after a write; False where there is no log to merge.

        By default SQLite merges it (a checkpoint: copying pages and two fsyncs) inside
        whichever commit takes the log past 1,000 pages. In the web server that commit took
        0.1-0.4 s now and then, and every request saving behind it waited: under the web
        benchmark's load all twenty requests in flight stalled together (p99 0.5-0.8 s
        against 0.23 s without saving). A long-lived writer turns that off and merges here;
        PASSIVE never waits for, nor blocks, a reader or a writer, and once the log is
        merged the next write starts it again from the beginning, so it stays small.
        Closing the store's last connection merges what is left (SQLite does that)."""
        if self._checkpointer is not None:
            return True
        mode = self.query("PRAGMA journal_mode")[0][0]
        if str(mode).lower() != "wal":
            return False
        with self._lock:
            self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._checkpointer = _Checkpointer(self.url, every_s)
        return True

    def checkpoint(self) -> tuple[int, int]:
        """Merge the log now (PASSIVE): (pages in the log, pages merged)."""
        with self._lock:
            _busy, log, done = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(log), int(done)

    def migrate(self) -> int:
        """Apply pending migrations. Each runs under BEGIN IMMEDIATE and re-reads what is
        applied inside that lock, so processes opening a new file at once never race."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (datetime('now')))"
        )
        pending = migrations()
        done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        check_schema(self.url, max(done, default=0), max(v for v, _n, _s in pending))
        for version, name, sql in pending:
            if version in done:
                continue
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if not self.conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?",
                                         (version,)).fetchone():
                    for statement in _statements(sql):
                        self.conn.execute(statement)
                    self.conn.execute("INSERT INTO schema_migrations(version, name) "
                                      "VALUES (?, ?)", (version, name))
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        return self.schema_version()

    def schema_version(self) -> int:
        row = self.query("SELECT max(version) FROM schema_migrations")
        return int(row[0][0] or 0)

    # -- documents ----------------------------------------------------------------------
    def _speaker_id(self, conn: sqlite3.Connection, name: str | None) -> int | None:
        if not name:
            return None
        conn.execute("INSERT OR IGNORE INTO speakers(name) VALUES (?)", (name,))
        return conn.execute("SELECT id FROM speakers WHERE name = ?", (name,)).fetchone()[0]

    def save_many(self, docs: Iterable[Document], version: str = "") -> list[SaveResult]:
        results = []
        with self.transaction() as conn:
            for doc in docs:
                results.append(self._save_one(conn, doc, version))
        return results

    def _save_one(self, conn: sqlite3.Connection, doc: Document, version: str) -> SaveResult:
        key = doc.key
        row = conn.execute("SELECT id FROM documents WHERE key = ?", (key,)).fetchone()
        created = row is None
        if created:
            meta = doc.meta
            cur = conn.execute(
                "INSERT INTO documents(key, text, speaker_id, date, source, title, url, origin, "
                "meta_json) VALUES (?,?,?,?,?,?,?,?,?)",
                (key, doc.text, self._speaker_id(conn, meta.speaker), meta.date, meta.source,
                 meta.title, meta.url, meta.origin, json.dumps(meta.extra, ensure_ascii=False)),
            )
            doc_id = int(cur.lastrowid)
        else:
            doc_id = int(row[0])
        if doc.results or doc.spans:
            pipeline = ",".join(doc.results.get("pipeline", [])) or "custom"
            intensity = (doc.results.get("tone") or {}).get("intensity")
            conn.execute(
                "DELETE FROM analyses WHERE document_id = ? AND pipeline = ?", (doc_id, pipeline)
            )
            cur = conn.execute(
                "INSERT INTO analyses(document_id, pipeline, version, intensity, results_json) "
                "VALUES (?,?,?,?,?)",
                (doc_id, pipeline, version, intensity,
                 json.dumps(doc.results, ensure_ascii=False, default=str)),
            )
            analysis_id = cur.lastrowid
            conn.executemany(
                'INSERT INTO spans(analysis_id, layer, label, start, "end", score, source, '
                "explanation, attrs_json) VALUES (?,?,?,?,?,?,?,?,?)",
                [(analysis_id, s.layer, s.label, s.start, s.end, s.score, s.source,
                  s.explanation, json.dumps(s.attrs, ensure_ascii=False, default=str))
                 for s in doc.spans],
            )
        return SaveResult(doc_id, key, created)

    @staticmethod
    def _where_ref(ref: int | str) -> tuple[str, tuple[Any, ...]]:
        """SQL for a ref on ``documents d``; never a LIKE pattern from the user."""
        return ref_where(ref, "?", "d.")

    def _one_id(self, conn: Any, ref: int | str) -> int | None:
        """The id the ref names; AmbiguousRef when it names several."""
        return resolve_ref(conn, "documents", ref, "?")

    def get(self, ref: int | str) -> Document | None:
        with self._lock:
            try:
                doc_id = self._one_id(self.conn, ref)
            except sqlite3.Error as exc:
                raise _translate(exc, self.url) from None
        if doc_id is None:
            return None
        rows = self.query(
            "SELECT d.*, s.name AS speaker FROM documents d LEFT JOIN speakers s "
            "ON s.id = d.speaker_id WHERE d.id = ?", (doc_id,))
        if not rows:
            return None
        row = rows[0]
        meta = DocumentMeta(speaker=row["speaker"], date=row["date"], source=row["source"],
                            title=row["title"], url=row["url"], origin=row["origin"],
                            extra=_loads(row["meta_json"], self.url,
                                        f"statement {doc_id}'s metadata"))
        doc = Document(row["text"], meta)
        doc.results["store_id"] = row["id"]
        analysis = self.query(
            "SELECT id, results_json FROM analyses WHERE document_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT 1", (row["id"],))
        if analysis:
            doc.results.update(_loads(analysis[0]["results_json"], self.url,
                                      f"the analysis of statement {doc_id}"))
            doc.results["store_id"] = row["id"]
            for s in self.query(
                'SELECT layer, label, start, "end", score, source, explanation, attrs_json '
                "FROM spans WHERE analysis_id = ? ORDER BY id", (analysis[0]["id"],)):
                doc.spans.append(Span(s["start"], s["end"], s["label"], s["score"], s["source"],
                                      s["explanation"], s["layer"],
                                      _loads(s["attrs_json"], self.url, "a span")))
        return doc

    _ROW_SQL = (
        "SELECT d.id, d.key, s.name AS speaker, d.date, d.source, d.title, "
        "substr(d.text, 1, 160) AS preview, "
        "(SELECT a.intensity FROM analyses a WHERE a.document_id = d.id "
        " ORDER BY a.created_at DESC, a.id DESC LIMIT 1) AS intensity "
        "FROM documents d LEFT JOIN speakers s ON s.id = d.speaker_id "
    )

    @staticmethod
    def _row(r: sqlite3.Row) -> DocumentRow:
        return DocumentRow(r["id"], r["key"], r["speaker"], r["date"], r["source"], r["title"],
                           r["preview"], r["intensity"])

    def list_documents(self, speaker: str | None = None, since: str | None = None,
                       until: str | None = None, limit: int = 50, offset: int = 0
                       ) -> list[DocumentRow]:
        clauses, params = [], []
        if speaker:
            clauses.append("lower(s.name) = lower(?)")
            params.append(speaker)
        if since:
            clauses.append("d.date >= ?")
            params.append(since)
        if until:
            clauses.append("d.date <= ?")
            params.append(until)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.query(self._ROW_SQL + where + " ORDER BY d.date DESC, d.id DESC "
                          "LIMIT ? OFFSET ?", [*params, limit, offset])
        return [self._row(r) for r in rows]

    def search(self, query: str, limit: int = 20) -> list[DocumentRow]:
        q = fts_query(query)
        if not q:
            return []
        rows = self.query(
            self._ROW_SQL.replace(
                "FROM documents d", "snippet(documents_fts, 0, char(2), char(3), '…', 24) "
                "AS snippet FROM documents d", 1).replace(" AS intensity ", " AS intensity, ", 1)
            + "JOIN documents_fts f ON f.rowid = d.id WHERE documents_fts MATCH ? "
            "ORDER BY bm25(documents_fts) LIMIT ?", (q, limit))
        return [replace(self._row(r), snippet=r["snippet"]) for r in rows]

    def speakers(self) -> list[tuple[str, int]]:
        rows = self.query(
            "SELECT s.name, count(d.id) FROM speakers s LEFT JOIN documents d "
            "ON d.speaker_id = s.id GROUP BY s.id ORDER BY count(d.id) DESC, s.name")
        return [(r[0], r[1]) for r in rows]

    def _own_history(self, speaker: str) -> list[dict[str, Any]]:
        rows = self.query(
            "SELECT d.id, d.date, a.intensity, a.results_json FROM documents d "
            "JOIN speakers s ON s.id = d.speaker_id "
            "JOIN analyses a ON a.id = (SELECT a2.id FROM analyses a2 WHERE a2.document_id = d.id "
            "  ORDER BY a2.created_at DESC, a2.id DESC LIMIT 1) "
            "WHERE lower(s.name) = lower(?) ORDER BY d.date, d.id", (speaker,))
        out = []
        for r in rows:
            results = _loads(r["results_json"], self.url, f"the analysis of statement {r['id']}")
            out.append({"id": r["id"], "date": r["date"], "intensity": r["intensity"],
                        "tone": results.get("tone", {})})
        return out

    def _quoting_documents(self, speaker: str) -> list[dict[str, Any]]:
        # LIKE is a cheap prefilter (case-insensitive for ASCII); the base class reads the
        # voices themselves
        rows = self.query(
            "SELECT d.id, d.date, d.source, s.name AS speaker, a.results_json FROM documents d "
            "LEFT JOIN speakers s ON s.id = d.speaker_id "
            "JOIN analyses a ON a.id = (SELECT a2.id FROM analyses a2 WHERE a2.document_id = d.id "
            "  ORDER BY a2.created_at DESC, a2.id DESC LIMIT 1) "
            "WHERE a.results_json LIKE '%\"voices\"%' AND a.results_json LIKE ? "
            "ORDER BY d.date, d.id", (f"%{speaker}%",))
        return [{"id": r["id"], "date": r["date"], "source": r["source"],
                 "speaker": r["speaker"],
                 "results": _loads(r["results_json"], self.url,
                                   f"the analysis of statement {r['id']}")} for r in rows]

    def delete(self, ref: int | str) -> bool:
        """Delete the ONE statement the ref names (AmbiguousRef when it names several)."""
        with self.transaction() as conn:
            doc_id = self._one_id(conn, ref)
            if doc_id is None:
                return False
            return conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,)).rowcount > 0

    def replace_analysis(self, doc: Document, document_id: int, version: str = "") -> bool:
        with self.transaction() as conn:  # BEGIN IMMEDIATE: no delete can slip in between
            if conn.execute("SELECT 1 FROM documents WHERE id = ? AND key = ?",
                            (int(document_id), doc.key)).fetchone() is None:
                return False
            self._save_one(conn, doc, version)  # finds the row by key: analysis only
        return True

    def stats(self) -> dict[str, Any]:
        one = lambda sql: self.query(sql)[0][0]  # noqa: E731
        return {
            "backend": "sqlite",
            "path": self.url,
            "schema_version": self.schema_version(),
            "documents": one("SELECT count(*) FROM documents"),
            "speakers": one("SELECT count(*) FROM speakers"),
            "analyses": one("SELECT count(*) FROM analyses"),
            "spans": one("SELECT count(*) FROM spans"),
        }
