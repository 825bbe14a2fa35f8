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
    "allow", "permit", "let",  # "allowed the administration to resume deportations"
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
    "destroy", "sink", "spray", "tackle", "drag", "shove", "restrain", "tase",
])
TARGET_VERBS = frozenset([
    "arrest", "detain", "deport", "target", "raid", "attack", "threaten", "investigate",
    "prosecute", "charge", "punish", "remove", "indict", "subpoena", "surveil", "fire",
    "defund", "blame", "accuse", "jail", "round_up", "handcuff", "sue",
    "fine", "sanction", "ban", "proscribe", "expel", "evict", "suspend", "search", "seize",
    "disperse", "storm", "clear", "kettle", "shoot", "kill", "injure", "beat",
    "sentence", "convict", "pardon", "censure", "impeach", "probe",
    "release", "free", "lay_off", "bomb", "shell", "strike", "hit", "wound", "call_up",
    "destroy", "sink", "handcuff", "zip_tie", "oust", "dismiss", "sack", "demote",
    "spray", "tackle", "drag", "shove", "restrain", "tase",
])
OBJECT_VERBS = frozenset([
    "object", "sue", "condemn", "oppose", "block", "challenge", "reject", "denounce",
    "criticize", "criticise", "refuse", "resist", "protest", "decry", "fight", "slam",
    "blast", "halt", "bar", "enjoin", "veto", "dispute", "contest", "push_back",
    "rule_against", "appeal", "accuse", "overturn", "strike_down", "boycott", "picket",
    "march_against", "rally_against", "vote_against", "defy",
    "walk_out",  # "thousands of Royal Mail workers walked out on Friday"
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
    "office",  # "a statement from Abbott's office"
])
EXEC_NOUNS = frozenset([
    "raid", "operation", "arrest", "sweep", "crackdown", "deployment", "patrol", "presence",
    "enforcement", "investigation", "probe", "inquiry", "arrival", "surge", "takeover",
    "search", "audit", "prosecution", "indictment", "fine", "layoff", "sanction", "tariff",
    "penalty",
])
DIRECT_NOUNS = frozenset([
    "order", "directive", "memo", "memorandum", "proclamation", "decision", "plan",
    "command", "instruction", "executive_order", "request", "direction", "behest",
    "pressure", "authorisation", "authorization", "orders", "urging", "insistence",
    "instigation", "call",  # "at the call of the union"
    "ban",  # "backed a ban on the march"
    "curfew", "lockdown",  # "imposed a curfew"
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
                         "conduct", "carry_out", "make", "take", "seek", "impose"})
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
                           "killing", "shooting", "dismissal", "ouster", "probe",
                           "resignation", "impeachment", "occupation", "invasion",
                           "militarization", "militarisation", "siege"})
# Quantities and parts that carry the role of the group they count: "thousands of nurses".
QUANTITY_NOUNS = frozenset({"thousand", "hundred", "dozen", "million", "group", "member",
                            "number", "majority", "some", "many", "most", "all", "scores",
                            "crowd", "team", "unit", "wave", "convoy", "contingent",
                            "detachment", "column", "busload", "handful"})
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
        # "walked out": the small model reads the particle as an adverb at times
        if child.dep_ == "prt" or (child.dep_ == "advmod" and child.i == tok.i + 1
                                   and child.lower_ in ("out", "off", "down", "up")):
            return f"{lem}_{child.lower_}"
    return lem


def lemma_in(tok: Any, *sets: frozenset[str]) -> bool:
    """Whether the word's lemma, or its corrected lemma ("fined", "sued"), is in any of
    ``sets``: the one test every role and place rule makes of a verb or noun."""
    lem = _lemma(tok)
    base = _LEMMA_FIX.get(tok.lower_, tok.lemma_.lower())
    return any(lem in s or base in s for s in sets)


# "remained defiant", "is opposed to", "called it unlawful": objecting without an object verb
OPPOSING = frozenset({"defiant", "opposed", "critical", "unlawful", "illegal",
                      "unconstitutional", "reckless", "dangerous", "wrong", "outrageous",
                      "unacceptable", "overreach", "abuse", "inhumane", "cruel", "unjust",
                      "shameful", "disgraceful", "betrayal", "invasion", "disgrace",
                      "travesty", "outrage", "extortion", "attack", "lawless",
                      "retaliation", "revenge", "regrettable", "vindictive", "baseless",
                      "unfounded", "fabricated", "authoritarian", "bogus", "manufactured",
                      "absurd", "scam"})


# Verbs that characterise: "a decision the union called a betrayal", "a case her lawyers
# described as politically motivated"
CHARACTERISING = frozenset({"call", "label", "brand", "deem", "describe", "term", "dub"})
OPPOSING_PHRASES = ("politically motivated", "witch hunt", "power grab", "sham")


