"""The ``claims`` component: a check-worthiness score (0-1) for every sentence, and its type.

The score comes from the trained model (:mod:`rhetorica.claims.model`, trained on
ClaimBuster and CLEF CheckThat! data). The first scorer — transparent cue counting: numbers,
named entities, reported actions, comparisons push the score up; questions, first-person
opinion and hedges push it down — is kept as the documented baseline (``cue-heuristic-v1``,
``make_checkworthiness_heuristic``) and its cues still explain each score.

Each claim also gets ``attrs["type"]`` / ``attrs["types"]`` (quantity, causal, comparison,
characterisation, prediction, policy, quote) and ``attrs["checkable"]``: opinions and
questions assert nothing verifiable, so their score is halved and they rank below claims.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from rhetorica.config import Settings
from rhetorica.document import Document, Span
from rhetorica.ingest.passages import dateline_length
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


def sentence_cues(sent) -> list[str]:
    """The typed cues of a parsed sentence (number, named entity, reported action,
    comparison, opinion...) that the explanation shows and the cue baseline scores."""
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
    """Baseline: the hand-weighted cue scorer (kept for comparison and as a fallback)."""

    name = "claims"
    model_name = "cue-heuristic-v1"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _scores(self, sentences: list[str]) -> list[float] | None:
        """Model scores for sentence texts; None means: use the cue heuristic."""
        return None

    def __call__(self, doc: Document) -> Document:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        docs = list(docs)
        # One model call for the whole batch: vectorising is cheaper in bulk.
        sents = [(d, s) for d in docs for s in d.layer("sentence")]
        scores = self._scores([d.text[s.start:s.end] for d, s in sents])
        by_doc: dict[int, list[float]] = {}
        for n, (d, _s) in enumerate(sents):
            by_doc.setdefault(id(d), []).append(scores[n] if scores is not None else -1.0)
        for doc in docs:
            self._annotate(doc, by_doc.get(id(doc), []))
            yield doc

    def _annotate(self, doc: Document, model_scores: list[float]) -> None:
        from rhetorica.claims.claim_types import classify_tokens

        parsed = ensure_parsed(doc, self.settings)
        doc.remove_layer(LAYER)
        english = is_english(doc)
        threshold = 0.5
        quotes = doc.layer("quote")  # sorted on every call: once per document
        for n, sent in enumerate(doc.layer("sentence")):
            span = parsed.char_span(sent.start, sent.end, alignment_mode="expand")
            if span is None or _only_a_dateline(doc.text[sent.start:sent.end]):
                continue
            cues = sentence_cues(span)
            kind = classify_tokens(span, doc.text[sent.start:sent.end])
            said = _reported_opinion(doc, parsed, quotes, sent.start, sent.end) \
                if kind["checkable"] and quotes else None
            if said is not None:
                kind = said
            raw = model_scores[n] if n < len(model_scores) and model_scores[n] >= 0 \
                else score_cues(cues)
            score = raw * (1.0 if english else 0.3) * (1.0 if kind["checkable"] else 0.5)
            why = "cues: " + (", ".join(c.replace("_", " ") for c in cues) if cues else "none")
            why += f"; type: {kind['type']}"
            if not kind["checkable"]:
                why += " (not checkable)"
            doc.add_span(
                sent.start,
                sent.end,
                "check_worthy" if score >= threshold else "not_check_worthy",
                layer=LAYER,
                score=round(float(score), 4),
                source=self.name,
                explanation=why,
                attrs={"cues": cues, "type": kind["type"], "types": kind["types"],
                       "checkable": kind["checkable"], "model_score": round(float(raw), 4),
                       "type_words": kind["why"]},
            )
        ranked = sorted(doc.layer(LAYER), key=lambda s: -s.score)
        doc.results["claims"] = {
            # the sentence and its label too: a reader of the JSON should not have to cut
            # the text by offsets to see what ranks first
            "ranking": [{"start": s.start, "end": s.end, "score": s.score,
                         "label": s.label, "type": s.attrs["type"],
                         "text": doc.text[s.start:s.end]} for s in ranked],
            "model": self.model_name,
            "threshold": threshold,
        }


def _only_a_dateline(sentence: str) -> bool:
    """A dateline the segmenter set apart ("COLUMBUS, Ohio (AP) —"): where, not a claim."""
    text = sentence.strip()
    return bool(text) and dateline_length(text + " ") >= len(text)


def _reported_opinion(doc: Document, parsed: object, quotes: list[Span], start: int,
                      end: int) -> dict | None:
    """The type of what a reporting sentence reports, when that is an opinion: "Lopez said
    the city should welcome federal help" checks nothing a fact-checker could settle,
    though "said" makes the sentence itself a report of an event."""
    from rhetorica.claims.claim_types import classify_tokens
    from rhetorica.voices.component import reported_in

    found = reported_in(Span(start, end, "claim"), quotes, doc.text, parsed)
    if found is None:
        return None
    words = parsed.char_span(*found[1], alignment_mode="expand")  # type: ignore[attr-defined]
    if words is None:
        return None
    kind = classify_tokens(words)
    if kind["checkable"]:
        return None
    kind["why"] = {**kind["why"], "reported": [doc.text[found[1][0]:found[1][1]][:60]]}
    return kind


class TrainedCheckWorthiness(CheckWorthiness):
    """Scores from the TF-IDF check-worthiness model (the default without the ranker)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        from rhetorica.claims.model import load_default

        self.model = load_default()
        self.model_name = self.model.metrics.get("name", "claims-tfidf-lr")

    def _scores(self, sentences: list[str]) -> list[float]:
        # Centred so that the model's F1-optimal threshold maps to 0.5 (same ranking).
        return [float(x) for x in self.model.centred_proba(sentences)]


class RankedCheckWorthiness(CheckWorthiness):
    """The default when its artefact is installed: scores from the MiniLM ranker, which
    reads the sentence rather than weighing its words (:mod:`rhetorica.claims.ranker`)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        from rhetorica.claims.ranker import default_ranker

        self.ranker = default_ranker()
        self.model_name = "claims-minilm-ranker"

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        # One document per model call: int8 ONNX quantises activations per batch, so a
        # sentence's score would otherwise depend on which other documents shared its
        # batch, and a batch job would disagree with analysing the statement alone.
        for doc in docs:
            yield from super().pipe([doc])

    def _scores(self, sentences: list[str]) -> list[float]:
        # Centred so that the ranker's dev-chosen threshold maps to 0.5 (same ranking).
        return [float(x) for x in self.ranker.centred_proba(sentences)]


def make_checkworthiness(settings: Settings) -> CheckWorthiness:
    """The MiniLM ranker when installed and not turned off (``RHETORICA_CLAIMS_RANKER=0``),
    else the TF-IDF model."""
    if settings.claims_ranker:
        from rhetorica.claims.ranker import artefact_dir

        if (artefact_dir() / "model.onnx").exists():
            return RankedCheckWorthiness(settings)
    return TrainedCheckWorthiness(settings)


def make_checkworthiness_heuristic(settings: Settings) -> CheckWorthiness:
    return CheckWorthiness(settings)
