"""The store interface every backend implements (SQLite by default, PostgreSQL for servers).

Backends are chosen by URL: a plain path or ``sqlite:///path`` opens SQLite, a
``postgresql://`` URL opens PostgreSQL. Writes are transactional and idempotent: saving
the same statement twice keeps one document (identity: text, speaker, date) and replaces
its analysis for that pipeline.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rhetorica.document import Document
from rhetorica.ingest.errors import InputError

# A key prefix must be this long to name a row: shorter ones would match too many by chance.
KEY_PREFIX_MIN = 8
_HEX = re.compile(r"[0-9a-f]+")


class StoreError(RuntimeError):
    """The store cannot do what was asked (locked, read-only, full, wrong schema)."""


class AmbiguousRef(InputError):
    """A key prefix that names several rows: refused, never guessed (the CLI exits 2, the
    web API answers 400)."""

    def __init__(self, ref: str, count: int, what: str = "stored statements") -> None:
        super().__init__(str(ref), f"matches {count} {what}; give more of the key, or the "
                                   "numeric id")


def parse_ref(ref: int | str) -> tuple[str, Any]:
    """What a user's ref means, never a pattern: ``("id", n)`` for digits, ``("prefix",
    hex)`` for 8+ hex characters (keys are SHA-256 hex, so a prefix holds no SQL wildcard),
    else ``("key", ref)``, matched whole."""
    if isinstance(ref, int):
        return ("id", ref) if -(2**63) <= ref < 2**63 else ("key", str(ref))
    text = str(ref).strip()
    if text.isascii() and text.isdigit() and int(text) < 2**63:  # a 64-bit row id
        return "id", int(text)
    low = text.lower()
    if len(low) >= KEY_PREFIX_MIN and _HEX.fullmatch(low):
        return "prefix", low
    return "key", text


def ref_where(ref: int | str, placeholder: str = "?", alias: str = "") -> tuple[str, tuple]:
    """SQL condition and parameters for a ref (see :func:`parse_ref`): an id, a hex key
    prefix (no wildcard can reach LIKE) or a whole key; ``placeholder`` is "?" for SQLite,
    "%s" for PostgreSQL; ``alias`` prefixes the columns ("d.")."""
    kind, value = parse_ref(ref)
    if kind == "id":
        return f"{alias}id = {placeholder}", (value,)
    if kind == "prefix":
        return f"{alias}key LIKE {placeholder}", (f"{value}%",)
    return f"{alias}key = {placeholder}", (value,)


def resolve_ref(conn: Any, table: str, ref: int | str, placeholder: str = "?",
                what: str = "stored statements") -> int | None:
    """The id of the one row of ``table`` that ``ref`` names, None when none does;
    :class:`AmbiguousRef` when a key prefix names several. Inside a transaction (``conn``)."""
    return resolve_ref_with(lambda sql, args: conn.execute(sql, args).fetchall(), table, ref,
                            placeholder, what)


def resolve_ref_with(query: Any, table: str, ref: int | str, placeholder: str = "?",
                     what: str = "stored statements") -> int | None:
    """:func:`resolve_ref` through any ``query(sql, args) -> rows``: a plain read (a
    store's ``query``) needs no write transaction."""
    where, args = ref_where(ref, placeholder)
    rows = query(f"SELECT id FROM {table} WHERE {where} LIMIT 2", args)
    if len(rows) > 1:
        n = query(f"SELECT count(*) AS n FROM {table} WHERE {where}", args)[0]["n"]
        raise AmbiguousRef(str(ref), int(n), what)
    return int(rows[0]["id"]) if rows else None


def check_schema(url: str, found: int, known: int) -> None:
    """Refuse a database written by a newer Rhetorica: its tables may mean something this
    version does not know, and writing to it could damage it."""
    if found > known:
        raise StoreError(f"{url}: was written by a newer version of Rhetorica (schema {found}; "
                         f"this version knows up to {known}); upgrade Rhetorica to open it")


@dataclass(frozen=True)
class SaveResult:
    document_id: int
    key: str
    created: bool  # False when the document was already stored


@dataclass
class DocumentRow:
    id: int
    key: str
    speaker: str | None
    date: str | None
    source: str | None
    title: str | None
    preview: str
    intensity: float | None = None
    # search results only: the matching words in context, each match between the control
    # characters MATCH_START and MATCH_END (never in stored text), for the page to mark
    snippet: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


MATCH_START, MATCH_END = "\x02", "\x03"


MIN_REPORTED_WORDS = 8


class Store(ABC):
    url: str
    placeholder = "?"  # the query parameter marker of its backend ("%s" for PostgreSQL)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def save_many(self, docs: Iterable[Document], version: str = "") -> list[SaveResult]:
        """Save documents and their analyses in ONE transaction: all or nothing."""

    def save(self, doc: Document, version: str = "") -> SaveResult:
        return self.save_many([doc], version)[0]

    @abstractmethod
    def get(self, ref: int | str) -> Document | None:
        """By numeric id or content key; with the latest analysis' spans and results."""

    @abstractmethod
    def list_documents(
        self,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[DocumentRow]: ...

    @abstractmethod
    def search(self, query: str, limit: int = 20) -> list[DocumentRow]:
        """Full-text search over stored statements, best first."""

    @abstractmethod
    def speakers(self) -> list[tuple[str, int]]: ...

    def speaker_history(self, speaker: str) -> list[dict[str, Any]]:
        """Per stored statement of the speaker: id, date, intensity and tone results, by date.

        The speaker's own statements, and what other stored documents quote them saying
        (their voice row in ``results["voices"]``), each marked ``reported_by``: the
        document's speaker, else its source, else "the author"). A quote of fewer than
        :data:`MIN_REPORTED_WORDS` words says too little to measure a tone by."""
        rows = [dict(r, reported_by=None) for r in self._own_history(speaker)]
        key = speaker.casefold()
        for d in self._quoting_documents(speaker):
            if (d.get("speaker") or "").casefold() == key:
                continue  # the speaker quoting themselves: already counted as their own
            for v in (d.get("results") or {}).get("voices") or []:
                if str(v.get("voice") or "").casefold() != key or v.get("voice") == "author" \
                        or int(v.get("words") or 0) < MIN_REPORTED_WORDS:
                    continue
                rows.append({"id": d["id"], "date": d.get("date"),
                             "intensity": v.get("intensity"),
                             "tone": {"techniques_per_100_words":
                                      v.get("techniques_per_100_words") or {}},
                             "reported_by": d.get("speaker") or d.get("source")
                             or "the author"})
        rows.sort(key=lambda r: (r.get("date") or "", r["id"]))
        return rows

    @abstractmethod
    def _own_history(self, speaker: str) -> list[dict[str, Any]]:
        """The speaker's own statements: id, date, intensity, tone (by date)."""

    @abstractmethod
    def _quoting_documents(self, speaker: str) -> list[dict[str, Any]]:
        """Documents whose latest analysis may quote ``speaker`` (a prefilter; may return
        more): id, date, source, speaker, results."""

    @abstractmethod
    def delete(self, ref: int | str) -> bool: ...

    @abstractmethod
    def replace_analysis(self, doc: Document, document_id: int, version: str = "") -> bool:
        """Replace the analysis of stored statement ``document_id`` with ``doc``'s, in one
        transaction, only while that statement is still stored under ``doc``'s content key.

        For writers that read a statement and come back later (a verification job): False,
        and nothing written, when it was deleted meanwhile, so a delete always wins over a
        late job and never sees the statement come back (nor lands on a new statement that
        reused the id)."""

    @abstractmethod
    def stats(self) -> dict[str, Any]: ...


def open_store(url: str | None = None) -> Store:
    from rhetorica import registry
    from rhetorica.config import default_db

    url = url or default_db()
    if url.startswith(("postgresql://", "postgres://")):
        return registry.stores.get("postgresql")(url)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    return registry.stores.get("sqlite")(url)
