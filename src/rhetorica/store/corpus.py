"""Persistence of the evidence corpus: documents, passages, FTS5 and dense vectors.

:class:`CorpusStore` is the small, backend-neutral interface the index and the CLI use;
:mod:`rhetorica.store.sqlite_corpus` implements it on the statement store's SQLite file
(one ``--db`` holds everything) and :mod:`rhetorica.store.postgres_corpus` on PostgreSQL;
:func:`open_corpus_store` picks the one beside the store a URL opens.

Adding is idempotent (a document's identity is the hash of its text; a passage whose text
is already indexed is not indexed twice) and transactional: a batch is written in one
transaction, so a failure in the middle leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rhetorica.ingest.corpus import CorpusDocument
from rhetorica.store.base import StoreError, resolve_ref, resolve_ref_with

# Words too common to help BM25 find evidence; dropping them keeps FTS5 OR queries fast.
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did",
    "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "it's", "may", "more", "most", "no", "not", "of", "on",
    "or", "our", "out", "she", "so", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "too", "up", "was", "we", "were", "what", "when",
    "where", "which", "who", "why", "will", "with", "would", "you", "your", "about", "over",
    "said", "says", "also", "just",
})


@dataclass
class Filters:
    """Restrict retrieval to a date range (ISO strings, inclusive) and/or some sources."""

    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()

    def active(self) -> bool:
        return bool(self.since or self.until or self.sources)


@dataclass
class AddReport:
    documents_added: int = 0
    documents_skipped: int = 0  # already in the corpus (same text)
    passages_added: int = 0
    passages_skipped: int = 0  # same passage text already indexed elsewhere
    ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "ids"}


@dataclass
class FetchRecord:
    """One HTTP response behind corpus documents (``rhetorica corpus add URL``), as stored in
    ``corpus_fetches``: enough to send a conditional request next time (``etag``,
    ``last_modified``) and to re-extract the text offline (``raw``, the body as received).

    ``raw`` is None when read back by :meth:`CorpusStore.fetch_record` (the body is only
    read, and checked against ``raw_sha256``, by :meth:`CorpusStore.fetch_raw`).
    ``documents_present`` is False when a document the response gave has been removed
    since: a re-run then fetches it unconditionally, so ``corpus add URL`` brings it back.
    """

    url: str
    final_url: str
    kind: str  # html | pdf | feed | sitemap
    status: int
    content_type: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: str
    document_keys: list[str] = field(default_factory=list)
    raw: bytes | None = None
    raw_size: int | None = None
    raw_sha256: str | None = None
    documents_present: bool = True

    def stored_row(self) -> tuple[Any, ...]:
        """The column values to write, body compressed (zlib: a page shrinks 5-10 fold),
        in the order of :data:`FETCH_COLUMNS`."""
        raw = self.raw or b""
        return (self.url, self.final_url, self.kind, self.status, self.content_type, self.etag,
                self.last_modified, self.fetched_at, len(raw),
                hashlib.sha256(raw).hexdigest(), zlib.compress(raw, 6),
                json.dumps(list(self.document_keys)))


FETCH_COLUMNS = ("url", "final_url", "kind", "status", "content_type", "etag", "last_modified",
                 "fetched_at", "raw_size", "raw_sha256", "raw", "document_keys")


@dataclass
class VectorMatrix:
    """Dense vectors of all passages for one model, with per-row metadata for filtering."""

    ids: np.ndarray  # int64 passage ids
    vectors: np.ndarray  # float32 (n, dim), L2-normalised
    published: np.ndarray  # int32 YYYYMMDD (0 when unknown): fast range filters
    source: np.ndarray  # int32 source id (0 when unknown)
    source_ids: dict[str, int]
    generation: int
    coarse: np.ndarray | None = None  # first COARSE_DIMS dims, re-normalised (see index.py)


def date_int(iso: str | None) -> int:
    """``"2024-03-05..."`` -> 20240305; 0 when unknown (so date filters exclude it)."""
    if not iso or len(iso) < 4 or not iso[:4].isdigit():
        return 0
    parts = [*iso[:10].split("-"), "1", "1"][:3]
    try:
        return int(parts[0]) * 10000 + int(parts[1] or 1) * 100 + int(parts[2] or 1)
    except ValueError:
        return 0


def passage_key(text: str) -> str:
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8", "surrogatepass")
                          ).hexdigest()


def query_terms(text: str) -> list[str]:
    """Content words of a query, in order, without duplicates or stopwords."""
    terms, seen = [], set()
    for t in re.findall(r"\w+", text.lower(), flags=re.UNICODE):
        if t in STOPWORDS or t in seen or (len(t) < 2 and not t.isdigit()):
            continue
        seen.add(t)
        terms.append(t)
    return terms[:32]


def fts_or_query(text: str | list[str]) -> str:
    """Free text to a safe FTS5 OR query over content words (quoted, so no syntax leaks)."""
    terms = query_terms(text) if isinstance(text, str) else text
    return " OR ".join(f'"{t}"' for t in terms)


class _Stemmer:
    """FTS5's own tokenizer (porter unicode61), run on an in-memory table: stems that match
    the index exactly, without a Python stemmer that could disagree with SQLite's."""

    def __init__(self) -> None:
        import sqlite3

        self.conn = sqlite3.connect(":memory:", check_same_thread=False)
        self.conn.executescript(
            "CREATE VIRTUAL TABLE q USING fts5(t, tokenize='porter unicode61');"
            "CREATE VIRTUAL TABLE qv USING fts5vocab(q, 'instance');")

    def stems(self, words: list[str]) -> list[str]:
        with self.conn:
            self.conn.execute("DELETE FROM q")
            self.conn.execute("INSERT INTO q(rowid, t) VALUES (1, ?)", (" ".join(words),))
            rows = self.conn.execute("SELECT term, offset FROM qv ORDER BY offset").fetchall()
        by_offset = {off: term for term, off in rows}
        return [by_offset.get(i, w) for i, w in enumerate(words)]


