"""What each actor *does* in a sentence, read from the dependency parse.

Five roles, chosen because they are the questions an analyst asks of a security story:
who **directs** (orders, deploys, sends), who **executes** (carries out, arrests, is sent),
who is **targeted** (arrested, sued, acted against), who **objects** (objects, sues,
condemns, blocks) and who merely **comments** (says, posts). Roles come from grammar, not
from who the actor is: a governor who deploys her own Guard *directs*; a President who is
sued is *targeted*. ``mentioned`` is the honest answer when the grammar gives no cue.
"""

from __future__ import annotations

from typing import Any

DIRECTS, EXECUTES, TARGETS, OBJECTS, COMMENTS, MENTIONED = (
    "directs", "executes", "targets", "objects", "comments", "mentioned")
ROLES = (DIRECTS, EXECUTES, TARGETS, OBJECTS, COMMENTS, MENTIONED)
# When one actor plays several roles, the summary reports the most consequential first.
PRIORITY = {r: i for i, r in enumerate((DIRECTS, OBJECTS, EXECUTES, TARGETS, COMMENTS,
                                        MENTIONED))}

DIRECT_VERBS = frozenset([
    "order", "direct", "deploy", "send", "dispatch", "authorize", "authorise", "federalize",
    "federalise", "mobilize", "mobilise", "command", "instruct", "invoke", "approve",
    "mandate", "activate", "call_in", "declare", "sign", "summon", "station", "surge",
    "name", "appoint", "tap", "assign", "task",  # "named X to lead the operation"
])
EXECUTE_VERBS = frozenset([
    "carry", "arrive", "arrest", "detain", "raid", "patrol", "enforce", "conduct", "deport",
    "storm", "enter", "march", "guard", "protect", "clear", "seize", "apprehend", "sweep",
    "round_up", "fire", "shoot", "use", "tear", "pepper", "search", "occupy", "target",
    "escort", "secure", "disperse", "stop", "roll", "descend", "move",
    "lead", "spearhead", "support", "assist", "join", "help", "implement", "execute",
])
TARGET_VERBS = frozenset([
    "arrest", "detain", "deport", "target", "raid", "attack", "threaten", "investigate",
    "prosecute", "charge", "punish", "remove", "indict", "subpoena", "surveil", "fire",
    "defund", "blame", "accuse", "jail", "round_up", "handcuff", "sue",
])
OBJECT_VERBS = frozenset([
    "object", "sue", "condemn", "oppose", "block", "challenge", "reject", "denounce",
    "criticize", "criticise", "refuse", "resist", "protest", "decry", "fight", "slam",
    "blast", "halt", "bar", "enjoin", "veto", "dispute", "contest", "push_back",
    "rule_against", "appeal",
])
SPEECH_VERBS = frozenset([
    "say", "tell", "state", "announce", "post", "write", "tweet", "claim", "argue", "add",
    "warn", "note", "insist", "describe", "speak", "comment", "respond", "reply", "remark",
    "suggest", "explain", "praise", "thank", "defend", "call", "vow", "promise", "predict",
    "accuse", "demand", "welcome", "ask", "urge", "question", "acknowledge",
    "admit", "deny", "pledge", "threaten",
])

AGENT_NOUNS = frozenset([
    "agent", "officer", "troop", "official", "soldier", "member", "lawyer", "attorney",
    "spokesperson", "spokesman", "spokeswoman", "leader", "personnel", "force", "team",
    "deputy", "guardsman", "marine", "employee", "staff",
])
EXEC_NOUNS = frozenset([
    "raid", "operation", "arrest", "sweep", "crackdown", "deployment", "patrol", "presence",
    "enforcement",
])
DIRECT_NOUNS = frozenset([
    "order", "directive", "memo", "memorandum", "proclamation", "decision", "plan",
    "command", "instruction", "executive_order",
])
OBJECT_NOUNS = frozenset([
    "lawsuit", "objection", "suit", "challenge", "opposition", "criticism", "complaint",
    "injunction", "ruling",
])
SPEECH_NOUNS = frozenset([
    "statement", "remark", "comment", "post", "tweet", "speech", "interview", "letter",
])


def _lemma(tok: Any) -> str:
    lem = tok.lemma_.lower()
    for child in tok.children:
        if child.dep_ == "prt":
            return f"{lem}_{child.lower_}"
    return lem


def _in(tok: Any, *sets: frozenset[str]) -> bool:
    lem = _lemma(tok)
    base = tok.lemma_.lower()
    return any(lem in s or base in s for s in sets)


# "remained defiant", "is opposed to", "called it unlawful": objecting without an object verb
OPPOSING = frozenset({"defiant", "opposed", "critical", "unlawful", "illegal",
                      "unconstitutional", "reckless", "dangerous", "wrong", "outrageous",
                      "unacceptable", "overreach", "abuse"})


