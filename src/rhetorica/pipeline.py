"""A pipeline is an ordered list of named components run over Documents.

Components are callables ``Document -> Document``; those that gain from batching (spaCy)
also offer ``pipe(Iterable[Document]) -> Iterator[Document]``. The pipeline streams, so
memory stays bounded by the batch size however long the input is.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rhetorica import registry
from rhetorica.config import Settings
from rhetorica.document import Document

Component = Callable[[Document], Document]


class Pipeline:
    def __init__(self, names: Iterable[str] | None = None, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.names = list(names or self.settings.pipeline)
        self.components: list[tuple[str, Any]] = [
            (name, registry.components.get(name)(self.settings)) for name in self.names
        ]

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document], batch_size: int | None = None) -> Iterator[Document]:
        size = batch_size or self.settings.batch_size
        it = iter(docs)
        while batch := list(itertools.islice(it, size)):
            for _name, comp in self.components:
                pipe = getattr(comp, "pipe", None)
                batch = list(pipe(batch)) if pipe else [comp(d) for d in batch]
            for doc in batch:
                doc.results["pipeline"] = self.names
                doc.parsed = None  # free the parse: callers keep only spans and results
                yield doc


def analyze_text(text: str, settings: Settings | None = None, **meta: Any) -> Document:
    """Convenience for library users: one text in, one analysed Document out."""
    from rhetorica.document import DocumentMeta

    return Pipeline(settings=settings)(Document(text, DocumentMeta(**meta)))