# Above this many vectors, dense search first scans a prefix of the dimensions (Matryoshka-
# trained wordllama keeps most of its signal in the leading dims), then rescores the best
# candidates exactly: 4x fewer bytes read per query, which is what bounds latency.
COARSE_MIN_ROWS = 20_000
COARSE_DIMS = 64



class CorpusStore(ABC):
    """What the evidence index needs from a backend."""

    def add_documents(self, docs: Iterable[CorpusDocument],
                      embed: Callable[[list[str]], np.ndarray] | None, model: str,
                      progress: Callable[[int], None] | None = None) -> AddReport:
        """Store documents, their passages and vectors in ONE transaction."""
        with self.store.transaction() as conn:
            return self._add(conn, docs, embed, model, progress)

    @abstractmethod
    def _add(self, conn: Any, docs: Iterable[CorpusDocument],
             embed: Callable[[list[str]], np.ndarray] | None, model: str,
             progress: Callable[[int], None] | None) -> AddReport:
        """The backend's body of :meth:`add_documents`, inside the caller's transaction."""

    def add_fetched(self, fetch: FetchRecord, docs: Iterable[CorpusDocument],
                    embed: Callable[[list[str]], np.ndarray] | None, model: str,
                    progress: Callable[[int], None] | None = None) -> AddReport:
        """Store one HTTP response (replacing an earlier one for its URL) and the documents
        read from it in ONE transaction: a URL is either wholly stored or not at all, so a
        failure never leaves a response without its documents, nor documents whose
        response a re-run would skip as unchanged."""
        with self.store.transaction() as conn:
            report = self._add(conn, docs, embed, model, progress)
            values = ",".join(self.json_placeholder if c == "document_keys"
                              else self.placeholder for c in FETCH_COLUMNS)
            updates = ", ".join(f"{c} = excluded.{c}" for c in FETCH_COLUMNS[1:])
            conn.execute(f"INSERT INTO corpus_fetches({', '.join(FETCH_COLUMNS)}) VALUES "
                         f"({values}) ON CONFLICT (url) DO UPDATE SET {updates}",
                         fetch.stored_row())
        return report

    def fetch_record(self, url: str) -> FetchRecord | None:
        """What was stored for ``url`` (without the body), None when it never was."""
        ph = self.placeholder
        rows = self.store.query(
            "SELECT url, final_url, kind, status, content_type, etag, last_modified, "
            f"fetched_at, raw_size, raw_sha256, document_keys FROM corpus_fetches "
            f"WHERE url = {ph}", (url,))
        if not rows:
            return None
        row = dict(rows[0])
        keys = row.pop("document_keys")
        keys = json.loads(keys) if isinstance(keys, str) else list(keys or [])
        present = 0
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            present += int(self.store.query(
                f"SELECT count(*) AS n FROM corpus_documents WHERE key IN "
                f"({','.join([ph] * len(chunk))})", chunk)[0]["n"])
        return FetchRecord(**row, document_keys=keys, documents_present=present == len(keys))

    def fetch_raw(self, url: str) -> bytes | None:
        """The body stored for ``url``, decompressed and checked against its SHA-256, so a
        citation can be re-checked and the text re-extracted with no network; None when no
        response is stored for it."""
        rows = self.store.query(
            f"SELECT raw, raw_size, raw_sha256 FROM corpus_fetches WHERE url = {self.placeholder}",
            (url,))
        if not rows:
            return None
        row = rows[0]
        try:
            inflate = zlib.decompressobj()
            raw = inflate.decompress(bytes(row["raw"]), int(row["raw_size"]) + 1)
        except zlib.error:
            raw = None
        if raw is None or hashlib.sha256(raw).hexdigest() != row["raw_sha256"]:
            raise StoreError(f"{url}: the stored response is damaged (its SHA-256 does not "
                             "match); fetch it again")
        return raw


    @abstractmethod
    def stats(self) -> dict[str, Any]: ...

    # the statement store this corpus lives beside, its query placeholder ("?" for SQLite,
    # "%s" for PostgreSQL) and how it reads a text field of a document's meta JSON
    store: Any
    placeholder = "?"
    json_placeholder = "?"  # a JSON value's placeholder (PostgreSQL casts the text)
    meta_field_sql = "json_extract(d.meta_json, '$.{field}')"

    def list_documents(self, source: str | None = None, limit: int = 50, offset: int = 0,
                       since: str | None = None, until: str | None = None,
                       language: str | None = None, group: int | None = None
                       ) -> list[dict[str, Any]]:
        """Documents newest first, with their passage count and wire-copy group (``copies``:
        how many documents share it). ``since``/``until`` are inclusive ISO dates (an
        undated document matches neither); ``language`` a code as the page declared it
        ("en" matches "en-US"); ``group`` a group id as listed."""
        ph = self.placeholder
        where, params = [], []
        if source:
            where.append(f"lower(s.name) = lower({ph})")  # as typed, case aside
            params.append(source)
        if since:
            where.append(f"d.published >= {ph}")
            params.append(since)
        if until:  # "2026-06-09" takes in "2026-06-09T18:00"
            where.append(f"d.published < {ph}")
            params.append(until + "\uffff")
        if language:
            lang = self.meta_field_sql.format(field="language")
            where.append(f"(lower({lang}) = {ph} OR lower({lang}) LIKE {ph})")
            params += [language.lower(), language.lower() + "-%"]
        if group is not None:
            where.append(f"d.dup_group = {ph}")
            params.append(group)
        rows = self.store.query(
            "SELECT d.id, d.key, d.title, s.name AS source, d.author, d.published, d.url, "
            "d.origin, (SELECT count(*) FROM passages p WHERE p.document_id = d.id) AS passages, "
            "d.dup_group AS \"group\", (SELECT count(*) FROM corpus_documents c "
            "WHERE c.dup_group = d.dup_group) AS copies, "
            f"{self.meta_field_sql.format(field='language')} AS language "
            "FROM corpus_documents d LEFT JOIN corpus_sources s ON s.id = d.source_id "
            + (f"WHERE {' AND '.join(where)} " if where else "")
            + f"ORDER BY d.published DESC{self.nulls_last}, d.id DESC LIMIT {ph} OFFSET {ph}",
            [*params, limit, offset])
        return [dict(r) for r in rows]

    nulls_last = ""  # SQLite sorts NULL first ascending, so last in DESC already

    # -- wire copies ------------------------------------------------------------------
    def _group_copies(self, conn: Any, doc_id: int, doc: CorpusDocument) -> int | None:
        """Fingerprint a newly stored document and put it in the group of the earlier copy
        it repeats (the best-matching one), or in a group of its own; returns the group id
        (None: a published fact-check, or too short to compare)."""
        from rhetorica.ingest.near_duplicates import (
            COPY_CONTAINMENT,
            MAX_CANDIDATES,
            Fingerprint,
            band_keys,
            containment,
        )

        ph = self.placeholder
        fp = doc.fingerprint
        if fp is None:  # recorded as looked at, so a backfill does not come back to it
            conn.execute(f"INSERT INTO corpus_fingerprints(document_id, shingles, signature) "
                         f"VALUES ({ph}, 0, {ph})", (doc_id, b""))
            return None
        keys = band_keys(fp)
        # the candidates sharing the most bands (the likeliest copies) and only so many of
        # them: a corpus full of one boilerplate must not make every insert compare with all
        rows = conn.execute(
            "SELECT f.document_id, f.shingles, f.signature, d.dup_group FROM "
            "(SELECT document_id, count(*) AS shared FROM corpus_bands WHERE key IN "
            f"({','.join([ph] * len(keys))}) GROUP BY document_id ORDER BY shared DESC, "
            f"document_id LIMIT {MAX_CANDIDATES}) c JOIN corpus_fingerprints f ON "
            "f.document_id = c.document_id JOIN corpus_documents d ON d.id = c.document_id",
            keys).fetchall()
        group, best = doc_id, 0.0
        for r in rows:
            c = containment(fp, Fingerprint.from_bytes(bytes(r["signature"]), r["shingles"]))
            if c > best and c >= COPY_CONTAINMENT:
                group, best = int(r["dup_group"] or r["document_id"]), c
        conn.execute(f"INSERT INTO corpus_fingerprints(document_id, shingles, signature) "
                     f"VALUES ({ph},{ph},{ph})", (doc_id, fp.shingles, fp.to_bytes()))
        conn.execute("INSERT INTO corpus_bands(key, document_id) VALUES "
                     + ",".join([f"({ph},{ph})"] * len(keys)),
                     [x for k in keys for x in (k, doc_id)])
        conn.execute(f"UPDATE corpus_documents SET dup_group = {ph} WHERE id = {ph}",
                     (group, doc_id))
        return group

    def _backfill_copies(self, conn: Any) -> None:
        """Fingerprint, once, the documents stored before wire copies were detected, oldest
        first (so each group is named after its first-stored member)."""
        if conn.execute("SELECT copies_backfilled FROM corpus_state").fetchone()[
                "copies_backfilled"]:
            return
        rows = conn.execute(
            "SELECT d.id, d.text, d.meta_json FROM corpus_documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM corpus_fingerprints f WHERE f.document_id = d.id) ORDER BY d.id"
        ).fetchall()
        for r in rows:
            meta = r["meta_json"]
            meta = json.loads(meta) if isinstance(meta, str) else dict(meta or {})
            self._group_copies(conn, int(r["id"]), CorpusDocument(r["text"], "", extra=meta))
        conn.execute("UPDATE corpus_state SET copies_backfilled = 1")

    def remove(self, refs: Iterable[int | str] = (), source: str | None = None) -> int:
        """Delete documents by id, key (prefix), or whole source, with their passages and
        vectors, in one transaction; returns how many. A ref is never a pattern: a prefix
        naming several documents is :class:`AmbiguousRef` and nothing is removed.

        A passage is indexed once, under the first document that had it: when that document
        goes, its wire copies' identical passages are indexed again (vectors copied), so
        the copies stay findable."""
        ph = self.placeholder
        with self.store.transaction() as conn:
            ids = {doc_id for ref in refs
                   if (doc_id := resolve_ref(conn, "corpus_documents", ref, ph,
                                             "corpus documents")) is not None}
            if source:
                ids |= {int(r["id"]) for r in conn.execute(
                    "SELECT d.id FROM corpus_documents d JOIN corpus_sources s ON "
                    f"s.id = d.source_id WHERE s.name = {ph}", (source,)).fetchall()}
            if not ids:
                return 0
            order = sorted(ids)
            held = self._passages_held(conn, order)
            copies = [int(r["id"]) for r in self._in(
                conn, "SELECT c.id FROM corpus_documents c JOIN corpus_documents d ON "
                "c.dup_group = d.dup_group WHERE d.id IN ({})", order)
                if int(r["id"]) not in ids]
            removed = sum(conn.execute(
                f"DELETE FROM corpus_documents WHERE id IN ({','.join([ph] * len(chunk))})",
                chunk).rowcount for chunk in _chunks(order))
            self._regroup_after_removal(conn)
            self._reindex_copies(conn, held, sorted(set(copies)))
            conn.execute("DELETE FROM corpus_sources WHERE NOT EXISTS (SELECT 1 FROM "
                         "corpus_documents d WHERE d.source_id = corpus_sources.id)")
            conn.execute("UPDATE corpus_state SET generation = generation + 1 WHERE id = 1")
        return removed

    def _in(self, conn: Any, sql: str, ids: Sequence[int]) -> list[Any]:
        """``sql`` with one ``IN ({})`` filled with ``ids``, run in chunks, on a connection
        inside a transaction or (a plain read) on the store."""
        ph = self.placeholder
        rows = []
        for chunk in _chunks(ids):
            q = sql.format(",".join([ph] * len(chunk)))
            rows += conn.query(q, chunk) if hasattr(conn, "query") else \
                conn.execute(q, chunk).fetchall()
        return rows

    def _passages_held(self, conn: Any, ids: Sequence[int]) -> dict[str, list[Any]]:
        """Passage key -> its vectors (model, dim, bytes), for the documents about to go."""
        held: dict[str, list[Any]] = {}
        for r in self._in(conn, "SELECT p.key, e.model, e.dim, e.vector FROM passages p LEFT "
                          "JOIN passage_embeddings e ON e.passage_id = p.id WHERE "
                          "p.document_id IN ({})", ids):
            vecs = held.setdefault(r["key"], [])
            if r["model"] is not None:
                vecs.append((r["model"], r["dim"], bytes(r["vector"])))
        return held

    def _reindex_copies(self, conn: Any, held: dict[str, list[Any]],
                        copies: Sequence[int]) -> None:
        """Index, under the remaining copies, the passages only the removed documents held."""
        from rhetorica.ingest.passages import split_passages

        ph = self.placeholder
        for row in self._in(conn, "SELECT id, text FROM corpus_documents WHERE id IN ({}) "
                            "ORDER BY id", copies):
            for seq, p in enumerate(split_passages(row["text"])):
                key = passage_key(p.text)
                if key not in held or conn.execute(
                        f"SELECT 1 FROM passages WHERE key = {ph} LIMIT 1", (key,)).fetchone():
                    continue
                pid = conn.execute(
                    'INSERT INTO passages(document_id, seq, start, "end", text, key) VALUES '
                    f"({ph},{ph},{ph},{ph},{ph},{ph}) RETURNING id",
                    (row["id"], seq, p.start, p.end, p.text, key)).fetchone()["id"]
                for model, dim, vector in held.pop(key):
                    conn.execute("INSERT INTO passage_embeddings(passage_id, model, dim, vector) "
                                 f"VALUES ({ph},{ph},{ph},{ph})", (pid, model, dim, vector))

    def _regroup_after_removal(self, conn: Any) -> None:
        """A group named after a removed document takes its next member's id."""
        ph = self.placeholder
        orphans = conn.execute(
            "SELECT dup_group, min(id) AS first FROM corpus_documents d WHERE dup_group IS NOT "
            "NULL AND NOT EXISTS (SELECT 1 FROM corpus_documents o WHERE o.id = d.dup_group) "
            "GROUP BY dup_group").fetchall()
        for r in orphans:
            conn.execute(f"UPDATE corpus_documents SET dup_group = {ph} WHERE dup_group = {ph}",
                         (r["first"], r["dup_group"]))

    def superseded(self, doc_ids: Iterable[int]) -> set[int]:
        """Those of ``doc_ids`` that are older versions of a page: a document stored later
        has the same URL (a re-fetch found new text, which is a new document)."""
        ids = sorted({int(i) for i in doc_ids})
        if not ids:
            return set()
        return {int(r["id"]) for r in self._in(
            self.store, "SELECT d.id FROM corpus_documents d WHERE d.id IN ({}) AND d.url IS "
            "NOT NULL AND EXISTS (SELECT 1 FROM corpus_documents n WHERE n.url = d.url AND "
            "n.id > d.id)", ids)}

    def copies(self, doc_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        """For each document, every member of its wire-copy group (itself included),
        earliest published first (undated last, then by id); a document without copies
        maps to a list of one."""
        ids = sorted({int(i) for i in doc_ids})
        if not ids:
            return {}
        ph = self.placeholder
        rows = self.store.query(
            "SELECT d.id, d.dup_group, d.title, s.name AS source, d.published, d.url, "
            "d.origin, m.id AS member FROM corpus_documents d "
            "JOIN corpus_documents m ON m.dup_group = d.dup_group "
            "LEFT JOIN corpus_sources s ON s.id = d.source_id "
            f"WHERE m.id IN ({','.join([ph] * len(ids))})", ids)
        groups: dict[int, list[dict[str, Any]]] = {}
        for r in rows:
            groups.setdefault(int(r["member"]), []).append(
                {k: r[k] for k in ("id", "title", "source", "published", "url", "origin")})
        out = {}
        for i in ids:
            members = groups.get(i) or [{"id": i}]
            members.sort(key=lambda m: (m.get("published") is None, m.get("published") or "",
                                        m["id"]))
            out[i] = members
        return out

    def document(self, ref: int | str) -> dict[str, Any] | None:
        """One document by id or key prefix (8+ characters): its metadata, where each field
        came from (``provenance``), and its passages with their character offsets; None
        when no document has that id or key. :class:`AmbiguousRef` when a prefix names
        several."""
        ph = self.placeholder
        # a read: no write transaction (SQLite's BEGIN IMMEDIATE would wait on an ingest)
        doc_id = resolve_ref_with(self.store.query, "corpus_documents", ref, ph,
                                  "corpus documents")
        if doc_id is None:
            return None
        rows = self.store.query(
            "SELECT d.id, d.key, d.title, s.name AS source, d.author, d.published, d.url, "
            "d.origin, d.text, d.meta_json, d.dup_group AS \"group\" FROM corpus_documents d "
            "LEFT JOIN corpus_sources s "
            f"ON s.id = d.source_id WHERE d.id = {ph}", (doc_id,))
        if not rows:
            return None
        doc = dict(rows[0])
        meta = doc.pop("meta_json") or {}
        doc["meta"] = json.loads(meta) if isinstance(meta, str) else dict(meta)
        doc["provenance"] = doc["meta"].pop("provenance", {})
        doc["date_missing"] = bool(doc["meta"].pop("date_missing", False)) or \
            doc["published"] is None
        doc["copies"] = [m for m in self.copies([doc_id])[doc_id] if m["id"] != doc_id]
        # fetched from the web: the response it came from, kept to re-check the citation
        fetched = self.fetch_record(doc["origin"]) if str(doc["origin"]).startswith(
            ("http://", "https://")) else None
        doc["fetch"] = None if fetched is None else {
            k: getattr(fetched, k) for k in ("url", "final_url", "status", "content_type",
                                             "etag", "last_modified", "fetched_at", "raw_size",
                                             "raw_sha256")}
        doc["passages"] = [dict(r) for r in self.store.query(
            f'SELECT id, start, "end", text FROM passages WHERE document_id = {ph} '
            "ORDER BY start", (doc_id,))]
        return doc

    @abstractmethod
    def lexical(self, query: str, k: int, filters: Filters | None = None
                ) -> list[tuple[int, float]]:
        """(passage id, BM25 score, higher is better), best first."""

    @abstractmethod
    def vectors(self, model: str) -> VectorMatrix: ...

    @abstractmethod
    def passages(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Passage text, offsets and its document's citation fields, by passage id."""

    @abstractmethod
    def generation(self) -> int:
        """Changes whenever the corpus changes (cache key for vectors)."""

    def fact_checks(self) -> list[dict[str, Any]]:
        """Every stored published fact-check (documents whose meta ``kind`` is
        "claimreview"), as :func:`fact_check_record` dicts in id order.

        Read once per :meth:`generation` and cached: callers get the same list object until
        the corpus changes, and must not modify it.
        """
        gen = self.generation()
        cached = getattr(self, "_fact_checks", None)
        if cached is not None and cached[0] == gen:
            return cached[1]
        records = self._read_fact_checks()
        self._fact_checks = (gen, records)
        return records

    @abstractmethod
    def _read_fact_checks(self) -> list[dict[str, Any]]:
        """The backend's query behind :meth:`fact_checks` (uncached)."""


FACT_CHECK_FIELDS = ("claim_reviewed", "rating", "rating_value", "best_rating", "worst_rating",
                     "publisher", "claimant", "claim_date", "claim_appearance")


def fact_check_record(row: Any, meta: dict[str, Any]) -> dict[str, Any]:
    """A stored ClaimReview document (row: id, title, published, url, source) with its meta,
    as both backends return it from :meth:`CorpusStore.fact_checks`."""
    rec = {"id": int(row["id"]), **{k: meta.get(k) for k in FACT_CHECK_FIELDS},
           "date": row["published"], "url": row["url"], "title": row["title"],
           "source": row["source"]}
    rec["publisher"] = rec["publisher"] or row["source"]
    return rec


def _chunks(ids: Sequence[int], size: int = 500) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i:i + size])


