"""What kind of claim a sentence makes, and whether it can be checked at all.

A fact-checker handles "unemployment doubled" (a statistic: find the series), "the protest
was a riot" (a characterisation: compare the word with what happened) and "we will build
500 homes" (a promise: check later) with different methods, so each claim carries its
types. Opinions ("I believe we deserve better") and rhetorical questions assert nothing
verifiable and are marked ``checkable = False``.

Rules read the spaCy parse (lemmas, tags, entities); every type comes with the words that
triggered it, so the label can be audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Priority order: the first type found is the claim's primary ``type``.
TYPES = (
    "characterisation",
    "quantity",
    "causal",
    "comparison",
    "prediction",
    "policy",
    "quote",
)
NOT_CHECKABLE = ("opinion", "rhetorical_question", "question", "procedural", "reaction")

NUM_ENTS = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY"}
QUANTITY_WORDS = {"doubled", "tripled", "halved", "double", "triple", "half", "majority",
                  "minority", "percent", "dozens", "hundreds", "thousands", "millions",
                  "billions", "record", "quadrupled"}
CAUSAL_LEMMAS = {"cause", "lead", "result", "trigger", "fuel", "drive", "blame", "produce",
                 "create", "destroy", "kill", "force"}
CAUSAL_PHRASES = ("because", "due to", "as a result", "thanks to", "responsible for",
                  "led to", "leads to", "lead to", "caused by", "blamed for", "result of",
                  "resulted in", "so many", "owing to", "which is why", "that is why")
COMPARE_WORDS = {"than", "compared", "ever", "worst", "best", "highest", "lowest", "fewer",
                 "unprecedented", "largest", "smallest", "biggest", "fastest", "slowest"}
# Words that label an event (and so frame it): the claim is that the label fits.
CHARACTERISATION = {
    "riot", "rioter", "riots", "occupy", "occupation", "occupier", "massacre", "invasion",
    "invade", "invader", "genocide", "terror", "terrorist", "terrorism", "siege", "besiege",
    "coup", "insurrection", "insurrectionist", "loot", "looting", "looter", "pogrom",
    "insurgency", "mob", "uprising", "rebellion", "ethnic", "cleansing", "crackdown",
    "atrocity", "war", "hoax", "rigged", "stolen", "fraud", "apartheid", "dictatorship",
    "dictator", "regime", "annexation", "annex", "blockade", "purge", "persecution",
    "crisis", "catastrophe", "emergency", "lawless", "anarchy", "anarchist", "thug", "thugs",
    "extremist", "extremists", "peaceful", "violent", "illegal", "unconstitutional",
}
PROMISE_LEMMAS = {"promise", "pledge", "vow", "guarantee", "commit", "intend", "plan", "predict",
                  "forecast", "expect", "project"}
POLICY_LEMMAS = {"announce", "sign", "launch", "introduce", "approve", "ban", "order", "pass",
                 "enact", "impose", "veto", "allocate", "fund", "deploy", "suspend", "declare",
                 "repeal", "abolish", "cut", "raise", "lower", "close", "open", "appoint",
                 "fire", "sanction", "authorise", "authorize", "mandate", "adopt", "vote",
                 "invest", "build", "hire", "ratify", "legislate", "freeze", "extend"}
ATTRIBUTION_LEMMAS = {"say", "tell", "claim", "state", "report", "write", "tweet", "insist",
                      "allege", "admit", "confirm", "deny", "warn", "argue", "according"}
OPINION_LEMMAS = {"think", "believe", "feel", "hope", "wish", "love", "hate", "deserve",
                  "prefer", "like", "want", "guess", "suppose", "opinion", "view"}
OPINION_MODALS = {"should", "must", "ought"}
EVALUATIVE = {"great", "wonderful", "terrible", "horrible", "amazing", "beautiful", "awful",
              "disgraceful", "shameful", "brilliant", "fantastic", "sad", "pathetic",
              "incredible", "disaster", "disgrace", "shame", "nice", "good", "bad", "proud",
              "stupid", "ridiculous", "outrageous", "unacceptable"}
RHETORICAL_OPENERS = {"isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't",
                      "can't", "won't", "wouldn't", "shouldn't", "haven't", "hasn't"}
RHETORICAL_PATTERNS = ("how can", "how could", "how dare", "who would", "who could",
                       "why should", "why would", "what kind of", "who needs", "is it any",
                       "since when", "who cares", "what did you expect", "is that what")
FACT_ENTS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "LAW", "EVENT", "FAC"}


# A newsroom's account of its own reporting asserts nothing about the world: "The White
# House did not respond to a request for comment", "The spokesperson declined to be named",
# "Officials could not be reached". Read from the clause that heads the sentence, so "X
# signed the order, according to officials who were not authorized to speak" stays a claim.
NO_ANSWER = {"respond", "reply", "return", "comment", "answer"}
REQUEST_NOUNS = {"comment", "request", "question", "message", "email", "call", "inquiry",
                 "enquiry"}
DECLINED = {"decline", "refuse"}
WITHHELD = {"comment", "name", "identify", "elaborate", "say", "discuss", "provide", "answer",
            "specify", "give", "confirm", "disclose", "reveal", "release"}


def procedural(toks: Sequence[Any]) -> str | None:
    """The words that make a sentence a note on the reporting, if it is one."""
    inside = {t.i for t in toks}
    roots = [t for t in toks if t.head.i == t.i or t.head.i not in inside]
    if len(roots) != 1:
        return None
    root = roots[0]
    lem = root.lemma_.lower()
    negated = any(c.dep_ == "neg" for c in root.children)
    if negated and lem in NO_ANSWER and (lem in {"comment", "answer"} or any(
            t.lemma_.lower() in REQUEST_NOUNS for t in root.subtree)):
        return root.text
    if lem in DECLINED and any(c.dep_ == "xcomp" and c.lemma_.lower() in WITHHELD
                               for c in root.children):
        return root.text
    if lem == "reach" and negated and any(c.dep_ == "auxpass" for c in root.children):
        return root.text  # "could not be reached (for comment)"
    return None


# Verbs by which someone is reported to judge something, with no proposition of their own:
# "the union praised the vote", "Democrats called the cuts reckless", "Stewart disputed
# the governor's figures". The judgement is theirs to hold; there is nothing to check.
REACTIONS = {"praise", "welcome", "criticize", "criticise", "condemn", "denounce", "applaud",
             "hail", "slam", "blast", "dispute", "decry", "lament", "laud", "thank",
             "commend", "celebrate", "mock", "ridicule", "question"}


def reaction(toks: Sequence[Any]) -> str | None:
    """The verb that makes a sentence a reported reaction, if it is one: a judging verb
    heading the sentence with an object but no clause of its own ("disputed the figures",
    not "disputed that the figures were right")."""
    inside = {t.i for t in toks}
    roots = [t for t in toks if t.head.i == t.i or t.head.i not in inside]
    if len(roots) != 1:
        return None
    root = roots[0]
    deps = {c.dep_ for c in root.children}
    if deps & {"ccomp", "advcl", "conj"} or "dobj" not in deps or any(
            c.tag_ == "MD" for c in root.children):
        return None  # a clause of its own, no object, or a wish ("should welcome help")
    lem = root.lemma_.lower()
    if lem in REACTIONS:
        return root.text
    if lem == "call" and any(c.dep_ in ("oprd", "acomp") or (
            c.dep_ == "xcomp" and c.pos_ == "ADJ") for c in root.children):
        return root.text  # "called the cuts reckless"
    return None


def classify_tokens(tokens: Sequence[Any], text: str | None = None) -> dict[str, Any]:
    """Types, primary type, checkability and the triggering words for a run of spaCy tokens.

    ``tokens`` is a spaCy Span or any sequence of tokens (an atomic claim's tokens);
    ``text`` defaults to their joined text.
    """
    toks = list(tokens)
    if text is None:
        text = "".join(t.text_with_ws for t in toks).strip()
    low = " " + " ".join(t.lower_ for t in toks) + " "
    lemmas = [t.lemma_.lower() for t in toks]
    ents = {t.ent_type_ for t in toks if t.ent_type_}
    why: dict[str, list[str]] = {}

    def hit(kind: str, word: str) -> None:
        why.setdefault(kind, [])
        if word not in why[kind]:
            why[kind].append(word)

    for t, lem in zip(toks, lemmas, strict=True):
        w = t.lower_
        if (t.like_num and t.ent_type_ not in {"DATE", "TIME", "ORDINAL"}) or \
                t.ent_type_ in NUM_ENTS or w in QUANTITY_WORDS or w == "%":
            hit("quantity", t.text)
        if lem in CAUSAL_LEMMAS and t.pos_ == "VERB":
            hit("causal", t.text)
        if t.tag_ in {"JJR", "RBR", "JJS", "RBS"} or w in COMPARE_WORDS:
            hit("comparison", t.text)
        if w in CHARACTERISATION or lem in CHARACTERISATION:
            hit("characterisation", t.text)
        if (w in {"will", "'ll", "shall"} and t.tag_ == "MD") or lem in PROMISE_LEMMAS:
            hit("prediction", t.text)
        if lem in POLICY_LEMMAS and t.pos_ == "VERB":
            hit("policy", t.text)
        if lem in ATTRIBUTION_LEMMAS and (t.pos_ == "VERB" or w == "according"):
            hit("quote", t.text)
        if (lem in OPINION_LEMMAS and t.pos_ in {"VERB", "NOUN"} and any(
                c.lower_ in {"i", "we"} for c in t.children)) or w in OPINION_MODALS:
            hit("opinion", t.text)
        if w in EVALUATIVE:
            hit("evaluative", t.text)
    for phrase in CAUSAL_PHRASES:
        if f" {phrase} " in low:
            hit("causal", phrase)
    if " going to " in low and any(t.lower_ == "going" and t.tag_ == "VBG" for t in toks):
        hit("prediction", "going to")
    if " in my opinion " in low or " in my view " in low:
        hit("opinion", "in my opinion")
    if any(c in text for c in "\"“”") and "quote" not in why and any(
            lem in ATTRIBUTION_LEMMAS for lem in lemmas):
        hit("quote", '"')

    types = [t for t in TYPES if t in why]
    for kind, reader in (("procedural", procedural), ("reaction", reaction)):
        if (note := reader(toks)) is not None and not set(types) & {"quantity", "causal"}:
            why[kind] = [note]
            return {"type": kind, "types": [kind, *types], "checkable": False, "why": why}
    question = text.rstrip().endswith("?")
    factual = bool(set(types) - {"prediction"}) or bool(ents & FACT_ENTS)
    if question:
        # spaCy splits "Isn't" into "Is" + "n't"; join the first two tokens back.
        first = "".join(t.lower_ for t in toks[:2]).replace("’", "'")
        rhetorical = first in RHETORICAL_OPENERS or any(
            low.lstrip().startswith(p) for p in RHETORICAL_PATTERNS) or "!" in text
        kind = "rhetorical_question" if rhetorical else "question"
        return {"type": kind, "types": [kind, *types], "checkable": False,
                "why": {k: v for k, v in why.items()}}
    opinion = "opinion" in why or ("evaluative" in why and not factual)
    # An opinion verb wrapping a checkable statement ("I think unemployment doubled") stays
    # checkable: the embedded fact is what a checker would test.
    hard_fact = any(t in types for t in ("quantity", "characterisation", "causal", "policy",
                                          "quote"))
    if opinion and not hard_fact:
        return {"type": "opinion", "types": ["opinion", *types], "checkable": False, "why": why}
    if types:
        return {"type": types[0], "types": types, "checkable": True, "why": why}
    return {"type": "statement", "types": [], "checkable": True, "why": why}
