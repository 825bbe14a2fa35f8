"""Cheap, explainable features for the trained rhetoric model.

Why not spaCy tokens? Training on 300 news articles and scoring hundreds of sentences a
second on two cores both need a tokenizer that costs microseconds; a regex does, and it is
the same at training and at run time, so offsets and features never drift. Every feature
is a readable string ("w=invasion", "lex=war_frame", "rep=3+"), which is what lets the
component name its strongest cues instead of pointing at an opaque vector.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rhetorica.rhetoric.lexicon import load_lexicon

TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Tok:
    start: int
    end: int
    text: str
    lower: str


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Tok]:
    end = len(text) if end is None else end
    return [Tok(m.start(), m.end(), m.group(), m.group().lower())
            for m in TOKEN.finditer(text, start, end)]


@dataclass(frozen=True)
class LexIndex:
    words: dict[str, tuple[str, ...]]  # word -> lexicon labels
    phrases: dict[tuple[str, ...], tuple[str, ...]]  # token tuple -> labels
    max_len: int


@lru_cache(maxsize=1)
def lex_index() -> LexIndex:
    """The lexicon as plain lookup tables (no spaCy), so the model sees the same cues."""
    lex = load_lexicon()
    words: dict[str, set[str]] = {}
    phrases: dict[tuple[str, ...], set[str]] = {}
    for label, terms in lex.words.items():
        for t in terms:
            words.setdefault(t, set()).add(label)
    for label, terms in lex.phrases.items():
        for t in terms:
            toks = tuple(x.lower for x in tokenize(t))
            if toks:
                phrases.setdefault(toks, set()).add(label)
    return LexIndex({k: tuple(sorted(v)) for k, v in words.items()},
                    {k: tuple(sorted(v)) for k, v in phrases.items()},
                    max((len(k) for k in phrases), default=1))


def _word_labels(lower: str, idx: LexIndex) -> tuple[str, ...]:
    hit = idx.words.get(lower)
    if hit is None and len(lower) > 4 and lower.endswith("s"):
        hit = idx.words.get(lower[:-1])
    return hit or ()


def lexicon_hits(toks: Sequence[Tok]) -> list[set[str]]:
    """For each token, the lexicon labels of any word or phrase covering it."""
    idx = lex_index()
    out: list[set[str]] = [set(_word_labels(t.lower, idx)) for t in toks]
    lowers = [t.lower for t in toks]
    for i in range(len(toks)):
        for n in range(2, min(idx.max_len, len(toks) - i) + 1):
            labels = idx.phrases.get(tuple(lowers[i:i + n]))
            if labels:
                for j in range(i, i + n):
                    out[j].update(labels)
    return out


def _shape(text: str) -> str:
    if text.isupper() and len(text) > 1:
        return "UPPER"
    if text[:1].isupper():
        return "Cap"
    if text.isdigit():
        return "d"
    if not text[:1].isalnum():
        return "p"
    return "x"


def _bucket(n: int, edges: Sequence[int]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f"{edges[-1]}+"


# -- span identification: one feature list per token -------------------------------------
def token_features(toks: Sequence[Tok], hits: Sequence[set[str]]) -> list[list[str]]:
    """Token-in-propaganda features: the word, its neighbours, lexicon cues nearby and
    sentence-level signals (a sentence with loaded words tends to be marked as a whole)."""
    n = len(toks)
    low = [t.lower for t in toks]
    sent_lex = sorted({label for h in hits for label in h})
    sent_feats = [f"slex={label}" for label in sent_lex]
    sent_feats.append(f"slen={_bucket(n, (5, 10, 20, 35, 60))}")
    sent_feats.append(f"nlex={_bucket(sum(bool(h) for h in hits), (0, 1, 2, 4))}")
    quote_state = False
    feats: list[list[str]] = []
    for i, t in enumerate(toks):
        if t.text in {'"', "“", "”"}:
            quote_state = not quote_state
        prev1 = low[i - 1] if i >= 1 else "<s>"
        prev2 = low[i - 2] if i >= 2 else "<s>"
        next1 = low[i + 1] if i + 1 < n else "</s>"
        next2 = low[i + 2] if i + 2 < n else "</s>"
        f = [
            "bias",
            f"w={low[i]}",
            f"w-1={prev1}",
            f"w+1={next1}",
            f"w-2={prev2}",
            f"w+2={next2}",
            f"b-={prev1}|{low[i]}",
            f"b+={low[i]}|{next1}",
            f"shape={_shape(t.text)}",
            f"suf={low[i][-3:]}",
            f"pos={_bucket(i, (0, 2, 5, 10, 20))}",
            f"rpos={_bucket(n - 1 - i, (0, 2, 5, 10, 20))}",
        ]
        if quote_state:
            f.append("inquote")
        for label in hits[i]:
            f.append(f"lex={label}")
        for j in (i - 2, i - 1, i + 1, i + 2):
            if 0 <= j < n:
                for label in hits[j]:
                    f.append(f"lexnear={label}")
        f.extend(sent_feats)
        feats.append(f)
    return feats


# -- technique classification: one feature list per span ----------------------------------
def span_features(text: str, start: int, end: int, repeats: int,
                  sent: tuple[int, int] | None = None) -> list[str]:
    """What a reader uses to name the technique: the words, their length, the words just
    around them, lexicon cues, and how often the same words recur in the text."""
    toks = tokenize(text, start, end)
    low = [t.lower for t in toks]
    f = ["bias", f"len={_bucket(len(toks), (1, 2, 3, 5, 8, 13, 21, 34))}",
         f"rep={_bucket(repeats, (1, 2, 3, 5))}"]
    f += [f"u={w}" for w in set(low)]
    f += [f"b={a}|{b}" for a, b in itertools.pairwise(low)]
    if low:
        f += [f"first={low[0]}", f"last={low[-1]}"]
    frag = " ".join(low)
    if len(frag) <= 60:
        f += [f"c={frag[k:k + 4]}" for k in range(max(1, len(frag) - 3))]
    left = tokenize(text, max(0, start - 60), start)[-3:]
    right = tokenize(text, end, min(len(text), end + 60))[:3]
    f += [f"l={t.lower}" for t in left] + [f"r={t.lower}" for t in right]
    for labels in lexicon_hits(toks):
        f += [f"lex={label}" for label in labels]
    if any(t.text in {"!", "?"} for t in toks):
        f.append("punct=" + "".join(sorted({t.text for t in toks if t.text in "!?"})))
    if toks and sum(t.text.isupper() and len(t.text) > 1 for t in toks) >= 1:
        f.append("caps")
    if text[max(0, start - 1):start] in {'"', "“", "'"} or text[end:end + 1] in {'"', "”", "'"}:
        f.append("quoted")
    if sent is not None:
        s0, s1 = sent
        cover = (end - start) / max(1, s1 - s0)
        f.append(f"cover={_bucket(int(cover * 10), (1, 3, 6, 9))}")
        if start <= s0 + 1:
            f.append("sent_start")
    return f


def count_repeats(text_lower: str, start: int, end: int, original: str) -> int:
    frag = original[start:end].lower().strip()
    if len(frag) < 3:
        return 1
    return max(1, text_lower.count(frag))
