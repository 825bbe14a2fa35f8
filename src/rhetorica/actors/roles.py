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
    "ban", "proscribe", "designate", "outlaw",
    "allow", "permit",  # "allowed the administration to resume deportations"
])
EXECUTE_VERBS = frozenset([
    "carry", "arrive", "arrest", "detain", "raid", "patrol", "enforce", "conduct", "deport",
    "storm", "enter", "march", "guard", "protect", "clear", "seize", "apprehend", "sweep",
    "round_up", "fire", "shoot", "use", "tear", "pepper", "search", "occupy", "target",
    "escort", "secure", "disperse", "stop", "roll", "descend", "move",
    "lead", "spearhead", "support", "assist", "join", "help", "implement", "execute",
    "run", "oversee", "investigate", "subpoena", "fine", "prosecute", "charge", "indict",
    "sanction", "evict", "expel", "probe", "audit", "inspect", "land",
    # the doer of a removal, a release, a lay-off, a strike, a conviction
    "remove", "release", "free", "lay_off", "convict", "sentence", "bomb", "shell", "strike",
    "hit", "attack", "kill", "wound", "injure", "beat", "call_up", "shut_down", "blockade",
])
TARGET_VERBS = frozenset([
    "arrest", "detain", "deport", "target", "raid", "attack", "threaten", "investigate",
    "prosecute", "charge", "punish", "remove", "indict", "subpoena", "surveil", "fire",
    "defund", "blame", "accuse", "jail", "round_up", "handcuff", "sue",
    "fine", "sanction", "ban", "proscribe", "expel", "evict", "suspend", "search", "seize",
    "disperse", "storm", "clear", "kettle", "shoot", "kill", "injure", "beat",
    "sentence", "convict", "pardon", "censure", "impeach", "probe",
    "release", "free", "lay_off", "bomb", "shell", "strike", "hit", "wound", "call_up",
])
OBJECT_VERBS = frozenset([
    "object", "sue", "condemn", "oppose", "block", "challenge", "reject", "denounce",
    "criticize", "criticise", "refuse", "resist", "protest", "decry", "fight", "slam",
    "blast", "halt", "bar", "enjoin", "veto", "dispute", "contest", "push_back",
    "rule_against", "appeal", "accuse", "overturn", "strike_down", "boycott", "picket",
    "march_against", "rally_against", "vote_against", "defy",
])
SPEECH_VERBS = frozenset([
    "say", "tell", "state", "announce", "post", "write", "tweet", "claim", "argue", "add",
    "warn", "note", "insist", "describe", "speak", "comment", "respond", "reply", "remark",
    "suggest", "explain", "praise", "thank", "defend", "call", "vow", "promise", "predict",
    "accuse", "demand", "welcome", "ask", "urge", "question", "acknowledge",
    "admit", "deny", "pledge", "threaten", "confirm", "report", "reveal", "disclose",
    "allege", "estimate", "testify", "brief", "recount",
])

AGENT_NOUNS = frozenset([
    "agent", "officer", "troop", "official", "soldier", "member", "lawyer", "attorney",
    "spokesperson", "spokesman", "spokeswoman", "leader", "personnel", "force", "team",
    "deputy", "guardsman", "marine", "employee", "staff",
])
EXEC_NOUNS = frozenset([
    "raid", "operation", "arrest", "sweep", "crackdown", "deployment", "patrol", "presence",
    "enforcement", "investigation", "probe", "inquiry", "arrival", "surge", "takeover",
    "search", "audit", "prosecution", "indictment", "fine",
])
DIRECT_NOUNS = frozenset([
    "order", "directive", "memo", "memorandum", "proclamation", "decision", "plan",
    "command", "instruction", "executive_order", "request", "direction", "behest",
    "pressure", "authorisation", "authorization", "orders", "urging", "insistence",
    "instigation", "call",  # "at the call of the union"
])
OBJECT_NOUNS = frozenset([
    "lawsuit", "objection", "suit", "challenge", "opposition", "criticism", "complaint",
    "injunction", "ruling", "appeal", "protest", "boycott", "strike", "petition",
    "condemnation", "refusal", "rebuke", "veto", "pushback", "backlash", "dissent",
])
# Verbs that only carry the noun that says what is done: "opened an investigation",
# "filed a lawsuit", "issued an order", "launched a crackdown".
LIGHT_VERBS = frozenset({"open", "launch", "file", "issue", "bring", "announce", "lodge",
                         "begin", "start", "mount", "stage", "lead", "sign", "hand", "give",
                         "conduct", "carry_out", "make", "take"})
