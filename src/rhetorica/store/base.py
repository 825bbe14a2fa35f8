"""The store interface every backend implements (SQLite by default, PostgreSQL for servers).

Backends are chosen by URL: a plain path or ``sqlite:///path`` opens SQLite, a
``postgresql://`` URL opens PostgreSQL. Writes are transactional and idempotent: saving
the same statement twice keeps one document (identity: text, speaker, date) and replaces
its analysis for that pipeline.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rhetorica.document import Document


class StoreError(RuntimeError):
    """The store cannot do what was asked (locked, read-only, full, wrong schema)."""


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
    extra: dict[str, Any] = field(default_factory=dict)


class Store(ABC):
    url: str

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

    @abstractmethod
    def speaker_history(self, speaker: str) -> list[dict[str, Any]]:
        """Per stored statement of the speaker: id, date, intensity and tone results, by date."""

    @abstractmethod
    def delete(self, ref: int | str) -> bool: ...

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
