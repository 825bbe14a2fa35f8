"""The ``actors`` pipeline component: linked actor mentions with offices and roles.

Adds an ``actor`` layer (one span per mention: name, title, office phrase or pronoun, with
``actor_id``, ``name``, ``office`` held on the document's date and the ``role`` the grammar
gives it) and ``doc.results["actors"]``: one row per actor with its roles and mention count.
People and organisations spaCy finds that the knowledge base does not know are kept as
*unlinked* actors, so a judge or a local police chief still gets a role.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rhetorica.actors.kb import KnowledgeBase, doc_day, get_kb
from rhetorica.actors.places import place_role
from rhetorica.actors.resolve import Mention, Resolver
from rhetorica.actors.roles import COMMENTS, MENTIONED, primary_role, role_of
from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.nlp.parse import ensure_parsed
from rhetorica.nlp.segment import on_headline

LAYER = "actor"
_ENTITY_KINDS = {"PERSON": "person", "ORG": "organisation"}
_RESOLVERS: dict[int, Resolver] = {}


# A bare department word is not an actor ("Defense said" is a headline's shorthand that the
# article spells out); a label used as an insult is not a person ("Illegals").
BARE_DEPARTMENTS = frozenset({"defense", "justice", "state", "homeland", "treasury",
                              "interior", "labor", "energy", "commerce", "defence",
                              "security", "police", "congress"})
OFFICE_WORDS = frozenset({"secretary", "spokesperson", "spokesman", "spokeswoman",
                          "director", "officer", "chief", "minister", "adviser", "advisor",
                          "aide", "correspondent", "editor", "mayor", "governor", "sheriff",
                          "commissioner", "superintendent"})
TITLE_WORDS = frozenset({"president", "senator", "representative", "congressman",
                         "congresswoman", "alderman", "councillor", "judge", "attorney",
                         "general", "capitol"})
LAW_WORDS = frozenset({"act", "law", "code", "amendment", "treaty", "accord", "accords",
                       "bill", "statute", "ordinance", "clause", "doctrine"})


def charged(word: str) -> bool:
    """A word the rhetoric lexicon lists as charged wording ("hellhole", "traitors")."""
    from rhetorica.rhetoric.lexicon import load_lexicon

    lex = load_lexicon()
    return any(word in terms for terms in lex.words.values())


INSULT_LABELS = frozenset({"illegals", "aliens", "invaders", "thugs", "rioters", "looters",
                           "savages", "animals", "vermin", "criminals", "insurrectionists"})


def _junk(ent: Any, text: str) -> bool:
    """Entities spaCy finds in news that are not actors: headline fragments with a verb in
    them ("Trump Orders Crackdown"), contractions and stray quote marks, bare department
    words, insult labels."""
    low = text.lower().strip()
    if any(ch in text for ch in "\"“”‘") or "n't" in low or not any(c.isalpha() for c in text):
        return True
    words = low.split()
    if len(words) == 1 and (low in BARE_DEPARTMENTS or low in INSULT_LABELS
                            or low in OFFICE_WORDS or low in TITLE_WORDS):
        return True  # "Governor" of a headline: an office without its holder
    if len(words) >= 2 and words[-1] in LAW_WORDS:
        return True  # "the Immigration Reform and Control Act of 1986": a law, not an actor
    if len(words) == 1 and text.isupper() and len(text) > 5 and charged(low):
        return True  # a post's "HELLHOLE", read as an organisation for its capitals
    if all(w in INSULT_LABELS or w in ("and", "or", "&") for w in words):
        return True  # "Illegals and Criminals"
    if len(words) == 1 and ent.root.dep_ == "compound" and \
            ent.root.head.lemma_.lower() in OFFICE_WORDS:
        return True  # "Press secretary Karoline Leavitt": part of a title, not an actor
    if len(words) >= 3 and any(t.pos_ == "VERB" or t.tag_ in ("VBZ", "VBD") for t in ent):
        return True
    # a name of three or more words on a headline line ("Trump Orders Crackdown on
    # Protesters"): title case hides the verb from the tagger
    return len(words) >= 3 and on_headline(ent.doc.text, ent.start_char)


# Heads of noun phrases that name a collective or unnamed actor in news: "federal agents",
# "police", "16 people", "the union", "a person familiar with the matter". They are actors
# when the grammar gives them a role (an unnamed source that comments, protesters who are
# arrested, agents who carry out a raid); a group only named is left out.
GROUP_NOUNS = frozenset({
    "police", "agent", "officer", "trooper", "troop", "soldier", "guardsman", "marine",
    "deputy", "protester", "protestor", "demonstrator", "activist", "migrant", "immigrant",
    "refugee", "seeker", "resident", "official", "people", "person", "nurse", "worker",
    "union", "prosecutor", "investigator", "witness", "student", "teacher", "journalist",
    "reporter", "lawmaker", "legislator", "voter", "employee", "staff", "volunteer",
    "board", "council", "court", "city", "county", "state", "administration",
    "government", "agency", "department", "ministry", "company", "firm", "group",
    "network", "campaign", "party", "judge", "jury", "prefect", "mayor", "governor",
    "authority", "member", "leader", "organiser", "organizer", "detainee", "source",
    "aide", "spokesperson", "spokesman", "spokeswoman", "analyst", "expert", "critic",
    # people acted upon or sent in news of raids, disasters and strikes
    "team", "crew", "family", "deportee", "inmate", "prisoner", "defendant", "suspect",
    "victim", "broadcaster", "diver", "rescuer", "firefighter", "professor", "lender",
    "landlord", "tenant", "farmer", "contractor", "clergy", "camper", "patient",
    "force", "marshal", "military", "army", "lawyer", "attorney", "dockworker", "barista",
    "reservist", "fighter", "militant", "negotiator", "regulator", "inspector",
})
# Named words that only qualify a group ("Israeli forces", "U.S. marshals", "Ukraine's
# military"): the group is the actor, not the country or people it belongs to (unless the
# name is an actor of the knowledge base: "ICE agents" are ICE's).
QUALIFIER_DEPS = frozenset({"amod", "compound", "poss", "nmod", "npadvmod"})


def _group_mentions(parsed: Any, mentions: list[Mention]
                    ) -> tuple[list[Mention], set[int]]:
    """Collective and unnamed actors the entity reader does not give: noun phrases headed
    by :data:`GROUP_NOUNS` that play a role, outside every named mention except one that
    only qualifies the group (:data:`QUALIFIER_DEPS`); returns them and the starts of the
    named mentions they take in."""
    out, absorbed = [], set()
    for chunk in parsed.noun_chunks:
        root = chunk.root
        if root.lemma_.lower() not in GROUP_NOUNS or root.pos_ not in ("NOUN", "PROPN"):
            continue
        start, end = chunk.start_char, chunk.end_char
        inside = [m for m in mentions if m.start < end and start < m.end]
        if any(not _qualifies(parsed, m, root) for m in inside):
            continue
        role, _why = role_of(chunk)
        if role == MENTIONED:
            continue
        absorbed.update(m.start for m in inside)
        text = parsed.text[start:end]
        name = text[4:] if text.lower().startswith("the ") else text
        out.append(Mention(start, end, None, "group", name=name, attrs={"type": "group"}))
    return out, absorbed


PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})
# Words after a number that make it an amount, not part of a name ("Studio 54", "Local 1199")
AMOUNT_WORDS = frozenset({"million", "billion", "thousand", "trillion", "euros", "dollars",
                          "pounds", "percent", "%", "m", "bn"})


def _place_mentions(parsed: Any, mentions: list[Mention]) -> list[Mention]:
    """Places the grammar makes actors of: a city troops are sent to or agents fan out
    across (targeted), a state that sues (objects). A place that only says where something
    happened, or qualifies another noun ("Chicago police", "Oregon's governor"), is no
    actor; nor is one inside another mention."""
    out = []
    for ent in parsed.ents:
        if ent.label_ not in PLACE_ENTITIES:
            continue
        start, end = ent.start_char, ent.end_char
        text = parsed.text[start:end]
        if text.lower().startswith("the "):
            start, text = start + 4, text[4:]
        if any(m.start < end and start < m.end for m in mentions) or not text.strip():
            continue
        root = ent.root
        if root.dep_ in QUALIFIER_DEPS and root.head.pos_ in ("NOUN", "PROPN") and \
                root.head.ent_type_ not in PLACE_ENTITIES:
            continue
        role, _why = place_role(ent)
        if role in (MENTIONED, COMMENTS):
            continue
        out.append(Mention(start, end, None, "place", name=text,
                           attrs={"type": "place", "person": False}))
    return out


def _not_places(mentions: list[Mention], parsed: Any) -> list[Mention]:
    """Drops a bare surname the entity reader calls a place ("protesters gathered in
    Austin" is the city, not Lloyd Austin), unless the actor was named in full earlier."""
    places = [(e.start_char, e.end_char) for e in parsed.ents if e.label_ in PLACE_ENTITIES]
    named: set[str] = set()
    out = []
    for m in sorted(mentions, key=lambda m: m.start):
        if m.how == "surname" and m.actor is not None and m.actor.id not in named and any(
                s <= m.start and m.end <= e for s, e in places):
            continue
        if m.actor is not None:
            named.add(m.actor.id)
        out.append(m)
    return out


_MINOR = frozenset({"of", "and", "the", "for", "on", "in", "&"})


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _MINOR and w[:1].isalpha())