# "refused to mobilise the Guard": the object of a refused act is not acted upon
REFUSALS = frozenset({"refuse", "decline", "reject", "fail", "resist", "decide_against"})
# Nouns and prepositions after which a name is the one acted against: "an investigation
# into X", "charges against X", "a lawsuit against X"
TARGET_PREPS = frozenset({"into", "against", "on"})
# Verbs whose object is what was published ("released a statement", "issued a report")
PUBLISHING = frozenset({"release", "issue", "publish", "put_out", "post", "send"})
# "asked/urged/pressed X to do it": the one who asks wants it done
REQUESTS = frozenset({"ask", "urge", "request", "press", "push", "petition", "implore",
                      "call_on", "beg"})
SPEECH_NOUNS = frozenset([
    "statement", "remark", "comment", "post", "tweet", "speech", "interview", "letter",
])


# The small model's lemmatiser gets a few news verbs wrong ("fined" -> "fin").
_LEMMA_FIX = {"fined": "fine", "fines": "fine", "fining": "fine"}
# Nouns whose "of" names the one acted upon: "the takeover of the police department", "the
# arrest of two men", "deportations of migrants" (but "the arrival of troops": the doers).
PATIENT_NOUNS = frozenset({"takeover", "arrest", "detention", "deportation", "investigation",
                           "prosecution", "indictment", "firing", "removal", "expulsion",
                           "eviction", "raid", "search", "surveillance", "punishment",
                           "killing", "shooting", "dismissal", "ouster", "probe"})
# Quantities and parts that carry the role of the group they count: "thousands of nurses".
QUANTITY_NOUNS = frozenset({"thousand", "hundred", "dozen", "million", "group", "member",
                            "number", "majority", "some", "many", "most", "all", "scores",
                            "crowd", "team", "unit", "wave"})
# Verbs whose object comes from someone: "drew a rebuke from the White House"
RECEIVING = frozenset({"draw", "receive", "get", "face", "attract", "earn", "prompt", "win"})
# Collective actions one calls: "the union called a strike" directs it
CALLED_ACTIONS = frozenset({"strike", "walkout", "boycott", "protest", "rally", "election",
                            "vote", "march", "shutdown", "lockout"})
# Verbs whose "at" names a target: "fired tear gas at protesters"
AIMED_VERBS = frozenset({"fire", "shoot", "aim", "hurl", "throw", "lunge", "swing", "point"})


def _lemma(tok: Any) -> str:
    lem = _LEMMA_FIX.get(tok.lower_, tok.lemma_.lower())
    for child in tok.children:
        if child.dep_ == "prt":
            return f"{lem}_{child.lower_}"
    return lem


def _in(tok: Any, *sets: frozenset[str]) -> bool:
    lem = _lemma(tok)
    base = _LEMMA_FIX.get(tok.lower_, tok.lemma_.lower())
    return any(lem in s or base in s for s in sets)


# "remained defiant", "is opposed to", "called it unlawful": objecting without an object verb
OPPOSING = frozenset({"defiant", "opposed", "critical", "unlawful", "illegal",
                      "unconstitutional", "reckless", "dangerous", "wrong", "outrageous",
                      "unacceptable", "overreach", "abuse", "inhumane", "cruel", "unjust",
                      "shameful", "disgraceful", "betrayal", "invasion", "disgrace",
                      "travesty", "outrage", "extortion", "attack", "lawless"})


# Verbs that characterise: "a decision the union called a betrayal", "a case her lawyers
# described as politically motivated"
CHARACTERISING = frozenset({"call", "label", "brand", "deem", "describe", "term", "dub"})
OPPOSING_PHRASES = ("politically motivated", "witch hunt", "power grab", "sham")


