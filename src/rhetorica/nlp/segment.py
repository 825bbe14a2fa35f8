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


# What the parser may leave alone after a sentence's full stop: a closing quotation mark
# ('... called the compromise "responsible."' ends with '"' split off as a sentence).
_TAIL = set("\"'”’)]»")


def _joined(text: str, sents: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Parser sentences, with one that is only closing quotes or brackets given back to the
    sentence before it."""
    out: list[tuple[int, int]] = []
    for a, b in sents:
        piece = text[a:b].strip()
        if out and piece and set(piece) <= _TAIL and "\n\n" not in text[out[-1][1]:a]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


# Words title case leaves in lower case ("Call for Federal Troops in Chicago").
_TITLE_SMALL_WORDS = frozenset({"a", "an", "the", "and", "but", "or", "nor", "for", "of",
                                "in", "on", "at", "to", "by", "as", "with", "from", "into"})


def on_headline(text: str, pos: int) -> bool:
    """Whether character ``pos`` lies on a headline line: four or more words, at least
    four in five of those beyond short function words capitalised, and no closing
    punctuation ("Trump Orders Crackdown on Protesters", "Governor Rejects Call for Federal
    Troops in Chicago"). Title case hides the verb from the tagger and the parser, so such a
    line yields junk names, speakers and quotes ("Rejects Call")."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start:end if end >= 0 else len(text)].strip()
    words = [w for w in line.split() if w[:1].isalpha()]
    content = [w for w in words if w.lower() not in _TITLE_SMALL_WORDS]
    return len(words) >= 4 and not line.endswith((".", "?", "!", ":")) and bool(content) \
        and sum(w[:1].isupper() for w in content) >= 0.8 * len(content)


class Segmenter:
    name = "segment"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, doc: Document) -> Document:
        parsed = ensure_parsed(doc, self.settings)
        doc.remove_layer(LAYER)
        text = doc.text
        spans: list[tuple[int, int]] = []
        for start, end in _joined(text, [(s.start_char, s.end_char) for s in parsed.sents]):
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
                if b <= a:
                    continue
                if spans and set(text[a:b]) <= _TAIL and not text[spans[-1][1]:a].strip():
                    # 'will be found and removed."' then a blank line: the parser opened
                    # the next sentence with the closing mark
                    spans[-1] = (spans[-1][0], b)
                else:
                    spans.append((a, b))
        for a, b in spans:
            doc.add_span(a, b, "sentence", layer=LAYER, source=self.name)
        return doc


def make_segmenter(settings: Settings) -> Segmenter:
    return Segmenter(settings)
