"""How often each lexicon entry is right, measured on PTC: the lexicon layer's scores.

A lexicon hit used to score a flat 0.80 whatever the word. Now each hit scores the precision
its term showed on the Propaganda Techniques Corpus: of the places where the term fired (with
the name, reporting-verb, negation and heading rules of :mod:`rhetorica.rhetoric.lexicon`
applied), the share that annotators marked as its technique (for frame, dehumanising and
emergency entries, which PTC does not annotate as such, as any technique). A term seen only
a few times leans on its entry's overall precision (additive smoothing), and a term never
seen takes the entry's. ``rhetorica train lexicon`` measures the table on PTC's training side
(never the held-out articles ``eval rhetoric`` scores) and writes
``data/rhetoric/lexicon_precision.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

FILE = "lexicon_precision.json"
PRIOR_WEIGHT = 4.0   # how many hits a term needs before its own record outweighs its entry's
UNMEASURED = 0.5     # an entry PTC never saw fire: a coin toss, said as such
# A term right less than this share of the time over at least NOISE_HITS uses is noise, not
# evidence ("never": 3 of 163 uses on PTC; "always": 0 of 44): it is not shown on its own
# (the span tagger can still mark the phrase around it).
NOISE_PRECISION = 0.10
NOISE_HITS = 20


@dataclass
class PrecisionTable:
    """Per label and per matched term (lower case): ``[inside, hits]`` on PTC."""

    labels: dict[str, list[int]] = field(default_factory=dict)
    terms: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    articles: int = 0

    def label_precision(self, label: str) -> float | None:
        inside, hits = self.labels.get(label, (0, 0))
        return (inside + 1) / (hits + 2) if hits else None

    def score(self, label: str, term: str) -> float:
        prior = self.label_precision(label)
        if prior is None:
            return UNMEASURED
        inside, hits = self.terms.get(label, {}).get(term.lower(), (0, 0))
        return round((inside + PRIOR_WEIGHT * prior) / (hits + PRIOR_WEIGHT), 3)

    def is_noise(self, label: str, term: str) -> bool:
        inside, hits = self.terms.get(label, {}).get(term.lower(), (0, 0))
        return hits >= NOISE_HITS and inside / hits < NOISE_PRECISION

    def describe(self, label: str, term: str) -> str:
        """The score's origin in words, for the span's explanation."""
        prior = self.label_precision(label)
        if prior is None:
            return "not measured on annotated news"
        inside, hits = self.terms.get(label, {}).get(term.lower(), (0, 0))
        if hits:
            said = (f"annotators agreed at {inside} of {hits} such uses in "
                    f"{self.articles} PTC news articles")
            if hits < PRIOR_WEIGHT:
                said += f"; with so few, the entry's overall {prior:.0%} weighs in"
            return said
        return f"this entry was right {prior:.0%} of the time on PTC news"

    def to_json(self) -> dict[str, Any]:
        return {"articles": self.articles, "prior_weight": PRIOR_WEIGHT,
                "labels": self.labels, "terms": self.terms}


def measure(articles: Sequence[Any], ptc_of: dict[str, str | None]) -> PrecisionTable:
    """Run the lexicon layer (unscored) over PTC ``articles`` and count, per label and
    term, the hits that overlap an annotated span of the entry's technique (``ptc_of``;
    None: any technique)."""
    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    table = PrecisionTable(articles=len(articles))
    pipe = Pipeline(["parse", "rhetoric"], settings=Settings())
    # Measure every hit, the ones an earlier table called noise included.
    pipe.components[1][1].precision = PrecisionTable()
    for art, doc in zip(articles, pipe.pipe(Document(a.text) for a in articles), strict=True):
        for sp in doc.layer("rhetoric"):
            if sp.source != "rhetoric.lexicon":
                continue
            want = ptc_of.get(sp.label)
            right = any(s < sp.end and sp.start < e and (want is None or t == want)
                        for s, e, t in art.spans)
            term = doc.text[sp.start:sp.end].lower()
            for counts in (table.labels.setdefault(sp.label, [0, 0]),
                           table.terms.setdefault(sp.label, {}).setdefault(term, [0, 0])):
                counts[0] += int(right)
                counts[1] += 1
    return table


def packaged_path() -> Path:
    return Path(str(resources.files("rhetorica.data.rhetoric").joinpath(FILE)))


@lru_cache(maxsize=1)
def load_precision() -> PrecisionTable:
    """The packaged table; an empty one (every hit 'not measured') when it is absent."""
    path = packaged_path()
    if not path.is_file():
        return PrecisionTable()
    raw = json.loads(path.read_text("utf-8"))
    return PrecisionTable(labels=raw.get("labels", {}), terms=raw.get("terms", {}),
                          articles=int(raw.get("articles", 0)))
