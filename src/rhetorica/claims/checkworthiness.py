"""The ``claims`` component: a check-worthiness score (0-1) for every sentence.

This first scorer is transparent cue counting — numbers, named entities, reported
actions, comparisons push the score up; questions, first-person opinion and hedges push it
down — so every score comes with the cues that made it. A trained model can replace it
under the same name and layer.
"""

from __future__ import annotations

import math

from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.nlp.language import is_english
from rhetorica.nlp.parse import ensure_parsed

LAYER = "claim"

OPINION_LEMMAS = {
    "think", "believe", "feel", "hope", "wish", "love", "hate", "want", "should", "must",
    "shall", "deserve", "need",
}
HEDGES = {"maybe", "perhaps", "probably", "possibly", "might", "may"}
COMPARATIVE_TAGS = {"JJR", "JJS", "RBR", "RBS"}
FACT_ENTS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "LAW", "EVENT", "FAC"}
NUM_ENTS = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"}

WEIGHTS = {
    "number": 1.6,
    "named_entity": 0.7,
    "past_or_reported_action": 0.6,
    "comparison": 0.6,
    "opinion": -1.0,
    "hedge": -0.5,
    "question": -1.8,
    "imperative": -0.8,
    "short": -1.2,
}
BIAS = -1.0


def _cues(sent) -> list[str]:
    cues: list[str] = []
    if any(t.like_num for t in sent) or any(e.label_ in NUM_ENTS for e in sent.ents):
        cues.append("number")
    if any(e.label_ in FACT_ENTS for e in sent.ents):
        cues.append("named_entity")
    if any(t.tag_ in {"VBD", "VBN"} for t in sent):
        cues.append("past_or_reported_action")
    if any(t.tag_ in COMPARATIVE_TAGS for t in sent):
        cues.append("comparison")
    if any(t.lemma_.lower() in OPINION_LEMMAS for t in sent):
        cues.append("opinion")
    if any(t.lower_ in HEDGES for t in sent):
        cues.append("hedge")
    if sent.text.rstrip().endswith("?"):
        cues.append("question")
    root = sent.root
    subjects = {"nsubj", "nsubjpass", "expl"}
    if root.tag_ == "VB" and not any(c.dep_ in subjects for c in root.children):
        cues.append("imperative")
    if sum(1 for t in sent if t.is_alpha) < 4:
        cues.append("short")
    return cues


def score_cues(cues: list[str]) -> float:
    z = BIAS + sum(WEIGHTS[c] for c in cues)
    return 1.0 / (1.0 + math.exp(-z))


class CheckWorthiness:
    name = "claims"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, doc: Document) -> Document:
        parsed = ensure_parsed(doc, self.settings)
        doc.remove_layer(LAYER)
        english = is_english(doc)
        for sent in doc.layer("sentence"):
            span = parsed.char_span(sent.start, sent.end, alignment_mode="expand")
            if span is None:
                continue
            cues = _cues(span)
            score = score_cues(cues) * (1.0 if english else 0.3)
            doc.add_span(
                sent.start,
                sent.end,
                "check_worthy" if score >= 0.5 else "not_check_worthy",
                layer=LAYER,
                score=round(score, 4),
                source=self.name,
                explanation="cues: " + (", ".join(cues) if cues else "none"),
                attrs={"cues": cues},
            )
        ranked = sorted(doc.layer(LAYER), key=lambda s: -s.score)
        doc.results["claims"] = {
            "ranking": [{"start": s.start, "end": s.end, "score": s.score} for s in ranked],
            "model": "cue-heuristic-v1",
        }
        return doc


def make_checkworthiness(settings: Settings) -> CheckWorthiness:
    return CheckWorthiness(settings)
