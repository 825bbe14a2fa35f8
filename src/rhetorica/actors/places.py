"""Places as actors: a city, state or country acted on or acting in a sentence.

A place is an actor when the grammar gives it a role (:func:`place_role`): targeted where
forces are sent to it, arrive in it or act across it ("sent 700 Marines to Tacoma", "agents
fanned out across the streets of Minneapolis", "raids in Chicago"), objecting when it sues.
A place that only says where something happened ("a judge in Portland") stays mentioned,
and the ``actors`` component then leaves it out.
"""

from __future__ import annotations

from typing import Any

from rhetorica.actors.roles import (
    DIRECT_VERBS,
    FORCE_NOUNS,
    MENTIONED,
    PATIENT_NOUNS,
    TARGETS,
    clause_role,
    denied,
    lemma_in,
    role_of,
)

# A place is acted on when forces are sent to it, move into it or act in it: "sent 700
# Marines to Los Angeles", "agents fanned out across the South Side", "raids in Chicago"
PLACE_PREPS = frozenset({"to", "into", "in", "across", "on", "through", "throughout",
                         "onto", "at", "around"})
ARRIVING = frozenset({"arrive", "descend", "roll", "move", "pour", "fan_out", "sweep",
                      "storm", "enter", "land", "converge", "surge", "deploy", "return",
                      "spread_out", "fan", "reach"})
OCCUPYING = frozenset({"occupy", "invade", "patrol", "raid", "storm", "flood", "besiege",
                       "blockade", "bomb", "shell", "strike", "attack", "target", "take_over",
                       "militarize", "militarise", "federalize", "federalise"})


def _forces(verb: Any) -> bool:
    """The verb's subject, object or agent names forces ('troops arrived', 'sent 700
    Marines', 'the raids carried out by Border Patrol agents')."""
    words = [t for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "obj",
                                                      "agent") for t in c.subtree]
    if verb.dep_ == "acl":
        words.append(verb.head)
    return any(t.lemma_.lower() in FORCE_NOUNS or t.lower_.rstrip("s") in FORCE_NOUNS
               for t in words)


def place_role(span: Any) -> tuple[str, str]:
    """``(role, why)`` for a place (a city, a state, a country): the grammar's role as for
    any actor ("Illinois sued", "the state's Guard was federalized"), else targeted where
    forces are sent to it or act in it. A place that only says where something happened
    ("a judge in Portland", "said in Ohio") stays mentioned."""
    role, why = role_of(span)
    if role != MENTIONED:
        return role, why
    role, why = _place_role(span, why)
    verb = span.root.head.head if span.root.head.dep_ == "prep" else span.root.head
    if role == TARGETS and denied(verb):
        return MENTIONED, f"{why}, denied"  # "troops never entered Portland"
    return role, why


def _place_role(span: Any, why: str) -> tuple[str, str]:
    """:func:`place_role` where the grammar gives the place no role of its own."""
    tok = span.root
    while tok.dep_ in ("appos", "conj", "compound") and tok.head is not tok and \
            tok.head.ent_type_ in ("GPE", "LOC", "FAC"):
        tok = tok.head  # "Washington, D.C.", "Chicago and Evanston"
    dep, head = tok.dep_, tok.head
    if dep == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in (
            "city", "state", "town", "county", "village", "province", "region", "area",
            "neighborhood", "neighbourhood", "street", "outskirts", "part", "stretch"):
        # "the city of Portland joined the suit", "the streets of Minneapolis"
        unit = head.head
        if unit.lemma_.lower() in ("city", "state", "town", "county", "village", "province"):
            role, why = clause_role(unit)
            if role != MENTIONED:
                return role, f"the {unit.text} of {tok.text}: {why}"
        return place_role_of_token(unit) or (MENTIONED, why)
    if dep in ("dobj", "obj") and lemma_in(head, OCCUPYING):
        return TARGETS, f"object of '{head.text}'"
    return place_role_of_token(tok) or (MENTIONED, why)


def place_role_of_token(tok: Any) -> tuple[str, str] | None:
    """Targeted where forces are sent to, arrive in or act in the place ``tok``."""
    if tok.dep_ in ("dobj", "obj") and (lemma_in(tok.head, OCCUPYING) or (
            lemma_in(tok.head, ARRIVING) and _forces(tok.head))):
        return TARGETS, f"object of '{tok.head.text}'"  # "the first troops to reach X"
    if tok.dep_ != "pobj" or tok.head.lower_ not in PLACE_PREPS | {"for"}:
        return None
    prep = tok.head
    gov = prep.head
    if gov.dep_ == "amod" and gov.head.pos_ == "NOUN":
        gov = gov.head  # "roving patrols across Southern California"
    if gov.pos_ in ("VERB", "AUX") and prep.lower_ != "for":
        if (lemma_in(gov, DIRECT_VERBS) or _forces(gov)) and prep.lower_ in (
                "to", "into", "across", "onto"):
            # "sent troops to X", "blocked the deployment of troops to X"
            return TARGETS, f"'{gov.text} … {prep.text} {tok.text}'"
        if (lemma_in(gov, ARRIVING) or lemma_in(gov, OCCUPYING) or gov.lemma_.lower() in (
                "arrest", "detain", "patrol", "raid", "deploy")) and _forces(gov):
            return TARGETS, f"'{gov.text} {prep.text} {tok.text}'"  # troops arrived in X
        return None
    if gov.pos_ in ("NOUN", "PROPN") and gov.lemma_.lower() in FORCE_NOUNS | PATIENT_NOUNS:
        # "the deployment of troops to Portland", "raids in Chicago"
        return TARGETS, f"'{gov.text} {prep.text} {tok.text}'"
    return None