def corpus_store_for(store: Any) -> CorpusStore:
    """The corpus store that lives beside an open document store, on the same backend."""
    from rhetorica.store.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

        return SQLiteCorpusStore(store)
    from rhetorica.store.postgres import PostgresStore

    if isinstance(store, PostgresStore):
        from rhetorica.store.postgres_corpus import PostgresCorpusStore

        return PostgresCorpusStore(store)
    raise TypeError(f"no evidence corpus for a {type(store).__name__}")


def open_corpus_store(url: str | None = None) -> CorpusStore:
    from rhetorica.store import open_store

    return corpus_store_for(open_store(url))


def vector_matrix(rows: Sequence[Any], sources: Sequence[Any], generation: int) -> VectorMatrix:
    """The in-memory dense index from stored rows (passage_id, dim, vector as float16 bytes,
    published, source), shared by every backend so they search identically."""
    if rows:
        dim = rows[0]["dim"]
        buf = b"".join(bytes(r["vector"]) for r in rows)
        vecs = np.frombuffer(buf, dtype="<f2").reshape(len(rows), dim).astype(np.float32)
    else:
        vecs = np.zeros((0, 1), dtype=np.float32)
    # a document's passages share its date: each distinct date is parsed once
    dates = {d: date_int(d) for d in {r["published"] for r in rows}}
    matrix = VectorMatrix(
        ids=np.fromiter((r["passage_id"] for r in rows), dtype=np.int64, count=len(rows)),
        vectors=vecs,
        published=np.fromiter((dates[r["published"]] for r in rows), dtype=np.int32,
                              count=len(rows)),
        source=np.fromiter((r["source"] for r in rows), dtype=np.int32, count=len(rows)),
        source_ids={r["name"]: int(r["id"]) for r in sources},
        generation=generation)
    if len(rows) > COARSE_MIN_ROWS and vecs.shape[1] > COARSE_DIMS:
        coarse = np.ascontiguousarray(vecs[:, :COARSE_DIMS])
        coarse /= np.maximum(np.linalg.norm(coarse, axis=1, keepdims=True), 1e-6)
        matrix.coarse = coarse
    return matrix
