"""Splitting corpus documents into passages of one to three sentences.

A claim is checked against *passages*, not whole articles: a passage is small enough that
its stance towards the claim is one thing, and large enough to carry the sentence before
or after that gives it context. Offsets point into the stored document text, so a cited
passage can always be shown in place.

The splitter is a regular expression, not spaCy: indexing must run at thousands of
passages a second on two cores, and sentence boundaries in edited news prose are regular.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st",
    "jr", "sr", "inc", "ltd", "co", "corp", "vs", "etc", "e.g", "i.e", "no", "fig", "u.s",
    "u.k", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
# A sentence ends at terminal punctuation before a capital, at a blank line, or at a line break
# after a line that ends without punctuation or lowercase (a heading: "Traffic rose in 2024").
_BOUNDARY = re.compile(
    r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|(?<=[A-Z0-9%])[ \t]*\n(?=[A-Z\"“])")


_LAST_WORD = re.compile(r"([\w.]+)$")


@dataclass(frozen=True, slots=True)
class Passage:
    start: int
    end: int
    text: str


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, stripped of surrounding whitespace."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()  # trailing whitespace of a line-break boundary is stripped by _add
        if m.group()[0] == ".":
            # Only the word before the stop matters: look at a short tail, not the whole span.
            word = _LAST_WORD.search(text, max(pos, m.start() - 12), m.start())
            if word and (word.group(1).lower().rstrip(".") in _ABBREV
                         or re.fullmatch(r"[A-Z]", word.group(1))):
                continue  # "Dr. Smith", "J. Doe"
        _add(text, pos, end, bounds)
        pos = m.end()
    _add(text, pos, len(text), bounds)
    return bounds


def _add(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


_HEADING_END = re.compile(r"[.!?…:;\"'”’)]$")


def is_heading(sentence: str) -> bool:
    """A headline or section heading: short, on its own line, no closing punctuation."""
    return len(sentence) <= 120 and len(sentence.split()) <= 16 \
        and not _HEADING_END.search(sentence)


_DATELINE = re.compile(
    r"^\s*([A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][A-Za-z.]+)?)"  # RIVERTON / SAN JOSE, Calif.
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"                 # , Jan. 14
    r"(?:\s*\([^)]{1,40}\))?\s*[—–-]{1,2}\s")                  # (Agency) —


def dateline(text: str) -> str | None:
    """The dateline that opens a news article ("RIVERTON, Jan. 14 —"), without the dash."""
    m = _DATELINE.match(text)
    return m.group(0).strip().rstrip("—–-").strip() if m else None


def dateline_length(text: str) -> int:
    """Characters of the dateline (with its dash and space) that opens ``text``; 0 if none."""
    m = _DATELINE.match(text)
    return m.end() if m else 0


def passage_context(passage: str, title: str | None, lead: str | None) -> str:
    """What a reader of the passage knows from its article: the title and the dateline.

    The stance model reads ``context + passage``, so "the city" in a passage is Riverton when
    the article is datelined RIVERTON; nothing is added that the passage already says.
    """
    parts = []
    if title and title.strip() and title.strip().lower() not in passage.lower():
        parts.append(title.strip().rstrip(".") + ".")
    where = dateline(lead or "")
    if where and where.lower() not in passage.lower():
        parts.append(f"({where})")
    return " ".join(parts)


def _open_quote(chunk: str) -> bool:
    """The chunk ends inside a quotation: an odd number of straight double quotes, or more
    opening than closing curly ones."""
    return chunk.count('"') % 2 == 1 or chunk.count("“") > chunk.count("”")


def split_passages(text: str, max_sentences: int = 3, max_chars: int = 400,
                   min_chars: int = 20) -> list[Passage]:
    """Group consecutive sentences into passages of at most ``max_sentences`` / ``max_chars``.

    A paragraph break always ends a passage, except after a *heading* (a short line without
    closing punctuation, such as the headline): a heading is never a passage alone, it opens
    the passage that follows it, so "Rapids win in extra time" is indexed together with the
    sports report it heads and cannot pass for a claim about anything else. A sentence longer
    than ``max_chars`` becomes a passage by itself (cut at a word boundary near
    ``2 * max_chars`` so FTS rows stay small). Fragments shorter than ``min_chars`` are merged
    into their neighbour when possible. A passage that would end inside a quotation goes on
    to the quotation's end (up to ``2 * max_chars``), so the quoted words keep their speaker.
    """
    sents = sentence_bounds(text)
    out: list[Passage] = []
    cur: list[tuple[int, int]] = []

    def flush() -> None:
        if cur:
            s, e = cur[0][0], cur[-1][1]
            out.append(Passage(s, e, text[s:e]))
            cur.clear()

    for s, e in sents:
        while e - s > 2 * max_chars:  # run-on text without punctuation
            cut = text.rfind(" ", s, s + 2 * max_chars)
            cut = cut if cut > s else s + 2 * max_chars
            flush()
            cur.append((s, cut))
            flush()
            s = cut
            while s < e and text[s].isspace():
                s += 1
        paragraph_break = bool(cur) and "\n" in text[cur[-1][1]:s] \
            and not all(is_heading(text[a:b]) for a, b in cur)
        full = bool(cur) and (len(cur) >= max_sentences or e - cur[0][0] > max_chars)
        if full and _open_quote(text[cur[0][0]:cur[-1][1]]) and e - cur[0][0] <= 2 * max_chars:
            full = False  # a quotation stays with its speaker ("... not under siege. ..."
            #               the mayor said), or the passage loses who said it
        if paragraph_break or (full and cur[-1][1] - cur[0][0] >= min_chars):
            flush()
        cur.append((s, e))
    flush()
    return out