def _opposes(verb: Any) -> bool:
    """'warn against', 'rule against', 'remain defiant', 'call it unlawful', 'said …,
    calling the conditions inhumane', 'called it a betrayal', 'described it as politically
    motivated', 'cast the only vote against'."""
    characterises = verb.lemma_.lower() in CHARACTERISING
    if verb.lemma_.lower() in JUDGING and any(
            t.lemma_.lower() in VIOLATIONS for c in verb.children
            if c.dep_ not in ("nsubj", "nsubjpass") for t in c.subtree):
        return True  # "found that the soldiers had broken federal law"
    for c in verb.children:
        if characterises and ((c.dep_ in ("dobj", "obj") and c.lower_ in OPPOSING) or (
                c.dep_ == "prep" and c.lower_ == "as" and _opposing_words(c))):
            return True
        if c.dep_ in ("dobj", "obj") and c.lemma_.lower() in ("vote", "ballot") and any(
                g.dep_ == "prep" and g.lower_ == "against" for g in c.children):
            return True
        if c.dep_ == "advcl" and c.tag_ == "VBG" and c.i < verb.i and lemma_in(c, OBJECT_VERBS):
            return True  # "Defying a request from X, the council voted ..."
        if c.dep_ == "advcl" and c.lemma_.lower() in ("call", "label", "brand", "deem") \
                and c is not verb and not _children(c, "nsubj") and _opposes(c) and \
                not lemma_in(verb, DIRECT_VERBS, EXECUTE_VERBS) and verb.dep_ != "ccomp":
            # (a verb that says what its subject did keeps it: in "Trump ordered the Guard
            # into service ..., calling the move a crisis" the parser hangs the other
            # side's words on "ordered"; in "X said the agency had held them ..., calling
            # the conditions a disgrace" they are the speaker's: see _announced_act)
            return True
        if c.dep_ == "prep" and c.lower_ == "against":
            return True
        if c.dep_ in ("acomp", "oprd", "xcomp", "attr") and c.lower_ in OPPOSING:
            return True
        if c.dep_ == "ccomp" and verb.lemma_.lower() in ("call", "deem", "label", "brand") \
                and any(g.dep_ in ("acomp", "oprd", "attr") and g.lower_ in OPPOSING
                        for g in c.children):
            return True  # "called the deployment unlawful" parsed as a small clause
        if c.dep_ in ("dobj", "obj", "oprd", "xcomp", "ccomp") and verb.lemma_.lower() in (
                "call", "label", "brand", "dub", "term") and c.i > verb.i and any(
                t.lower_ in OPPOSING and (t is not c or c.dep_ != "dobj") for t in c.subtree):
            return True  # "called the plan to send troops into Chicago an abuse of power"
    return False


def _opposing_words(tok: Any) -> bool:
    words = " ".join(t.lower_ for t in tok.subtree)
    return any(w in OPPOSING for w in words.split()) or any(p in words
                                                             for p in OPPOSING_PHRASES)


def _calls_action(verb: Any) -> bool:
    """'called a strike', 'the strike was called by', 'the strike, called by': calling one
    is directing it (but 'called the walkout reckless' characterises it)."""
    if any(c.dep_ in ("oprd", "acomp", "xcomp", "ccomp", "attr") for c in verb.children):
        return False
    return verb.lemma_.lower() == "call" and (any(
        c.dep_ in ("dobj", "obj", "nsubjpass") and c.lemma_.lower() in CALLED_ACTIONS
        for c in verb.children) or (verb.dep_ == "acl"
                                    and verb.head.lemma_.lower() in CALLED_ACTIONS))


def _verb_prep_noun(verb: Any, verbs: tuple[str, ...], preps: tuple[str, ...],
                    nouns: tuple[str, ...] | frozenset[str]) -> bool:
    """``verb`` is one of ``verbs`` with a prepositional phrase ``prep noun`` among its
    children: "took X into custody", "went to court", "placed X under control"."""
    return verb.lemma_.lower() in verbs and any(
        c.dep_ == "prep" and c.lower_ in preps and any(g.lemma_.lower() in nouns
                                                      for g in c.children)
        for c in verb.children)


def _into_custody(verb: Any) -> bool:
    """'took X into custody', 'were taken into custody': an arrest in other words."""
    return _verb_prep_noun(verb, ("take", "place", "put"), ("into",), ("custody",))


# A court finding that says someone broke the law: "found that soldiers had broken federal
# law", "found probable cause to hold officials in contempt"
JUDGING = frozenset({"find", "rule", "hold", "conclude", "determine", "declare"})
VIOLATIONS = frozenset({"unlawful", "illegal", "unconstitutional", "contempt", "violate",
                        "violation", "break", "exceed", "overstep", "defy", "defiance"})
COURTS = frozenset({"court", "judge", "circuit", "justice", "tribunal", "magistrate"})
# Verbs whose object takes on what the object noun does: "joined the lawsuit" (objects),
# "backed a ban" (directs), "led the investigation" (executes)
ADOPTING = frozenset({"join", "back", "support", "endorse", "lead", "spearhead", "embrace"})
# "barred officers from firing": the officers are the would-be doers of the firing
PREVENTING = frozenset({"bar", "block", "stop", "prevent", "prohibit", "forbid", "keep",
                        "ban", "enjoin", "restrain"})
# "the deployment of troops by the White House": the one who deploys directs it
DIRECTED_NOUNS = frozenset({"deployment", "dispatch", "mobilization", "mobilisation",
                            "federalization", "federalisation"})
# "said the city would not back down": refusing to yield is objecting
YIELDING = frozenset({"back_down", "comply", "cooperate", "yield", "bow", "relent",
                      "surrender", "retreat", "give_in", "cave", "bend"})
# Offices whose holder announcing an act on people directs it ("the Home Secretary said
# families would be removed"), unlike a spokesperson or a witness who reports it
OFFICES = frozenset({"mayor", "governor", "gov.", "secretary", "minister", "president",
                     "director", "chief", "sheriff", "commissioner", "leader", "chancellor",
                     "premier", "commander", "general", "prime", "superintendent"})