def _opposes(verb: Any) -> bool:
    """'warn against', 'rule against', 'remain defiant', 'call it unlawful', 'said …,
    calling the conditions inhumane', 'called it a betrayal', 'described it as politically
    motivated', 'cast the only vote against'."""
    characterises = verb.lemma_.lower() in CHARACTERISING
    for c in verb.children:
        if characterises and ((c.dep_ in ("dobj", "obj") and c.lower_ in OPPOSING) or (
                c.dep_ == "prep" and c.lower_ == "as" and _opposing_words(c))):
            return True
        if c.dep_ in ("dobj", "obj") and c.lemma_.lower() in ("vote", "ballot") and any(
                g.dep_ == "prep" and g.lower_ == "against" for g in c.children):
            return True
        if c.dep_ == "advcl" and c.tag_ == "VBG" and c.i < verb.i and _in(c, OBJECT_VERBS):
            return True  # "Defying a request from X, the council voted ..."
        if c.dep_ == "advcl" and c.lemma_.lower() in ("call", "label", "brand", "deem") \
                and c is not verb and _opposes(c):
            return True
        if c.dep_ == "prep" and c.lower_ == "against":
            return True
        if c.dep_ in ("acomp", "oprd", "xcomp", "attr") and c.lower_ in OPPOSING:
            return True
        if c.dep_ == "ccomp" and verb.lemma_.lower() in ("call", "deem", "label", "brand") \
                and any(g.dep_ in ("acomp", "oprd", "attr") and g.lower_ in OPPOSING
                        for g in c.children):
            return True  # "called the deployment unlawful" parsed as a small clause
    return False


def _opposing_words(tok: Any) -> bool:
    words = " ".join(t.lower_ for t in tok.subtree)
    return any(w in OPPOSING for w in words.split()) or any(p in words
                                                             for p in OPPOSING_PHRASES)


def _calls_action(verb: Any) -> bool:
    """'called a strike', 'the strike was called by', 'the strike, called by': calling one
    is directing it."""
    return verb.lemma_.lower() == "call" and (any(
        c.dep_ in ("dobj", "obj", "nsubjpass") and c.lemma_.lower() in CALLED_ACTIONS
        for c in verb.children) or (verb.dep_ == "acl"
                                    and verb.head.lemma_.lower() in CALLED_ACTIONS))


def _into_custody(verb: Any) -> bool:
    """'took X into custody', 'were taken into custody': an arrest in other words."""
    return verb.lemma_.lower() in ("take", "place", "put") and any(
        c.dep_ == "prep" and c.lower_ == "into" and any(g.lower_ == "custody"
                                                        for g in c.children)
        for c in verb.children)


def _subject_role(verb: Any, depth: int = 0) -> tuple[str, Any] | None:
    """Role of the grammatical subject of ``verb`` (following 'vowed to sue' and 'and sued')."""
    if _calls_action(verb):
        return DIRECTS, verb
    if _into_custody(verb):
        return EXECUTES, verb
    if _in(verb, PUBLISHING) and any(c.dep_ in ("dobj", "obj") and _in(c, SPEECH_NOUNS)
                                     for c in verb.children):
        # "released a statement": speaking, not acting (unless it condemns: light verb)
        return _light_verb_role(verb) or (COMMENTS, verb)
    wanted = next((c for c in verb.children if c.dep_ == "xcomp"), None)
    if _in(verb, REQUESTS) and wanted is not None and any(
            c.dep_ in ("dobj", "obj") for c in verb.children):
        # "urged the commission to open an inquiry": asks it done; "asked a judge to halt
        # the raids": objects to them
        found = _subject_role(wanted, depth + 1) if depth < 3 else None
        return (OBJECTS, wanted) if found and found[0] == OBJECTS else (DIRECTS, verb)
    if _in(verb, OBJECT_VERBS) or _opposes(verb):
        return OBJECTS, verb
    if _in(verb, DIRECT_VERBS):
        return DIRECTS, verb
    if _in(verb, EXECUTE_VERBS):
        return EXECUTES, verb
    if depth < 3:
        for child in verb.children:
            # "vowed to sue"; "walked off the job to protest against the cuts"
            if child.dep_ == "xcomp" or (child.dep_ == "advcl" and any(
                    m.dep_ == "aux" and m.lower_ == "to" for m in child.children)):
                found = _subject_role(child, depth + 1)
                if found:
                    return found
    if _in(verb, LIGHT_VERBS):
        found = _light_verb_role(verb)
        if found:
            return found
    if _in(verb, SPEECH_VERBS):
        # "Apple said it would appeal": the speaker announcing its own act
        for c in verb.children:
            if c.dep_ == "ccomp" and any(s.dep_ in ("nsubj", "nsubjpass") and s.lower_ in (
                    "it", "we", "they", "he", "she", "i") for s in c.children):
                found = _subject_role(c, depth + 1)
                if found and found[0] in (OBJECTS, DIRECTS, EXECUTES):
                    return found
        return COMMENTS, verb
    if depth < 3:
        for child in verb.children:
            if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"):
                found = _subject_role(child, depth + 1)
                if found:
                    return found
    return None


