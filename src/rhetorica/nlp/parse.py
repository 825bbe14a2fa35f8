"""The ``parse`` component: runs spaCy once and leaves the parse on ``doc.parsed``.

Every later component reads tokens, lemmas, sentences and entities from that one parse
instead of re-parsing, and spaCy's ``pipe`` batches the work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.nlp.spacy_model import load_spacy


class Parser:
    name = "parse"

    def __init__(self, settings: Settings) -> None:
        self.nlp = load_spacy(settings.spacy_model)
        self.batch_size = settings.batch_size

    def __call__(self, doc: Document) -> Document:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        todo = [d for d in docs]
        need = [d for d in todo if d.parsed is None]
        for doc, parsed in zip(
            need, self.nlp.pipe((d.text for d in need), batch_size=self.batch_size), strict=True
        ):
            doc.parsed = parsed
        yield from todo


def make_parser(settings: Settings) -> Parser:
    return Parser(settings)


def ensure_parsed(doc: Document, settings: Settings | None = None) -> object:
    """For components used on their own (outside a pipeline)."""
    if doc.parsed is None:
        doc.parsed = load_spacy((settings or Settings()).spacy_model)(doc.text)
    return doc.parsed