POSSESSIVES = frozenset({"his", "her", "its", "their", "our", "my"})
# Verbs whose object is marked out for action: "designated the gang a terrorist
# organisation" (the gang is targeted, not sent to do something, as after "ordered")
DESIGNATING = frozenset({"designate", "proscribe", "outlaw", "blacklist"})
# Verbs that take something away from someone: "cut research grants to Harvard", "froze
# funding for the city", "revoked visas from students"
WITHHOLDING = frozenset({"cut", "freeze", "withhold", "revoke", "cancel", "terminate",
                         "slash", "strip", "claw_back", "rescind", "pull"})
CURRENCIES = frozenset({"dollar", "euro", "pound", "yen", "franc", "rupee", "yuan", "$",
                        "£", "€", "million", "billion"})


def _children(tok: Any, *deps: str) -> list[Any]:
    return [c for c in tok.children if c.dep_ in deps]


def _negated(verb: Any) -> bool:
    return any(c.dep_ == "neg" for c in verb.children)


def _court(tok: Any) -> bool:
    return any(t.lemma_.lower() in COURTS for t in tok.subtree)


def _goes_to_court(verb: Any) -> bool:
    """'went to court to stop it', 'took the state to court': a legal challenge."""
    return _verb_prep_noun(verb, ("go", "take", "head", "run", "rush"), ("to",), ("court",))


def _accused(verb: Any) -> bool:
    """'agreed to pay $10 million to settle allegations', 'pleaded guilty': the one who
    settles a charge or pleads to it was acted against."""
    lem = verb.lemma_.lower()
    if lem == "plead":
        return True
    return lem == "settle" and any(
        c.lemma_.lower() in ("allegation", "charge", "claim", "case", "lawsuit", "suit",
                             "accusation", "complaint") for c in _children(verb, "dobj", "obj"))


def _on_leave(verb: Any) -> bool:
    """'was placed on administrative leave', 'suspended' in other words."""
    return _verb_prep_noun(verb, ("place", "put", "send"), ("on",), ("leave",))


def _purpose(verb: Any) -> list[Any]:
    """What a verb is done for or with: 'marched ... to protest the arrival', 'marched ...,
    denouncing the crackdown'."""
    return [c for c in verb.children if c.dep_ in ("advcl", "xcomp") and (any(
        m.dep_ == "aux" and m.lower_ == "to" for m in c.children) or (
            c.tag_ == "VBG" and c.i > verb.i))]


def _under_control(verb: Any) -> bool:
    """'placed the city's police under federal control': taking command of it."""
    return _verb_prep_noun(verb, ("place", "put", "bring", "take"), ("under", "over"),
                           ("control", "command", "authority", "supervision"))


def _as_accused(tok: Any) -> bool:
    """``tok`` has 'as a defendant' (or suspect, respondent) among its children."""
    return any(c.dep_ == "prep" and c.lower_ == "as" and any(
        g.lemma_.lower() in ("defendant", "respondent", "suspect", "target")
        for g in c.children) for c in tok.children)


def _named_as_accused(verb: Any) -> bool:
    """'names Kristi Noem and Pete Hegseth as defendants'."""
    return verb.lemma_.lower() in ("name", "list", "add", "identify") and _as_accused(verb)


def _reported_clauses(verb: Any) -> list[Any]:
    """The clauses a speech verb reports: its complement, and a second one coordinated
    with it ('said she had not been consulted ..., and that she would seek an
    injunction', wherever the parser hangs the second 'that' clause)."""
    clauses = _children(verb, "ccomp")
    for c in list(clauses):
        clauses += [t for t in c.subtree if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")
                    and (t.head is c or any(m.dep_ == "mark" and m.lower_ == "that"
                                            for m in t.children))]
    return clauses


# What one faces or is under: "faces charges", "came under investigation"
AGAINST_ONE = frozenset({"charge", "lawsuit", "suit", "investigation", "probe", "inquiry",
                         "indictment", "prosecution", "fine", "sanction", "deportation",
                         "arrest", "eviction", "scrutiny", "fire", "subpoena", "impeachment",
                         "removal", "discipline", "penalty", "ban"})
# An apposition that says what happened to its noun: "Ruiz, the target of the raid"
PATIENT_TITLES = frozenset({"target", "victim", "defendant", "suspect", "detainee"})


def _declines_to_speak(verb: Any) -> bool:
    """'refused to comment', 'declined to say how many': a refusal to speak is no objection;
    it is read like the comment it withholds (our sets label "declined to comment" so)."""
    return verb.lemma_.lower() in REFUSALS and any(
        c.dep_ == "xcomp" and lemma_in(c, SPEECH_VERBS) for c in verb.children)


def _faces(verb: Any) -> bool:
    """'faces charges', 'came under investigation', 'is under indictment'."""
    lem = verb.lemma_.lower()
    if lem in ("face", "confront") and any(c.lemma_.lower() in AGAINST_ONE
                                           for c in _children(verb, "dobj", "obj")):
        return True
    return _verb_prep_noun(verb, ("be", "come", "remain", "fall"), ("under",), AGAINST_ONE)