def _light_verb_role(verb: Any) -> tuple[str, Any] | None:
    """'issued a statement condemning ...', 'filed a lawsuit', 'opened an investigation':
    the object noun (or the verb that qualifies it) says what the subject does."""
    for obj in (c for c in verb.children if c.dep_ in ("dobj", "obj")):
        for acl in obj.children:
            if acl.dep_ in ("acl", "relcl") and acl.pos_ == "VERB":
                found = _subject_role(acl, 3)
                if found and found[0] != COMMENTS:
                    return found
        role = _noun_role(obj)
        if role:
            return role, obj
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
            if dep == "poss":  # "an investigation into X's billing practices"
                inherited, why = _clause_role(head)
                if inherited == TARGETS:
                    return TARGETS, f"'{tok.text}'s {head.text}': {why}"
            break
        if dep in ("appos", "conj") and head.pos_ in ("NOUN", "PROPN", "PRON"):
            tok = head
            continue
        # "a spokesperson for the Home Office", "thousands of nurses": the role of the
        # people who speak or act for it
        if dep == "pobj" and head.lower_ in ("for", "of") and head.head.pos_ in (
                "NOUN", "PROPN", "NUM", "PRON") and _in(head.head, AGENT_NOUNS,
                                                        QUANTITY_NOUNS):
            tok = head.head
            continue
        break
    role, why = _clause_role(tok)
    if role not in (MENTIONED, COMMENTS):
        return role, why
    for rel in tok.children:  # "Newsom, who remained defiant, ..."
        if rel.dep_ != "relcl":
            continue
        if any(c.dep_ == "nsubj" and c.lower_ in ("who", "which", "that")
               for c in rel.children):
            found = _subject_role(rel)
            if found:
                return found[0], f"subject of '{found[1].text}' (relative clause)"
        if any(c.dep_ == "nsubjpass" and c.lower_ in ("who", "which", "that")
               for c in rel.children) and _in(rel, TARGET_VERBS, OBJECT_VERBS):
            return TARGETS, f"passive subject of '{rel.text}' (relative clause)"
    return role, why