def _same_names(mentions: list[Mention]) -> list[Mention]:
    """One actor under two names: a bare group word after the group named in full
    ("Agents blocked the exits" after "Federal agents arrested 47 people"), an acronym after
    the name it abbreviates ("the CWU" after "the Communication Workers Union")."""
    groups: list[str] = []
    unlinked: list[str] = []
    for m in mentions:
        if m.actor is not None:
            continue
        if m.attrs.get("type") == "group":
            word = m.name.lower().split()
            fuller = [g for g in groups if len(word) == 1 and g.lower().split()[-1:] == word]
            if fuller:
                m.name = fuller[-1]
            groups.append(m.name)
        elif m.attrs.get("type") != "place":
            name = m.name.strip()
            if name.isupper() and 2 <= len(name) <= 6:
                full = [u for u in unlinked if _initials(u) == name]
                if full:
                    m.name = full[-1]
            unlinked.append(m.name)
    return mentions


def _qualifies(parsed: Any, m: Mention, root: Any) -> bool:
    """The named mention ``m`` lies before the group's head word and qualifies it, and is
    no actor of the knowledge base ("ICE agents" stay ICE, linked and sourced)."""
    return m.actor is None and m.end <= root.idx and any(
        t.dep_ in QUALIFIER_DEPS and t.head == root
        for t in parsed.char_span(m.start, m.end, alignment_mode="expand") or ())