def _called_for(verb: Any) -> str | None:
    """'called for an investigation' (wants it done: directs), 'called for a boycott'
    (objects)."""
    if verb.lemma_.lower() not in ("call", "press", "push", "clamor", "clamour"):
        return None
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "for":
            for g in _children(c, "pobj"):
                role = _noun_role(g)
                if role in (DIRECTS, EXECUTES):
                    return DIRECTS
                if role == OBJECTS:
                    return OBJECTS
    return None


# Calling for someone's departure, or for the release of those held, is opposing what was
# done: "marched to demand the resignation of the president", "demanded their release"
DEPARTURES = frozenset({"resignation", "ouster", "impeachment", "recall", "removal",
                        "release", "freedom", "reinstatement"})
# Nouns that name forces or their operations ("troops arrived", "the raids in Chicago")
FORCE_NOUNS = frozenset({"troop", "soldier", "marine", "guardsman", "agent", "officer",
                         "police", "force", "guard", "trooper", "deputy", "personnel",
                         "military", "army", "convoy", "unit", "member", "reservist",
                         "drone", "missile", "airstrike", "strike", "raid", "operation",
                         "sweep", "crackdown", "patrol", "deployment", "surge"})
# What agents block when they act rather than object: "blocked the plant's exits"
BARRIERS = frozenset({"exit", "entrance", "road", "street", "door", "driveway", "access",
                      "bridge", "highway", "gate", "lane", "intersection", "path", "route"})
# A refused act of help or compliance is an objection ("said city police would not assist
# the Guard"). Other negated acts keep their role: our sets label "did not immediately
# confirm" and "declined to comment" comments (making them *mentioned* cost the held-out
# set two actors).
COOPERATING = frozenset({"assist", "help", "support", "cooperate", "comply", "enforce",
                         "join", "honor", "honour", "obey", "participate"})
# Lists one is put on: "added 12 firms to its export blacklist"
BLACKLISTS = frozenset({"blacklist", "watchlist", "list"})
# Strong words that make a reported clause an objection: "'This is an invasion of our
# city,' the mayor said", "said the raids were unconstitutional" (not "dangerous" or
# "wrong": police say a suspect is dangerous)
CONDEMNING = frozenset({"unlawful", "illegal", "unconstitutional", "invasion", "abuse",
                        "overreach", "outrageous", "unacceptable", "disgrace", "travesty",
                        "betrayal", "authoritarian", "lawless", "shameful", "disgraceful",
                        "occupation"})


def _blacklists(verb: Any) -> bool:
    """'added 12 firms to its export blacklist', 'put the group on a watch list'."""
    return verb.lemma_.lower() in ("add", "put", "place") and any(
        c.dep_ == "prep" and c.lower_ in ("to", "on") and any(
            g.lemma_.lower() in BLACKLISTS and (g.lemma_.lower() != "list" or any(
                m.lemma_.lower() in ("sanction", "entity", "terror", "watch", "export")
                for m in g.children)) for g in c.children)
        for c in verb.children)


def _condemns(clause: Any) -> bool:
    """A reported clause whose predicate condemns: 'this is an invasion', 'the raids were
    unconstitutional'."""
    return any(c.dep_ in ("attr", "acomp") and (c.lower_ in CONDEMNING or any(
        m.dep_ == "amod" and m.lower_ in CONDEMNING for m in c.children))
        for c in clause.children)


def _in_protest(verb: Any) -> bool:
    """'walked out of the chamber in protest' (wherever the parser hangs 'in protest'
    after the verb)."""
    return any(c.dep_ == "prep" and c.lower_ == "in" and c.i > verb.i and any(
        g.lemma_.lower() == "protest" for g in c.children) for c in verb.subtree)


def _conditional(verb: Any) -> bool:
    """'would invoke the act "if necessary"': a condition, not an act."""
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless")
                                         for m in c.children) for c in verb.children)


def _office_holder(verb: Any) -> bool:
    """The verb's subject names an office: 'Mayor Eric Adams', 'the Home Secretary, Shabana
    Mahmood', 'Nigel Farage, the Reform UK leader' (the small model's entity types are not
    trusted here: it reads 'Shabana Mahmood' as an organisation)."""
    for subj in _children(verb, "nsubj"):
        words = [subj, *(c for c in subj.children if c.dep_ in ("compound", "appos", "amod"))]
        for w in list(words):
            words.extend(c for c in w.children if c.dep_ == "compound")
        if any(w.lower_ in OFFICES or w.lemma_.lower() in OFFICES for w in words):
            return True
    return False