def _clause_role(tok: Any, depth: int = 0) -> tuple[str, str]:
    """The role the clause gives the noun ``tok`` (subject, passive subject, object,
    agent, or a noun phrase around it)."""
    dep, head = tok.dep_, tok.head
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
        for c in head.children:  # "Deported in March, X was returned ..."
            if c.dep_ == "advcl" and c.tag_ == "VBN" and c.i < tok.i and \
                    _in(c, TARGET_VERBS):
                return TARGETS, f"'{c.text} …' said of it"
    elif dep == "nsubjpass":
        if _into_custody(head):
            return TARGETS, f"taken into custody ('{head.text}')"
        for c in head.children:
            if c.dep_ == "advcl" and c.tag_ == "VBN" and c.i < tok.i and \
                    _in(c, TARGET_VERBS):
                return TARGETS, f"'{c.text} …' said of it"
        if _in(head, DIRECT_VERBS):
            return EXECUTES, f"passive subject of '{head.text}'"
        if _in(head, TARGET_VERBS, OBJECT_VERBS, EXECUTE_VERBS):
            return TARGETS, f"passive subject of '{head.text}'"
    elif dep == "pobj":
        prep = head
        if prep.lower_ == "against":
            return TARGETS, f"'against {tok.text}'"
        if prep.dep_ == "agent" or (prep.lower_ == "by" and prep.head.tag_ == "VBN"):
            verb = prep.head
            if verb.dep_ == "acl" and _in(verb.head, SPEECH_NOUNS):
                return COMMENTS, f"'{verb.head.text} {verb.text} by {tok.text}'"
            if _in(verb, DIRECT_VERBS) or _calls_action(verb):
                return DIRECTS, f"agent of passive '{verb.text}'"
            if _in(verb, OBJECT_VERBS):
                return OBJECTS, f"agent of passive '{verb.text}'"
            if _in(verb, EXECUTE_VERBS, TARGET_VERBS):
                return EXECUTES, f"agent of passive '{verb.text}'"
            if _in(verb, SPEECH_VERBS):
                return COMMENTS, f"agent of passive '{verb.text}'"
            if verb.dep_ == "acl" and verb.head.pos_ == "NOUN":
                # a verb that says nothing itself: "the lawsuit, brought by the ACLU":
                # the noun says what was done
                role = _noun_role(verb.head)
                if role:
                    return role, f"'{verb.head.text} {verb.text} by {tok.text}'"
        if prep.lower_ in ("into", "against") and _in(prep.head, LIGHT_VERBS) and any(
                c.dep_ in ("dobj", "obj") and _noun_role(c) for c in prep.head.children):
            # "opened an investigation into X", with "into" read as the verb's
            return TARGETS, f"'{prep.head.text} … {prep.text} {tok.text}'"
        if prep.lower_ == "to" and prep.head.lower_ == "according":
            return COMMENTS, "'according to'"
        if prep.lower_ == "at" and _in(prep.head, AIMED_VERBS):
            return TARGETS, f"'{prep.head.text} … at {tok.text}'"
        if prep.lower_ == "from" and prep.head.lemma_.lower() in RECEIVING:
            # "drew a sharp rebuke from X", "received an order from X": X did the noun
            for obj in prep.head.children:
                role = _noun_role(obj) if obj.dep_ in ("dobj", "obj") else None
                if role:
                    return role, f"'{obj.text} from {tok.text}'"
        noun = prep.head
        if noun.pos_ in ("NOUN", "PROPN"):
            role = _noun_role(noun)
            if prep.lower_ == "of" and _in(noun, PATIENT_NOUNS):  # the arrest of X
                return TARGETS, f"'{noun.text} of {tok.text}'"
            if prep.lower_ == "by" and _in(noun, PATIENT_NOUNS):  # the firing by the board
                return EXECUTES, f"'{noun.text} by {tok.text}'"
            if role and prep.lower_ in TARGET_PREPS:  # "an investigation into X"
                return TARGETS, f"'{noun.text} {prep.text} {tok.text}'"
            if role == DIRECTS and prep.lower_ in ("of", "from", "by"):
                return DIRECTS, f"'{noun.text} {prep.text} {tok.text}'"  # at the request of
            if role and prep.lower_ in ("of", "by", "from"):
                return role, f"'{noun.text} {prep.text} {tok.text}'"  # the objection of X
            if prep.lower_ == "of" and depth < 2 and noun.dep_ in ("dobj", "obj",
                                                                   "nsubjpass"):
                inherited, why = _clause_role(noun, depth + 1)  # "the records of X"
                if inherited == TARGETS:
                    return TARGETS, f"'{noun.text} of {tok.text}': {why}"
    elif dep in ("dobj", "obj", "dative"):
        if _into_custody(head):
            return TARGETS, f"taken into custody ('{head.text}')"
        if head.dep_ == "xcomp" and _in(head.head, REFUSALS):
            return MENTIONED, f"object of a refused '{head.text}'"
        if _in(head, TARGET_VERBS, OBJECT_VERBS):  # "banned the group": acted against
            return TARGETS, f"object of '{head.text}'"
        if _in(head, DIRECT_VERBS):  # "ordered troops to ...": sent to do it
            return EXECUTES, f"object of '{head.text}'"
    return MENTIONED, "no grammatical cue"


def primary_role(roles: dict[str, int]) -> str:
    """The most consequential role an actor plays in the document."""
    if not roles:
        return MENTIONED
    return min(roles, key=lambda r: PRIORITY.get(r, 99))
