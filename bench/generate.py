"""Deterministic synthetic statements for benchmarks (written from templates, seeded)."""

from __future__ import annotations

import random

SUBJECTS = ["The mayor", "The governor", "Federal agents", "The city council", "Police",
            "The Department of Homeland Security", "Residents", "The President", "Protesters"]
VERBS = ["announced", "said", "reported", "denied", "confirmed", "ordered", "rejected"]
OBJECTS = ["a new curfew", "the deployment of 300 National Guard troops", "a lawsuit",
           "a 12% rise in arrests", "plans for a new bridge", "the invasion of our streets",
           "a total disaster in the downtown area", "talks with community leaders"]
TAILS = ["on Monday.", "last week.", "in Portland.", "after the meeting.", "in a statement.",
         "and called it a war zone!", "as crime rose 40% in 2024.", "without giving details."]


def sentences(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
            for _ in range(n)]


def posts(n: int, sentences_per_post: int = 3, seed: int = 0) -> list[str]:
    sents = sentences(n * sentences_per_post, seed)
    return [" ".join(sents[i:i + sentences_per_post]) for i in range(0, len(sents),
                                                                     sentences_per_post)]