def _announced_act(verb: Any, depth: int) -> tuple[str, Any] | None:
    """What a speaker's reported clause says the speaker does: 'said its drones had struck'
    (its own forces), 'said his deputies would begin detaining', 'the Home Secretary
    announced that families would be removed' (an office holder announcing an act against
    people; not a sending: 'said air defences would be sent to Ukraine' reports it),
    'said the city would not back down' (defiance)."""
    person = any(s.ent_type_ == "PERSON" or any(w.ent_type_ == "PERSON" for w in s.subtree)
                 for s in _children(verb, "nsubj"))
    for c in _reported_clauses(verb):
        if _condemns(c):
            return OBJECTS, c
        if any(s.ent_type_ == "GPE" or s.lower_ in ("city", "state", "county")
               for s in _children(c, "nsubj")) and any(
                a.dep_ == "aux" and a.lower_ in ("will", "would", "'ll") for a in c.children):
            found = _subject_role(c, depth + 1)
            if found and found[0] == OBJECTS:
                return found  # "Governor Kotek said Oregon would sue to stop it"
        if any(a.dep_ == "advcl" and a.tag_ == "VBG" and a.i > c.i and a.lemma_.lower() in
               CHARACTERISING and not _children(a, "nsubj") and _opposes(a)
               for a in c.children):
            return OBJECTS, c  # "said the agency had held them …, calling it a disgrace"
        if lemma_in(c, YIELDING) and (_negated(c) or any(
                a.dep_ == "aux" and a.lower_ in ("wo", "won't") for a in c.children)):
            return OBJECTS, c
        subj = _children(c, "nsubj")
        if subj and any(g.dep_ == "poss" and g.lower_ in POSSESSIVES
                        for g in subj[0].subtree):
            found = _subject_role(c, depth + 1)
            if found and found[0] == EXECUTES:
                return (DIRECTS if person else EXECUTES), found[1]
        future = any(a.dep_ == "aux" and a.lower_ in ("will", "would", "'ll", "shall")
                     for a in c.children)
        if future and _children(c, "nsubjpass") and lemma_in(c, TARGET_VERBS) \
                and _office_holder(verb):
            return DIRECTS, c
    return None


def _subject_role(verb: Any, depth: int = 0) -> tuple[str, Any] | None:
    """Role of the grammatical subject of ``verb`` (following 'vowed to sue' and 'and sued');
    refusing help or compliance objects ('said city police would not assist the Guard')."""
    found = _positive_role(verb, depth)
    if found is not None and _negated(verb) and lemma_in(verb, COOPERATING):
        return OBJECTS, verb
    return found


# Phrases that say the subject's role whatever the verb: "refused to comment", "called a
# strike", "took X into custody", "went to court", "placed X under control", "faces
# charges", "added X to its blacklist", "walked out in protest", "agreed to settle
# allegations"
_PHRASES = ((_declines_to_speak, COMMENTS), (_calls_action, DIRECTS),
            (_into_custody, EXECUTES), (_goes_to_court, OBJECTS), (_under_control, DIRECTS),
            (_faces, TARGETS), (_blacklists, EXECUTES), (_in_protest, OBJECTS),
            (_accused, TARGETS))


def _positive_role(verb: Any, depth: int = 0) -> tuple[str, Any] | None:
    """The role ``verb`` gives its subject, read as asserted."""
    for reads, role in _PHRASES:
        if reads(verb):
            return role, verb
    called_for = _called_for(verb)
    if called_for:
        return called_for, verb
    if lemma_in(verb, PUBLISHING) and any(c.dep_ in ("dobj", "obj") and lemma_in(c, SPEECH_NOUNS)
                                     for c in verb.children):
        # "released a statement": speaking, not acting (unless it condemns: light verb)
        return _light_verb_role(verb) or (COMMENTS, verb)
    wanted = next((c for c in verb.children if c.dep_ == "xcomp"), None)
    if lemma_in(verb, REQUESTS) and wanted is not None and any(
            c.dep_ in ("dobj", "obj") for c in verb.children):
        # "urged the commission to open an inquiry": asks it done; "asked a judge to halt
        # the raids": objects to them; asking a court for anything is a legal challenge
        # ("asked the Texas Supreme Court to remove him")
        found = _subject_role(wanted, depth + 1) if depth < 3 else None
        if (found and found[0] == OBJECTS) or any(_court(c) for c in _children(
                verb, "dobj", "obj")):
            return OBJECTS, wanted
        return DIRECTS, verb
    if verb.lemma_.lower() in ("block", "barricade", "close", "seal") and any(
            c.lemma_.lower() in BARRIERS for c in _children(verb, "dobj", "obj")) and any(
            t.lemma_.lower() in FORCE_NOUNS for c in _children(verb, "nsubj") for t in c.subtree):
        return EXECUTES, verb  # "agents blocked the plant's exits" (protesters object)
    if lemma_in(verb, ADOPTING):
        for obj in _children(verb, "dobj", "obj"):
            role = _noun_role(obj)
            if role and role != COMMENTS:  # "joined the lawsuit", "backed a ban"
                return role, obj
    if lemma_in(verb, OBJECT_VERBS) or _opposes(verb):
        return OBJECTS, verb
    if lemma_in(verb, DIRECT_VERBS):
        return DIRECTS, verb
    if verb.lemma_.lower() in ("demand", "seek", "call_for") and any(
            c.lemma_.lower() in DEPARTURES for c in _children(verb, "dobj", "obj")):
        return OBJECTS, verb  # "to demand the resignation of the president"
    if verb.lemma_.lower() in ("demand", "insist") and (any(
            lemma_in(c, TARGET_VERBS, DIRECT_VERBS, EXECUTE_VERBS) for c in _children(
                verb, "ccomp")) or any(lemma_in(c, PATIENT_NOUNS) for c in _children(
                verb, "dobj", "obj"))):
        return DIRECTS, verb  # "demanded that he be charged", "demanded his arrest"
    if lemma_in(verb, EXECUTE_VERBS):
        for c in _purpose(verb):  # "marched through downtown to protest the arrival"
            found = _subject_role(c, depth + 1) if depth < 3 else None
            # "moved to federalize the Guard": what it moved to do
            if found and (found[0] == OBJECTS or (c.dep_ == "xcomp" and found[0] != COMMENTS)):
                return found
        return EXECUTES, verb
    if depth < 3:
        for child in verb.children:
            # "vowed to sue"; "walked off the job to protest against the cuts"
            if child.dep_ == "xcomp" or (child.dep_ == "advcl" and any(
                    m.dep_ == "aux" and m.lower_ == "to" for m in child.children)):
                found = _subject_role(child, depth + 1)
                if found:
                    return found
    if lemma_in(verb, LIGHT_VERBS):
        found = _light_verb_role(verb)
        if found:
            return found
    if lemma_in(verb, SPEECH_VERBS):
        # "Apple said it would appeal": the speaker announcing its own act
        for c in _reported_clauses(verb):  # "... and that she would seek an injunction"
            if any(s.dep_ in ("nsubj", "nsubjpass") and s.lower_ in (
                    "it", "we", "they", "he", "she", "i") for s in c.children) and \
                    not _conditional(c):
                found = _subject_role(c, depth + 1)
                if found and found[0] in (OBJECTS, DIRECTS, EXECUTES):
                    return found
        for c in verb.children:  # "announced a task force, directing the Guard to patrol"
            if c.dep_ == "advcl" and c.tag_ == "VBG" and c.i > verb.i and depth < 3:
                found = _subject_role(c, depth + 1)
                if found and found[0] in (OBJECTS, DIRECTS, EXECUTES):
                    return found
        if depth < 3:
            found = _announced_act(verb, depth)
            if found:
                return found
            # "called the indictment revenge and vowed to fight it"
            found = _conj_role(verb, depth)
            if found and found[0] != COMMENTS:
                return found
        return COMMENTS, verb
    return _conj_role(verb, depth) if depth < 3 else None


