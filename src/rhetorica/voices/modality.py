"""Polarity and modality of a stretch of text, read from its clause in the parse.

"Los Angeles is *not* occupied" uses the word "occupied" only to deny it: a negated frame is a
mention, not a use. "We *will* invoke the Insurrection Act" is a threat, not an invocation;
"a curfew *must be* imposed" is a demand. These distinctions decide whether a frame counts
toward a speaker's intensity and whether a watch indicator fires.

Modality values: ``fact`` (asserted past or present), ``future`` (will, going to, set to: a
plan, promise or threat), ``demand`` (must, should, need to, "demanded that", imperatives),
``condition`` (if, unless, "should the protests spread"), ``possibility`` (may, might, could,
would, "it is possible that"), ``question`` (direct, or "asked whether").
"""

from __future__ import annotations

from typing import Any

FUTURE = frozenset({"will", "shall", "'ll", "wo"})
DEMAND = frozenset({"must", "should", "ought"})
POSSIBLE = frozenset({"may", "might", "could", "would", "can", "'d"})
CONDITION = frozenset({"if", "unless"})
DENY_VERBS = frozenset({"deny", "reject", "dismiss", "refute", "disprove", "debunk"})
# "set to begin", "plans to send", "is expected to": the event is ahead
FUTURE_HEADS = frozenset({"set", "plan", "expect", "schedule", "poise", "due", "prepare",
                          "intend", "go", "about",
                          # "threatened to send troops", "vowed to sue": a threat or promise
                          "threaten", "vow", "promise", "pledge", "offer"})
# "vowed that it would expand": a promise or threat reported
COMMISSIVE = frozenset({"vow", "promise", "pledge", "threaten", "warn", "announce", "say"})
# "needs to investigate", "demanded that they leave", "called for troops to withdraw"
MANDATIVE = frozenset({"need", "demand", "urge", "require", "order", "ask",
                       "call", "ought", "have"})
POSSIBLE_ADJ = frozenset({"possible", "likely", "unlikely", "probable", "conceivable"})
ASK_VERBS = frozenset({"ask", "wonder", "question", "inquire", "query"})
QUESTION_WORDS = frozenset({"why", "how", "when", "whether", "what", "who", "where"})


def _tokens(parsed: Any, start: int, end: int) -> list[Any]:
    span = parsed.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


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


def _chain(verb: Any) -> list[Any]:
    """The verb and the verbs it is an open complement of ("is *going* to *hand* over")."""
    out = [verb]
    t = verb
    while t.dep_ in ("xcomp", "aux") and t.head is not t and len(out) < 4:
        t = t.head
        out.append(t)
    return out


# Verbs that deny the act of their complement: "refused to invoke", "failed to deploy",
# "prevented the troops from entering"
UNREALISED = frozenset({"refuse", "fail", "decline", "prevent", "avoid", "forgo", "stop",
                        "block", "bar", "halt", "cancel", "abandon", "scrap", "drop"})
# Words that negate on their own (CondaQA's "lexical" cues, beside not / n't / no / never)
NEGATORS = frozenset({"not", "n't", "no", "never", "none", "nobody", "nothing", "nowhere",
                      "neither", "nor", "without", "cannot", "lack", "absence", "hardly",
                      "barely", "scarcely", "seldom", "rarely", "except", "unlike"})
_AFFIX = ("un", "non", "in", "im", "il", "ir", "dis", "a")


def negation_cues(parsed: Any, vocabulary: frozenset[str] | set[str] = frozenset()
                  ) -> list[Any]:
    """The negation cues of a parsed text, as tokens: syntactic (not, no, never...),
    lexical (without, lack, refuse, fail, prevent...) and affixal (*un*known, *il*legal,
    *non*violent, home*less*: an adjective or adverb whose stem is a word of
    ``vocabulary``). Only the first two make a clause ``negated`` in :func:`polarity`; an
    affixal cue changes a word's meaning, not whether the clause is asserted."""
    out = []
    for t in parsed:
        low, lem = t.lower_, t.lemma_.lower()
        if t.dep_ == "neg" or low in NEGATORS or lem in NEGATORS or lem in UNREALISED \
                or lem in DENY_VERBS:
            out.append(t)
            continue
        if t.pos_ not in ("ADJ", "ADV") or not vocabulary:
            continue
        stems = [low[len(p):] for p in _AFFIX if low.startswith(p)]
        if low.endswith("less"):
            stems.append(low[:-4])
        if any(len(st) >= 4 and st in vocabulary for st in stems):
            out.append(t)
    return out


