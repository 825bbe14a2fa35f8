"""A pipeline is an ordered list of named components run over Documents.

Components are callables ``Document -> Document``; those that gain from batching (spaCy)
also offer ``pipe(Iterable[Document]) -> Iterator[Document]``. The pipeline streams, so
memory stays bounded by the batch size however long the input is. With ``n_process > 1`` the
batches are spread over forked worker processes that share the already-loaded models
(copy-on-write), and results come back in input order.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from rhetorica import registry
from rhetorica.config import Settings
from rhetorica.document import Document

Component = Callable[[Document], Document]


class Pipeline:
    def __init__(self, names: Iterable[str] | None = None, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.names = list(names or self.settings.pipeline)
        from functools import partial

        from rhetorica.models import preload

        # the components' ONNX models open in the background while spaCy loads
        preload([partial(registry.warmers.get(n), self.settings)
                 for n in self.names if n in registry.warmers])
        self.components: list[tuple[str, Any]] = [
            (name, registry.components.get(name)(self.settings)) for name in self.names
        ]

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document], batch_size: int | None = None,
             n_process: int = 1) -> Iterator[Document]:
        size = batch_size or self.settings.batch_size
        batches = _batches(docs, size)
        if n_process > 1 and "fork" in multiprocessing.get_all_start_methods():
            for batch in self._pipe_forked(batches, n_process):
                yield from batch
            return
        for batch in batches:
            yield from self.run_batch(batch)

    def run_batch(self, batch: list[Document]) -> list[Document]:
        for _name, comp in self.components:
            pipe = getattr(comp, "pipe", None)
            batch = list(pipe(batch)) if pipe else [comp(d) for d in batch]
        for doc in batch:
            doc.results["pipeline"] = self.names
            doc.parsed = None  # free the parse: callers keep only spans and results
        return batch

    def _pipe_forked(self, batches: Iterator[list[Document]], n_process: int
                     ) -> Iterator[list[Document]]:
        """Ordered, with at most two batches per worker in flight so memory stays bounded."""
        global _FORKED
        _FORKED = self
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(n_process, mp_context=ctx) as pool:
            pending: list[Future[list[Document]]] = []
            for batch in batches:
                pending.append(pool.submit(_run_forked, batch))
                if len(pending) >= 2 * n_process:
                    yield pending.pop(0).result()
            for fut in pending:
                yield fut.result()


_FORKED: Pipeline | None = None


def _run_forked(batch: list[Document]) -> list[Document]:
    assert _FORKED is not None
    return _FORKED.run_batch(batch)


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while batch := list(itertools.islice(it, size)):
        yield batch


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform says)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores or 1


def default_processes(n_docs: int, min_docs_per_process: int = 200) -> int:
    """Use more cores only when there is enough work to repay starting the workers."""
    return max(1, min(usable_cores(), n_docs // min_docs_per_process))


def analyze_text(text: str, settings: Settings | None = None, **meta: Any) -> Document:
    """Convenience for library users: one text in, one analysed Document out."""
    from rhetorica.document import DocumentMeta

    return Pipeline(settings=settings)(Document(text, DocumentMeta(**meta)))