def _conj_role(verb: Any, depth: int) -> tuple[str, Any] | None:
    """The role a coordinated verb that shares this verb's subject gives it ('objected and
    sued'); a coordinated clause with a subject of its own ('..., and 20 states sued')
    says nothing of this one's."""
    for child in verb.children:
        if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") and not _children(
                child, "nsubj", "nsubjpass", "expl"):
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
    if noun.lemma_.lower() == "action" and any(c.lower_ == "legal" for c in noun.children):
        return OBJECTS  # "a threat of legal action"
    if noun.lemma_.lower() in ("threat", "warning", "prospect"):
        for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
            for obj in _children(prep, "pobj"):
                role = _noun_role(obj)
                if role:
                    return role
    if lemma_in(noun, EXEC_NOUNS):
        return EXECUTES
    if lemma_in(noun, DIRECT_NOUNS):
        return DIRECTS
    if lemma_in(noun, OBJECT_NOUNS):
        return OBJECTS
    if lemma_in(noun, SPEECH_NOUNS):
        return COMMENTS
    return None


def role_of(span: Any) -> tuple[str, str]:
    """``(role, why)`` for a spaCy Span naming an actor."""
    tok = span.root
    if _as_accused(tok):  # "names Ellen Tate as a defendant", with "names" read as a noun
        return TARGETS, f"'{tok.text} as a defendant'"
    for c in _children(tok, "appos"):  # "Ana Ruiz, the target of Tuesday's raid"
        if c.lemma_.lower() in PATIENT_TITLES:
            return TARGETS, f"'{tok.text}, the {c.text}'"
    for _ in range(4):  # climb from "ICE" in "ICE agents" / "Trump's order" / appositions
        dep, head = tok.dep_, tok.head
        if head is tok:
            break
        if dep in ("compound", "nmod") and head.lemma_.lower() in CURRENCIES and \
                head.dep_ in ("dobj", "obj") and lemma_in(head.head, TARGET_VERBS):
            # "fined Apple 500 million euros", read as a name inside the amount
            return TARGETS, f"fined or charged ('{head.head.text} {tok.text}')"
        if dep in ("compound", "poss", "nmod", "amod") and head.pos_ in ("NOUN", "PROPN"):
            role = _noun_role(head)
            if role:
                return role, f"{dep} of '{head.text}'"
            if lemma_in(head, AGENT_NOUNS) or dep == "compound":
                tok = head
                continue
            if dep == "poss":  # "an investigation into X's billing practices"
                inherited, why = clause_role(head)
                if inherited == TARGETS:
                    return TARGETS, f"'{tok.text}'s {head.text}': {why}"
            break
        if dep == "appos" and head.dep_ == "pobj" and head.head.lower_ == "of" and \
                head.head.head.lemma_.lower() in OFFICES:
            # "The governor of Illinois, J.B. Pritzker, said": the apposition names the
            # governor, though the parser hangs it on "Illinois"
            tok = head.head.head
            continue
        if dep in ("appos", "conj") and head.pos_ in ("NOUN", "PROPN", "PRON"):
            tok = head
            continue
        # "a spokesperson for the Home Office", "thousands of nurses", "officers from the
        # Los Angeles Police Department": the role of the
        # people who speak or act for it
        if dep == "pobj" and head.lower_ in ("for", "of", "from", "with") and head.head.pos_ in (
                "NOUN", "PROPN", "NUM", "PRON") and lemma_in(head.head, AGENT_NOUNS,
                                                        QUANTITY_NOUNS):
            tok = head.head
            continue
        break
    role, why = clause_role(tok)
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
               for c in rel.children) and lemma_in(rel, TARGET_VERBS, OBJECT_VERBS):
            return TARGETS, f"passive subject of '{rel.text}' (relative clause)"
        if any(c.dep_ in ("dobj", "obj") and c.lower_ in ("whom", "which", "that", "who")
               for c in rel.children) and lemma_in(rel, TARGET_VERBS, DESIGNATING):
            # "the gang, which Washington has designated a terrorist organization"
            return TARGETS, f"object of '{rel.text}' (relative clause)"
    return role, why


