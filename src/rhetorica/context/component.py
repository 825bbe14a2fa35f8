"""The ``context`` component: the closest historical precedents, with the reasons.

Runs after ``actors`` so shared actors and offices count. A statement about taxes should
not be told it resembles Little Rock, so a precedent is only reported when it clears
``MIN_SCORE`` *and* shares something concrete (a legal basis, a theme or an actor) beyond
wording alone.
"""

from __future__ import annotations

from rhetorica.config import Settings
from rhetorica.context.precedents import PrecedentIndex, default_index
from rhetorica.document import Document

MIN_SCORE = 0.25
TOP_K = 3


def closest(index: PrecedentIndex, doc: Document, k: int = TOP_K,
            min_score: float = MIN_SCORE) -> dict:
    actors = (doc.results.get("actors") or {}).get("actors") or []
    matches = index.score(doc.text, actors, doc.meta.date)
    kept = [m for m in matches
            if m.score >= min_score and (m.parts["legal"] > 0 or m.parts["themes"] > 0
                                         or m.parts["actors"] > 0.3)][:k]
    return {"embedder": index.embedder.name, "considered": len(matches),
            "min_score": min_score, "precedents": [m.to_dict() for m in kept]}


class Context:
    name = "context"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.index = default_index()

    def __call__(self, doc: Document) -> Document:
        doc.results["context"] = closest(self.index, doc)
        return doc


def make_context(settings: Settings) -> Context:
    return Context(settings)
