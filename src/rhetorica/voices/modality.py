"""Polarity and modality of a stretch of text, read from its clause in the parse.

"Los Angeles is *not* occupied" uses the word "occupied" only to deny it: a negated frame is a
mention, not a use. "We *will* invoke the Insurrection Act" is a threat, not an invocation;
"a curfew *must be* imposed" is a demand. These distinctions decide whether a frame counts
toward a speaker's intensity and whether a watch indicator fires.

Modality values: ``fact`` (asserted past or present), ``future`` (will, going to: a plan,
promise or threat), ``demand`` (must, should, need to, imperative "let's"), ``condition``
(if, unless), ``possibility`` (may, might, could, would), ``question``.
"""

from __future__ import annotations

from typing import Any

NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor", "nobody", "nothing",
                      "none", "without"})
FUTURE = frozenset({"will", "shall", "'ll", "wo"})
DEMAND = frozenset({"must", "should", "ought"})
POSSIBLE = frozenset({"may", "might", "could", "would", "can", "'d"})
CONDITION = frozenset({"if", "unless", "whether"})
DENY_VERBS = frozenset({"deny", "reject", "dismiss", "refute"})


def _tokens(parsed: Any, start: int, end: int) -> list[Any]:
    return [t for t in parsed if t.idx < end and t.idx + len(t.text) > start]


def _clause_verb(tok: Any) -> Any:
    """The verb (or copula head) that governs ``tok``'s clause."""
    t = tok
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX") or t.dep_ == "ROOT" or \
                any(c.dep_ in ("nsubj", "nsubjpass", "cop") for c in t.children):
            return t
        if t.head is t:
            return t
        t = t.head
    return t


def polarity(parsed: Any, start: int, end: int) -> str:
    """``negated`` when the words' own clause denies them ("is not occupied", "no invasion",
    "never an invasion", "denied that the city was occupied"), else ``asserted``."""
    toks = _tokens(parsed, start, end)
    if not toks:
        return "asserted"
    for t in toks:
        if any(c.lower_ in ("no", "never") and c.dep_ in ("det", "neg", "advmod")
               for c in t.children):
            return "negated"
    verb = _clause_verb(toks[0])
    if any(c.dep_ == "neg" or (c.lower_ in ("never",) and c.dep_ == "advmod")
           for c in verb.children):
        return "negated"
    if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in DENY_VERBS:
        return "negated"
    return "asserted"


def modality(parsed: Any, start: int, end: int) -> str:
    """How the clause holding these words presents them (see the module docstring)."""
    toks = _tokens(parsed, start, end)
    if not toks:
        return "fact"
    verb = _clause_verb(toks[0])
    sent = verb.sent
    if sent.text.rstrip().endswith("?"):
        return "question"
    aux = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
    chain = [verb, *verb.ancestors][:3]
    for v in chain:
        aux += [c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")]
        if any(c.dep_ == "mark" and c.lower_ in CONDITION for c in v.children) or any(
                c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION
                                          for m in c.children) for c in v.children):
            return "condition"
    if any(a in DEMAND for a in aux) or (verb.lower_ == "need" and any(
            c.dep_ == "xcomp" for c in verb.children)):
        return "demand"
    if any(a in FUTURE for a in aux) or ("going" in aux and "to" in aux):
        return "future"
    # "is going to invoke": going is the verb's head
    if any(v.lower_ == "going" for v in chain[1:]):
        return "future"
    if any(a in POSSIBLE for a in aux):
        return "possibility"
    if verb.tag_ == "VB" and verb.dep_ == "ROOT" and not any(
            c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return "demand"  # an imperative: "Send in the troops"
    return "fact"