def clause_role(tok: Any, depth: int = 0) -> tuple[str, str]:
    """The role the clause gives the noun ``tok`` (subject, passive subject, object,
    agent, or a noun phrase around it). An act denied ("Los Angeles is not occupied",
    "troops never entered the city") targets no one: the noun is only mentioned."""
    role, why = _asserted_clause_role(tok, depth)
    if role in (TARGETS, EXECUTES) and tok.dep_ in ("nsubjpass", "dobj", "obj") \
            and denied(tok.head):  # "were not sent": neither sent nor sending
        return MENTIONED, f"{why}, denied"
    return role, why


def denied(verb: Any) -> bool:
    """Whether the clause of ``verb`` says its act did not happen ("is not occupied",
    "never entered")."""
    return _negated(verb) or any(c.lower_ == "never" and c.dep_ == "advmod"
                                 for c in verb.children)


def _asserted_clause_role(tok: Any, depth: int = 0) -> tuple[str, str]:
    """:func:`clause_role`, the clause read as asserted."""
    dep, head = tok.dep_, tok.head
    if dep in ("nsubj", "csubj"):
        found = _subject_role(head)
        if found:
            return found[0], f"subject of '{found[1].text}'"
        if head.dep_ in ("ccomp", "xcomp") and head.tag_ in ("VB", "VBP") and \
                head.head.lemma_.lower() in (
                "let", "allow", "permit", "make", "have"):
            # "agreed to let ICE agents operate on Rikers Island": allowed to act
            return EXECUTES, f"let '{head.text}' by '{head.head.text}'"
        # "Leading the charge were A, B and C": the copula's gerund gives the role
        for c in head.children:
            if c.tag_ == "VBG" and c.dep_ in ("csubj", "advcl", "acomp", "xcomp"):
                found = _subject_role(c)
                if found:
                    return found[0], f"'{c.text} …' with '{head.text}'"
        for c in head.children:  # "Deported in March, X was returned ..."
            if c.dep_ == "advcl" and c.tag_ == "VBN" and c.i < tok.i and \
                    lemma_in(c, TARGET_VERBS):
                return TARGETS, f"'{c.text} …' said of it"
    elif dep == "nsubjpass":
        if _into_custody(head) or _on_leave(head):
            return TARGETS, f"taken into custody or put on leave ('{head.text}')"
        for c in head.children:
            if c.dep_ == "advcl" and c.tag_ == "VBN" and c.i < tok.i and \
                    lemma_in(c, TARGET_VERBS):
                return TARGETS, f"'{c.text} …' said of it"
        if _under_control(head):
            return TARGETS, f"placed under control ('{head.text}')"
        if lemma_in(head, DESIGNATING):
            return TARGETS, f"passive subject of '{head.text}'"
        if lemma_in(head, DIRECT_VERBS):
            return EXECUTES, f"passive subject of '{head.text}'"
        if lemma_in(head, TARGET_VERBS, OBJECT_VERBS, EXECUTE_VERBS):
            return TARGETS, f"passive subject of '{head.text}'"
        for c in _children(head, "conj"):  # "was forced to the ground and handcuffed"
            if c.tag_ == "VBN" and lemma_in(c, TARGET_VERBS) and not _children(c, "nsubjpass"):
                return TARGETS, f"passive subject of '{c.text}'"
    elif dep == "pobj":
        prep = head
        if prep.lower_ == "against":
            return TARGETS, f"'against {tok.text}'"
        if prep.dep_ == "agent" or (prep.lower_ == "by" and prep.head.tag_ == "VBN"):
            verb = prep.head
            if verb.dep_ == "acl" and depth < 2 and (verb.lemma_.lower() == "join" or (
                    verb.lemma_.lower() == "lead" and not _noun_role(verb.head))):
                # "Rayfield, joined by the city of Portland, asked ...", "the FCC, led by
                # Brendan Carr, threatened ...": the role of those it joins or leads (but
                # "the raid, led by the FBI": the noun says what is done)
                return clause_role(verb.head, depth + 1)
            if verb.dep_ == "advcl" and verb.lemma_.lower() == "join":
                # "Mayor Brandt, joined by the tenants' union, asked a judge ...", the
                # participle hung on the main verb: the role its subject has
                found = _subject_role(verb.head)
                if found:
                    return found[0], f"joined '{found[1].text}'"
            if verb.dep_ == "acl" and lemma_in(verb.head, SPEECH_NOUNS):
                return COMMENTS, f"'{verb.head.text} {verb.text} by {tok.text}'"
            if lemma_in(verb, DIRECT_VERBS) or _calls_action(verb):
                return DIRECTS, f"agent of passive '{verb.text}'"
            if lemma_in(verb, OBJECT_VERBS):
                return OBJECTS, f"agent of passive '{verb.text}'"
            if lemma_in(verb, EXECUTE_VERBS, TARGET_VERBS):
                return EXECUTES, f"agent of passive '{verb.text}'"
            if lemma_in(verb, SPEECH_VERBS):
                return COMMENTS, f"agent of passive '{verb.text}'"
            if verb.dep_ == "acl" and verb.head.pos_ == "NOUN":
                # a verb that says nothing itself: "the lawsuit, brought by the ACLU":
                # the noun says what was done
                role = _noun_role(verb.head)
                if role:
                    return role, f"'{verb.head.text} {verb.text} by {tok.text}'"
        if prep.lower_ in ("into", "against") and lemma_in(prep.head, LIGHT_VERBS) and any(
                c.dep_ in ("dobj", "obj") and _noun_role(c) for c in prep.head.children):
            # "opened an investigation into X", with "into" read as the verb's
            return TARGETS, f"'{prep.head.text} … {prep.text} {tok.text}'"
        if prep.lower_ == "to" and prep.head.lower_ == "according":
            return COMMENTS, "'according to'"
        if prep.lower_ == "at" and lemma_in(prep.head, AIMED_VERBS):
            return TARGETS, f"'{prep.head.text} … at {tok.text}'"
        if prep.lower_ in ("to", "from", "for") and lemma_in(prep.head, WITHHOLDING):
            return TARGETS, f"'{prep.head.text} … {prep.text} {tok.text}'"
        if prep.lower_ == "from" and prep.head.lemma_.lower() in RECEIVING:
            # "drew a sharp rebuke from X", "received an order from X": X did the noun
            for obj in prep.head.children:
                role = _noun_role(obj) if obj.dep_ in ("dobj", "obj") else None
                if role:
                    return role, f"'{obj.text} from {tok.text}'"
        noun = prep.head
        if noun.pos_ in ("NOUN", "PROPN"):
            role = _noun_role(noun)
            if prep.lower_ == "of" and lemma_in(noun, PATIENT_NOUNS):  # the arrest of X
                return TARGETS, f"'{noun.text} of {tok.text}'"
            if prep.lower_ == "by" and lemma_in(noun, PATIENT_NOUNS):  # the firing by the board
                return EXECUTES, f"'{noun.text} by {tok.text}'"
            if prep.lower_ == "by" and noun.lemma_.lower() in DIRECTED_NOUNS:
                return DIRECTS, f"'{noun.text} by {tok.text}'"
            if prep.lower_ in ("by", "of"):  # "the decision by Judge Perry to bar troops"
                for acl in _children(noun, "acl"):
                    if any(m.dep_ == "aux" and m.lower_ == "to" for m in acl.children):
                        found = _subject_role(acl, 2)
                        if found and found[0] != COMMENTS:
                            return found[0], f"'{noun.text} {prep.text} {tok.text} to " \
                                             f"{acl.text}'"
            # "an investigation into X"; not what speech is on ("a post on Truth Social",
            # "a statement on the raids": where it appeared, what it is about)
            if role and role != COMMENTS and prep.lower_ in TARGET_PREPS:
                return TARGETS, f"'{noun.text} {prep.text} {tok.text}'"
            if role == DIRECTS and prep.lower_ in ("of", "from", "by"):
                return DIRECTS, f"'{noun.text} {prep.text} {tok.text}'"  # at the request of
            if role and prep.lower_ in ("of", "by", "from"):
                return role, f"'{noun.text} {prep.text} {tok.text}'"  # the objection of X
            if prep.lower_ in ("of", "from") and depth < 2 and noun.dep_ in (
                    "dobj", "obj", "nsubjpass") and not lemma_in(noun.head, OBJECT_VERBS):
                # (but "criticised the treatment of migrants" is not against migrants)
                # "the records of X", "subpoenaed records from X's factory"
                inherited, why = clause_role(noun, depth + 1)
                if inherited == TARGETS:
                    return TARGETS, f"'{noun.text} of {tok.text}': {why}"
    elif dep in ("dobj", "obj", "dative"):
        if _into_custody(head) or _on_leave(head):
            return TARGETS, f"taken into custody or put on leave ('{head.text}')"
        if _under_control(head) or _named_as_accused(head) or lemma_in(head, DESIGNATING) or \
                _blacklists(head):
            return TARGETS, f"object of '{head.text}'"
        if lemma_in(head, PREVENTING):  # "barred federal officers from firing tear gas"
            for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ == "from"):
                for act in _children(prep, "pcomp"):
                    found = _subject_role(act, 2)
                    if found and found[0] in (DIRECTS, EXECUTES):
                        # "from deploying" (no object): the ones who would be deployed
                        role = found[0] if _children(act, "dobj", "obj") else EXECUTES
                        return role, f"'{head.text} {tok.text} from {act.text}'"
        if head.dep_ == "xcomp" and lemma_in(head.head, REFUSALS):
            return MENTIONED, f"object of a refused '{head.text}'"
        if lemma_in(head, TARGET_VERBS, OBJECT_VERBS):  # "banned the group": acted against
            return TARGETS, f"object of '{head.text}'"
        if lemma_in(head, DIRECT_VERBS):  # "ordered troops to ...": sent to do it
            return EXECUTES, f"object of '{head.text}'"
    return MENTIONED, "no grammatical cue"


def primary_role(roles: dict[str, int]) -> str:
    """The most consequential role an actor plays in the document."""
    if not roles:
        return MENTIONED
    return min(roles, key=lambda r: PRIORITY.get(r, 99))