def polarity(parsed: Any, start: int, end: int) -> str:
    """``negated`` when the words' own clause denies them ("is not occupied", "no invasion",
    "never an invasion", "neither the mayor nor the governor requested", "denied that the
    city was occupied", "rejected reports that it had ordered"), else ``asserted``."""
    toks = _tokens(parsed, start, end)
    if not toks:
        return "asserted"
    for t in toks:
        if any(c.lower_ in ("no", "never") and c.dep_ in ("det", "neg", "advmod")
               for c in t.children):
            return "negated"
    verb = _clause_verb(toks[0])
    for v in _chain(verb):
        if any(c.dep_ == "neg" or (c.lower_ == "never" and c.dep_ == "advmod")
               for c in v.children):
            return "negated"
        subj = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
        if any(t.lower_ in ("neither", "nobody", "none", "no") and t.dep_ in (
                "preconj", "det", "nsubj", "nsubjpass") for s in subj for t in s.subtree):
            return "negated"
    for anc in list(verb.ancestors)[:3]:
        if anc.lemma_.lower() in DENY_VERBS:
            return "negated"
    # "refused to invoke the Act", "prevented the troops from entering", "without deploying"
    for v in _chain(verb):
        head = v.head
        if v.dep_ == "xcomp" and head.lemma_.lower() in UNREALISED:
            return "negated"
        if v.dep_ == "pcomp" and head.lower_ in ("without", "from") and (
                head.lower_ == "without" or head.head.lemma_.lower() in UNREALISED):
            return "negated"
    for t in toks:
        if t.dep_ == "pobj" and t.head.lower_ == "without":
            return "negated"  # "a deployment without troops"
    return "asserted"


ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "dative", "appos", "conj"})
INDEFINITE = frozenset({"a", "an", "any", "no", "some"})


def presupposed(parsed: Any, start: int, end: int) -> bool:
    """The words name something the clause talks about ("these vermin", "the thugs") rather
    than say what it is: "we will not surrender our cities to these vermin" denies the
    surrender, not the label, which the speaker uses all the same. A label as the predicate
    ("they are not vermin") or an indefinite one ("not a police state") is not."""
    toks = _tokens(parsed, start, end)
    inside = {t.i for t in toks}
    roots = [t for t in toks if t.head.i == t.i or t.head.i not in inside]
    if len(roots) != 1:
        return False
    root = roots[0]
    return root.pos_ in ("NOUN", "PROPN") and root.dep_ in ARGUMENTS and any(
        c.dep_ in ("det", "poss") and c.lower_ not in INDEFINITE for c in root.children)


def modality(parsed: Any, start: int, end: int) -> str:
    """How the clause holding these words presents them (see the module docstring)."""
    toks = _tokens(parsed, start, end)
    if not toks:
        return "fact"
    verb = _clause_verb(toks[0])
    chain = _chain(verb)
    ancestors = list(verb.ancestors)[:3]
    sent = verb.sent
    # questions: direct, or embedded under "asked whether / why"
    if sent.text.rstrip().endswith("?"):
        return "question"
    marks = {c.lower_ for v in chain for c in v.children if c.dep_ in ("mark", "advmod")}
    if "whether" in marks or (marks & QUESTION_WORDS and any(
            a.lemma_.lower() in ASK_VERBS for a in ancestors)):
        return "question"
    if "if" in marks and any(a.lemma_.lower() in ASK_VERBS for a in ancestors):
        return "question"
    # conditions: "if", "unless", "in the event that", "should the protests spread"
    for v in chain + ancestors[:1]:
        for c in [v, *v.children]:
            if c.dep_ == "advcl" or c is v:
                lead = [t.lower_ for t in c.subtree][:4]
                kids = {m.lower_ for m in c.children if m.dep_ == "mark"}
                inverted = lead[:1] in (["should"], ["were"], ["had"]) and c.dep_ == "advcl"
                if kids & CONDITION or inverted or " ".join(lead[:3]) in (
                        "in the event", "as long as", "provided that", "on condition"):
                    return "condition"
    aux = [c.lower_ for v in chain for c in v.children if c.dep_ in ("aux", "auxpass")]
    heads = [v.lemma_.lower() for v in chain[1:]]
    # demands: must / should / ought, "needs to", "demanded that they leave", imperatives
    if any(a in DEMAND for a in aux) or any(h in MANDATIVE for h in heads) or \
            (verb.dep_ == "ccomp" and verb.head.lemma_.lower() in MANDATIVE
             and verb.head.lemma_.lower() not in ("ask", "order")):
        return "demand"
    if any(a in FUTURE for a in aux) or any(h in FUTURE_HEADS for h in heads):
        return "future"
    # "it is possible that a curfew will be imposed", "raids were possible"
    for v in [verb, *ancestors[:1]]:
        if any(c.dep_ == "acomp" and c.lower_ in POSSIBLE_ADJ for c in v.children):
            return "possibility"
    if any(a in POSSIBLE for a in aux):
        if "would" in aux and any(a.lemma_.lower() in COMMISSIVE for a in ancestors[:1]):
            return "future"  # "vowed that the operation would expand"
        return "possibility"
    # a subjectless event under a modal verb: "may have no choice but to send the troops"
    if not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) and any(
            c.dep_ == "aux" and c.lower_ in POSSIBLE for a in ancestors for c in a.children):
        return "possibility"
    bare = verb.tag_ == "VB" and verb.dep_ in ("ROOT", "ccomp", "conj") and not any(
        c.dep_ in ("nsubj", "nsubjpass") or (c.dep_ in ("aux", "auxpass")
                                             and c.lower_ not in ("do", "n't", "not"))
        for c in verb.children)
    if bare and (verb.i == verb.sent.start
                 or verb.doc[verb.i - 1].lower_ in ("n't", "not", "do")):
        return "demand"  # an imperative: "Send in the troops", "Don't arrest anyone"
    return "fact"