def _opposes(verb: Any) -> bool:
    """'warn against', 'rule against', 'remain defiant', 'call it unlawful'."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "against":
            return True
        if c.dep_ in ("acomp", "oprd", "xcomp", "attr") and c.lower_ in OPPOSING:
            return True
        if c.dep_ == "ccomp" and verb.lemma_.lower() in ("call", "deem", "label", "brand") \
                and any(g.dep_ in ("acomp", "oprd", "attr") and g.lower_ in OPPOSING
                        for g in c.children):
            return True  # "called the deployment unlawful" parsed as a small clause
    return False


def _subject_role(verb: Any, depth: int = 0) -> tuple[str, Any] | None:
    """Role of the grammatical subject of ``verb`` (following 'vowed to sue' and 'and sued')."""
    if _in(verb, OBJECT_VERBS) or _opposes(verb):
        return OBJECTS, verb
    if _in(verb, DIRECT_VERBS):
        return DIRECTS, verb
    if _in(verb, EXECUTE_VERBS):
        return EXECUTES, verb
    if depth < 3:
        for child in verb.children:
            if child.dep_ == "xcomp":
                found = _subject_role(child, depth + 1)
                if found:
                    return found
    if _in(verb, SPEECH_VERBS):
        return COMMENTS, verb
    if depth < 3:
        for child in verb.children:
            if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"):
                found = _subject_role(child, depth + 1)
                if found:
                    return found
    return None


def _noun_role(noun: Any) -> str | None:
    if _in(noun, EXEC_NOUNS):
        return EXECUTES
    if _in(noun, DIRECT_NOUNS):
        return DIRECTS
    if _in(noun, OBJECT_NOUNS):
        return OBJECTS
    if _in(noun, SPEECH_NOUNS):
        return COMMENTS
    return None


def role_of(span: Any) -> tuple[str, str]:
    """``(role, why)`` for a spaCy Span naming an actor."""
    tok = span.root
    for _ in range(4):  # climb from "ICE" in "ICE agents" / "Trump's order" / appositions
        dep, head = tok.dep_, tok.head
        if head is tok:
            break
        if dep in ("compound", "poss", "nmod", "amod") and head.pos_ in ("NOUN", "PROPN"):
            role = _noun_role(head)
            if role:
                return role, f"{dep} of '{head.text}'"
            if _in(head, AGENT_NOUNS) or dep == "compound":
                tok = head
                continue
            break
        if dep in ("appos", "conj") and head.pos_ in ("NOUN", "PROPN", "PRON"):
            tok = head
            continue
        break
    dep, head = tok.dep_, tok.head
    for rel in tok.children:  # "Newsom, who remained defiant, ..."
        if rel.dep_ == "relcl" and any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in (
                "who", "which", "that") for c in rel.children):
            found = _subject_role(rel)
            if found:
                return found[0], f"subject of '{found[1].text}' (relative clause)"
    if dep in ("nsubj", "csubj"):
        found = _subject_role(head)
        if found:
            return found[0], f"subject of '{found[1].text}'"
        # "Leading the charge were A, B and C": the copula's gerund gives the role
        for c in head.children:
            if c.tag_ == "VBG" and c.dep_ in ("csubj", "advcl", "acomp", "xcomp"):
                found = _subject_role(c)
                if found:
                    return found[0], f"'{c.text} …' with '{head.text}'"
    elif dep == "nsubjpass":
        if _in(head, DIRECT_VERBS):
            return EXECUTES, f"passive subject of '{head.text}'"
        if _in(head, TARGET_VERBS, OBJECT_VERBS, EXECUTE_VERBS):
            return TARGETS, f"passive subject of '{head.text}'"
    elif dep == "pobj":
        prep = head
        if prep.lower_ == "against":
            return TARGETS, f"'against {tok.text}'"
        if prep.dep_ == "agent":
            verb = prep.head
            if _in(verb, DIRECT_VERBS):
                return DIRECTS, f"agent of passive '{verb.text}'"
            if _in(verb, OBJECT_VERBS):
                return OBJECTS, f"agent of passive '{verb.text}'"
            if _in(verb, EXECUTE_VERBS, TARGET_VERBS):
                return EXECUTES, f"agent of passive '{verb.text}'"
            if _in(verb, SPEECH_VERBS):
                return COMMENTS, f"agent of passive '{verb.text}'"
        if prep.lower_ == "to" and prep.head.lower_ == "according":
            return COMMENTS, "'according to'"
        if prep.lower_ == "of" and prep.head.pos_ in ("NOUN", "PROPN"):
            role = _noun_role(prep.head)  # "over the objection of Governor Newsom"
            if role:
                return role, f"'{prep.head.text} of {tok.text}'"
    elif dep in ("dobj", "obj", "dative"):
        if _in(head, DIRECT_VERBS):
            return EXECUTES, f"object of '{head.text}'"
        if _in(head, TARGET_VERBS, OBJECT_VERBS):
            return TARGETS, f"object of '{head.text}'"
    return MENTIONED, "no grammatical cue"


def primary_role(roles: dict[str, int]) -> str:
    """The most consequential role an actor plays in the document."""
    if not roles:
        return MENTIONED
    return min(roles, key=lambda r: PRIORITY.get(r, 99))
