"""The ``tone`` component: one intensity figure (0-100) and a valence for the whole text.

Intensity counts how densely the text uses rhetoric (per 100 words, so long and short texts
compare) plus surface heat — exclamation marks, shouting in capitals, intensifiers — and
squashes it onto 0-100. The breakdown per technique is reported too, so two speakers can be
compared on the mix and not only on the total.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Any

from rhetorica import safe_yaml
from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.nlp.parse import ensure_parsed
from rhetorica.voices.component import VoiceIndex

FAMILY_WEIGHT = {"technique": 1.0, "frame": 1.5, "dehumanising": 2.5, "emergency": 1.5,
                 "us_vs_them": 1.5}
SCALE = 8.0  # weighted hits per 100 words at which intensity reaches ~63
# Density is computed as if every text had this many more neutral words: a three-word
# slogan should not score like a 300-word tirade of the same density.
PRIOR_WORDS = 25


@lru_cache(maxsize=1)
def tone_words() -> dict[str, frozenset[str]]:
    text = resources.files("rhetorica.data.rhetoric").joinpath("tone.yaml").read_text("utf-8")
    return {k: frozenset(v) for k, v in safe_yaml.load(text).items()}


DATELINE = re.compile(r"\s*[A-Z][A-Z .,'’-]{2,40}(?:,\s*[A-Z][A-Za-z.]+\s*\d*)?\s*[—–]")


def intensity_from(weighted_per_100: float) -> float:
    return round(100.0 * (1.0 - math.exp(-weighted_per_100 / SCALE)), 1)


# A span at or above this score counts in full; a weaker one in proportion. Lexicon scores
# are measured precisions now (a hit right a fifth of the time on PTC scores about 0.2), so a
# single doubtful hit no longer lifts a plain sentence to 40/100.
FULL_SCORE = 0.5


def _weight(span: Any) -> float:
    return min(1.0, max(0.0, float(span.score)) / FULL_SCORE)


def figures(alpha: list, spans: list, exclaim: int) -> dict:
    """Intensity, valence and the technique mix of one voice: its words (spaCy tokens that
    are alphabetic), its rhetoric spans and its exclamation marks."""
    words = tone_words()
    n = max(1, len(alpha))
    lemmas = [t.lemma_.lower() for t in alpha]
    pos = sum(lemma in words["positive"] for lemma in lemmas)
    neg = sum(lemma in words["negative"] for lemma in lemmas)
    intens = sum(t.lower_ in words["intensifiers"] for t in alpha)
    shouting = sum(1 for t in alpha if len(t.text) > 2 and t.text.isupper())
    by_label = Counter(s.label for s in spans)
    weighted = sum(FAMILY_WEIGHT.get(s.attrs.get("family", "technique"), 1.0) * _weight(s)
                   for s in spans)
    heat = 0.5 * exclaim + 0.5 * shouting + 0.25 * intens
    per_100 = 100.0 * (weighted + heat) / (n + PRIOR_WORDS)
    return {
        "intensity": intensity_from(per_100),
        "valence": round((pos - neg) / math.sqrt(pos + neg + 1), 3),
        "words": len(alpha),
        "per_100_words": round(per_100, 2),
        "techniques_per_100_words": {
            k: round(100.0 * v / n, 2) for k, v in sorted(by_label.items())
        },
        # Same figures by family, so speakers can be compared on *kind* of rhetoric.
        "families_per_100_words": {
            k: round(100.0 * v / n, 2) for k, v in sorted(
                Counter(s.attrs.get("family", "technique") for s in spans).items())
        },
        "signals": {
            "rhetoric_spans": len(spans),
            "exclamations": exclaim,
            "all_caps_words": shouting,
            "intensifiers": intens,
            "positive_words": pos,
            "negative_words": neg,
        },
    }


class Tone:
    """The ``tone`` component: the author's own intensity, and each quoted voice's beside it.

    Quoted words (the ``quote`` layer, when the ``quotes`` component ran) belong to their
    speaker, scare-quoted words to nobody; a rhetoric span the ``voices`` component marked
    ``negated`` ("is *not* occupied") is a mention and does not count. ``results["tone"]``
    is the author's figure (the headline), ``results["voices"]`` one row per voice.
    """

    name = "tone"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, doc: Document) -> Document:
        parsed = ensure_parsed(doc, self.settings)
        index = VoiceIndex(doc)
        quotes, voice = index.quotes, index.voice

        # "LOS ANGELES —" is a dateline, not shouting
        m = DATELINE.match(doc.text)
        skip = m.end() if m else 0
        alpha: dict[str, list] = {}
        for t in parsed:
            if t.is_alpha and t.idx >= skip:
                alpha.setdefault(voice(t.idx, t.idx + len(t.text)), []).append(t)
        spans: dict[str, list] = {}
        for sp in doc.layer("rhetoric"):
            if sp.attrs.get("polarity") == "negated":
                continue  # "is not occupied": the frame is denied, not used
            spans.setdefault(sp.attrs.get("voice") or voice(sp.start, sp.end), []).append(sp)
        bangs: Counter[str] = Counter(voice(i, i + 1) for i, ch in enumerate(doc.text)
                                      if ch == "!")
        author = figures(alpha.get("author", []), spans.get("author", []), bangs["author"])
        if quotes:
            author["voice"] = "author"
            author["quoted_words_excluded"] = sum(len(v) for k, v in alpha.items()
                                                  if k != "author")
        doc.results["tone"] = author
        rows = []
        ids = {q.attrs.get("speaker"): q.attrs.get("speaker_id") for q in quotes}
        for name in ["author", *sorted(k for k in alpha if k not in ("author", "mention"))]:
            f = author if name == "author" else figures(alpha.get(name, []),
                                                        spans.get(name, []), bangs[name])
            rows.append({"voice": name, "speaker_id": ids.get(name), "words": f["words"],
                         "intensity": f["intensity"], "valence": f["valence"],
                         "rhetoric_spans": f["signals"]["rhetoric_spans"],
                         "techniques_per_100_words": f["techniques_per_100_words"]})
        if quotes:
            doc.results["voices"] = rows
        return doc


def make_tone(settings: Settings) -> Tone:
    return Tone(settings)
