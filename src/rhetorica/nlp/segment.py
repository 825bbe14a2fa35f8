"""The ``segment`` component: sentence spans from the parser, trimmed of surrounding space.

A post often has one sentence per line without final punctuation; the dependency parser
usually gets that right, and we also split at blank lines so list items never merge.
"""

from __future__ import annotations

from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.nlp.parse import ensure_parsed

LAYER = "sentence"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class Segmenter:
    name = "segment"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, doc: Document) -> Document:
        parsed = ensure_parsed(doc, self.settings)
        doc.remove_layer(LAYER)
        text = doc.text
        for sent in parsed.sents:
            start, end = sent.start_char, sent.end_char
            # Split on blank lines inside a parser sentence (paragraph breaks).
            pieces, cursor = [], start
            idx = text.find("\n\n", start, end)
            while idx != -1:
                pieces.append((cursor, idx))
                cursor = idx + 2
                idx = text.find("\n\n", cursor, end)
            pieces.append((cursor, end))
            for a, b in pieces:
                a, b = _trimmed(text, a, b)
                if b > a:
                    doc.add_span(a, b, "sentence", layer=LAYER, source=self.name)
        return doc


def make_segmenter(settings: Settings) -> Segmenter:
    return Segmenter(settings)
