"""The ``parse`` component: runs spaCy once and leaves the parse on ``doc.parsed``.

Every later component reads tokens, lemmas, sentences and entities from that one parse
instead of re-parsing, and spaCy's ``pipe`` batches the work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.nlp.spacy_model import load_spacy

# spaCy's peak working memory grows with the length of ONE text (3.1 GB for a 1 MB text);
# parsing long texts in pieces bounds it: 1 MB then peaks at about 450 MB (bench/bench_memory.py).
CHUNK_CHARS = 20_000


def _pieces(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """Consecutive pieces that join back to exactly ``text``, cut after a newline or a full
    stop where one is near, so a sentence is rarely split."""
    i = 0
    while i < len(text):
        j = min(len(text), i + size)
        if j < len(text):
            k = text.rfind("\n", i + size // 2, j)
            if k < 0:
                k = text.rfind(". ", i + size // 2, j)
            if k >= 0:
                j = k + 2
        yield text[i:j]
        i = j


def parse_long(nlp: object, text: str) -> object:
    """Parse a long text piece by piece, one piece in memory at a time, then join the pieces
    into one spaCy Doc whose text and character offsets are those of ``text``."""
    from spacy.tokens import Doc

    if len(text) <= CHUNK_CHARS:
        return nlp(text)  # type: ignore[operator]
    joined = Doc.from_docs(list(nlp.pipe(_pieces(text), batch_size=1)),  # type: ignore[attr-defined]
                           ensure_whitespace=False)
    return joined if joined.text == text else nlp(text)  # type: ignore[operator]


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
        short = [d for d in need if len(d.text) <= CHUNK_CHARS]
        for doc, parsed in zip(
            short, self.nlp.pipe((d.text for d in short), batch_size=self.batch_size), strict=True
        ):
            doc.parsed = parsed
        for doc in need:
            if doc.parsed is None:
                doc.parsed = parse_long(self.nlp, doc.text)
        yield from todo


def make_parser(settings: Settings) -> Parser:
    return Parser(settings)


def ensure_parsed(doc: Document, settings: Settings | None = None) -> object:
    """For components used on their own (outside a pipeline)."""
    if doc.parsed is None:
        doc.parsed = parse_long(load_spacy((settings or Settings()).spacy_model), doc.text)
    return doc.parsed