def resolver_for(kb: KnowledgeBase) -> Resolver:
    key = id(kb)
    if key not in _RESOLVERS:
        _RESOLVERS[key] = Resolver(kb)
    return _RESOLVERS[key]


class Actors:
    name = "actors"

    def __init__(self, settings: Settings, kb_files: tuple[str, ...] = ()) -> None:
        self.settings = settings
        self.kb = get_kb(kb_files)
        self.resolver = resolver_for(self.kb)

    def __call__(self, doc: Document) -> Document:
        parsed = ensure_parsed(doc, self.settings)
        doc.remove_layer(LAYER)
        day = doc_day(doc.meta.date)
        sentences = [(s.start_char, s.end_char) for s in parsed.sents]
        entities = []
        for ent in parsed.ents:
            if ent.label_ not in _ENTITY_KINDS:
                continue
            start, end = ent.start_char, ent.end_char
            if doc.text[start:end].lower().startswith("the "):
                start += 4
            for tok in ent:  # "Meta 798 million": the name ends where an amount begins
                if tok.like_num and tok.idx > start and tok.i + 1 < len(tok.doc) and \
                        tok.doc[tok.i + 1].lower_ in AMOUNT_WORDS:
                    end = tok.idx
                    break
            while end > start and doc.text[end - 1] in " .,;:'\"’":
                end -= 1
            if doc.text[start:end].endswith(("'s", "’s")):
                end -= 2
            if end > start and not _junk(ent, doc.text[start:end]):
                entities.append((start, end, doc.text[start:end], _ENTITY_KINDS[ent.label_]))
        mentions = _not_places(self.resolver.resolve(doc.text, day, sentences, entities,
                                                     doc.meta.speaker), parsed)
        groups, absorbed = _group_mentions(parsed, mentions)
        mentions = [*(m for m in mentions if m.start not in absorbed), *groups]
        mentions = _same_names(sorted([*mentions, *_place_mentions(parsed, mentions)],
                                      key=lambda m: m.start))
        rows: dict[str, dict[str, Any]] = {}
        for m in mentions:
            span = parsed.char_span(m.start, m.end, alignment_mode="expand")
            read = place_role if m.attrs.get("type") == "place" else role_of
            role, why = read(span) if span is not None and len(span) else (MENTIONED, "")
            attrs = self._attrs(m, day, role)
            doc.add_span(m.start, m.end, role, layer=LAYER, source=self.name,
                         explanation=f"{attrs['name']} ({m.how}); {role}: {why}", attrs=attrs)
            row = rows.setdefault(m.key, {
                "id": attrs["actor_id"], "name": attrs["name"], "type": attrs["type"],
                "office": attrs.get("office"), "office_id": attrs.get("office_id"),
                "linked": m.actor is not None, "roles": Counter(), "mentions": 0,
                "first": m.start, "sources": list(m.actor.sources) if m.actor else [],
            })
            row["roles"][role] += 1
            row["mentions"] += 1
        actors = []
        for row in sorted(rows.values(), key=lambda r: r["first"]):
            roles = dict(row.pop("roles"))
            actors.append({**row, "role": primary_role({r: n for r, n in roles.items()
                                                        if r != MENTIONED}), "roles": roles})
        doc.results["actors"] = {
            "as_of": day.isoformat(),
            "date_from": "document" if doc.meta.date and day.isoformat() ==
            str(doc.meta.date).strip()[:10] else "today",
            "actors": actors,
            "knowledge_base": self.kb.files,
        }
        return doc

    def _attrs(self, m: Mention, day: Any, role: str) -> dict[str, Any]:
        attrs: dict[str, Any] = {"actor_id": m.key, "name": m.name, "role": role, "how": m.how,
                                 "linked": m.actor is not None}
        if m.actor is None:
            attrs["type"] = m.attrs.get("type") or (
                "person" if m.attrs.get("person", True) else "organisation")
            return attrs
        attrs["type"] = m.actor.type
        if m.actor.kind:
            attrs["kind"] = m.actor.kind
        held = self.kb.office_on(m.actor, day)
        if held:
            office, pos = held
            attrs["office"] = office.title + (" (acting)" if pos.acting else "")
            attrs["office_id"] = office.id
        if "antecedent" in m.attrs:
            attrs["antecedent"] = m.attrs["antecedent"]
        return attrs


def make_actors(settings: Settings) -> Actors:
    return Actors(settings)
