"""Mention resolution: which knowledge-base actor each name, title or pronoun points to.

Works left to right through one document, keeping the actors already introduced, because
that is how a reader resolves "the Governor" or "she": to the most recent compatible actor.
Office phrases ("the mayor of Chicago", "the Attorney General") resolve to whoever held the
office on the document's date, so the same words mean Lightfoot in 2020 and Johnson in 2025.
Bare surnames that are also common words are only accepted after a title ("Mayor
Johnson") or once the full name has appeared, which keeps "Young people" out.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from rhetorica.actors.kb import Actor, KnowledgeBase

GENERIC_TITLES = {
    "President": "president", "Governor": "governor", "Gov.": "governor", "Gov": "governor",
    "Mayor": "mayor", "Secretary": "secretary", "Attorney General": "attorney_general",
    "AG": "attorney_general", "Sec.": "secretary",
}
BARE_ROLES = {"governor": "governor", "mayor": "mayor", "secretary": "secretary",
              "attorney general": "attorney_general", "president": "president"}
PRONOUNS = {
    "he": "he", "him": "he", "his": "he", "himself": "he",
    "she": "she", "her": "she", "hers": "she", "herself": "she",
    "they": "they", "them": "they", "their": "they", "theirs": "they",
}
FIRST_PERSON = {"i", "me", "my", "mine", "myself"}
US_STATES = frozenset([
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
    "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
    "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "Ohio",
    "Oklahoma", "Oregon", "Pennsylvania", "Tennessee", "Texas", "Utah", "Vermont",
    "Virginia", "Washington", "Wisconsin", "Wyoming", "State", "state",
]) | {"New York", "New Jersey", "New Mexico", "New Hampshire", "North Carolina",
                    "South Carolina", "North Dakota", "South Dakota", "Rhode Island",
                    "West Virginia"}
LOOKBACK = 200  # mentions searched back for "the Governor" or an unlinked surname
_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’-]*){0,2}"


@dataclass
class Mention:
    start: int
    end: int
    actor: Actor | None
    how: str  # name | alias | surname | title | office | role | pronoun | speaker | entity
    name: str = ""  # for actors outside the knowledge base
    office_id: str | None = None  # the office the words themselves name, if any
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        if self.actor:
            return self.actor.id
        prefix = self.attrs.get("type") if self.attrs.get("type") in ("group", "place") \
            else "unlinked"
        return f"{prefix}:{self.name.lower() if prefix == 'group' else self.name}"


@dataclass
class _Cand:
    start: int
    end: int
    kind: str  # fixed | titled | surname | office | role | pronoun | entity
    actor: Actor | None = None
    options: tuple[Actor, ...] = ()
    role: str = ""
    office_id: str | None = None
    name: str = ""
    title_role: str = ""


def _word_re(phrase: str, flags: int = 0) -> re.Pattern[str]:
    body = re.escape(phrase).replace(r"\ ", r"\s+")
    if body.startswith("the"):  # "The President" opens a sentence as often as not
        body = "[Tt]" + body[1:]
    return re.compile(r"(?<![\w.])" + body + r"(?![\w])", flags)


class _Multi:
    """Many patterns, each guarded by a literal key that must occur in the text: a long
    document is only scanned for the handful of knowledge-base entries it can contain."""

    def __init__(self, items: list[tuple[str, re.Pattern[str], Any]]) -> None:
        self.items = items

    def finditer(self, text: str):
        for key, pattern, payload in self.items:
            if key in text:
                for m in pattern.finditer(text):
                    yield m, payload


def _key(phrase: str) -> str:
    """The longest word of a phrase, minus a leading 'the' (which may be capitalised)."""
    return max(phrase.split(), key=len)


class Resolver:
    """Built once per knowledge base; :meth:`resolve` runs per document."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.fixed: list[tuple[str, re.Pattern[str], Actor]] = []
        self.surnames: dict[str, list[Actor]] = {}
        self.by_name: dict[str, Actor] = {}
        for actor in kb.actors.values():
            forms = [(actor.name, "name"), *((a, "alias") for a in actor.aliases)]
            for form, _how in forms:
                single = len(form.split()) == 1
                if actor.type == "person" and single:
                    self.surnames.setdefault(form, []).append(actor)
                    continue
                # Case-sensitive: "ICE" is the agency, "ice" is frozen water.
                self.fixed.append((form, _word_re(form), actor))
                self.by_name[form.lower()] = actor
            if actor.surname and actor not in self.surnames.get(actor.surname, []):
                # Derived surnames need support (a title or an earlier full name).
                self.surnames.setdefault(f"~{actor.surname}", []).append(actor)
        # Titles that may precede a name: generic ones plus each office's own.
        titles: dict[str, str] = dict(GENERIC_TITLES)
        for office in kb.offices.values():
            for t in office.titles:
                titles.setdefault(t, office.role)
            if office.place and office.role in ("governor", "mayor"):
                for place in (office.place, *office.place_aliases):
                    titles[f"{place} {office.role.capitalize()}"] = office.role
        self.title_role = titles
        alts = "|".join(re.escape(t).replace(r"\ ", r"\s+")
                        for t in sorted(titles, key=len, reverse=True))
        self.titled = re.compile(
            rf"(?<![\w.])(?P<former>(?i:former|then-|then)\s*)?(?P<title>{alts})\s+"
            rf"(?P<name>{_NAME})")
        # Office phrases, resolved by date.
        self.office_phrases: list[tuple[str, re.Pattern[str], str]] = []
        for office in kb.offices.values():
            for phrase in office.phrases:
                self.office_phrases.append((_key(phrase), _word_re(phrase), office.id))
            if office.place and office.role in ("governor", "mayor"):
                role = office.role
                for place in (office.place, *office.place_aliases):
                    p = re.escape(place).replace(r"\ ", r"\s+")
                    of_place = (rf"(?:the\s+)?(?i:{role})\s+of\s+"
                                rf"(?:the\s+(?:city|state)\s+of\s+)?{p}")
                    for pat in (of_place,
                                rf"{p}['’]s\s+(?i:{role})", rf"(?:the\s+)?{p}\s+(?i:{role})"):
                        self.office_phrases.append(
                            (place.split()[0], re.compile(rf"(?<![\w.]){pat}(?![\w])"),
                             office.id))
        self.bare_role = re.compile(
            r"(?<![\w.])[Tt]he\s+(?P<role>(?i:governor|mayor|secretary|attorney\s+general))(?![\w])")
        self.pronoun = re.compile(r"(?<![\w'’])(?P<p>(?i:" + "|".join(
            sorted(set(PRONOUNS) | FIRST_PERSON, key=len, reverse=True)) + r"))(?![\w'’])")

        self.fixed_multi = _Multi([(_key(form), p, a) for form, p, a in self.fixed])
        self.office_multi = _Multi(self.office_phrases)
        self.surname_multi = _Multi([(w, _word_re(w), (w, tuple(a)))
                                     for w, a in self.surnames.items() if not w.startswith("~")])
        self.derived_multi = _Multi([(w[1:], _word_re(w[1:]), (w, tuple(a)))
                                     for w, a in self.surnames.items() if w.startswith("~")])

    # -- candidates ---------------------------------------------------------------------
    def _candidates(self, text: str, day: dt.date,
                    entities: list[tuple[int, int, str, str]]) -> list[_Cand]:
        cands: list[_Cand] = []
        for m, actor in self.fixed_multi.finditer(text):
            cands.append(_Cand(m.start(), m.end(), "fixed", actor=actor))
        for m in self.titled.finditer(text):
            name = re.sub(r"['’]s$", "", m.group("name").rstrip("."))
            role = self.title_role.get(" ".join(m.group("title").split()), "")
            words = name.split()
            # Try the longest known name inside the capitalised run: "Governor Kotek said".
            for n in range(len(words), 0, -1):
                cand = " ".join(words[:n])
                end = m.start("name") + len(cand) if n == len(words) else \
                    m.start("name") + text[m.start("name"):].find(words[n - 1]) + len(words[n - 1])
                if cand.lower() in self.by_name:
                    # A full name is unambiguous even when the title is out of date
                    # ("President Trump" in 2022).
                    cands.append(_Cand(m.start(), end, "titled",
                                       actor=self.by_name[cand.lower()], title_role=role))
                    break
                opts = []
                if n == 1:
                    former = bool(m.group("former"))
                    opts = [a for a in self._surname_options(words[0])
                            if self._title_fits(a, role, day, former)]
                    # A listed alias still names its actor under an outdated title; a
                    # derived surname ("Mayor Johnson" in 2020) does not.
                    listed = self.surnames.get(words[0], [])
                    if not opts and len(listed) == 1:
                        opts = listed
                if opts:
                    cands.append(_Cand(m.start(), m.start("name") + len(words[0]), "titled",
                                       options=tuple(opts), title_role=role))
                    break
            else:
                # A title before someone the knowledge base does not know: keep the words so
                # the bare title is not misread as the office holder.
                cands.append(_Cand(m.start(), m.end(), "entity", name=name, title_role=role))
        for m, (_word, actors) in self.surname_multi.finditer(text):
            cands.append(_Cand(m.start(), m.end(), "surname", options=actors))
        for m, office_id in self.office_multi.finditer(text):
            cands.append(_Cand(m.start(), m.end(), "office", office_id=office_id))
        for m in self.bare_role.finditer(text):
            role = BARE_ROLES[" ".join(m.group("role").lower().split())]
            cands.append(_Cand(m.start(), m.end(), "role", role=role))
        for m in self.pronoun.finditer(text):
            cands.append(_Cand(m.start(), m.end(), "pronoun", role=m.group("p").lower()))
        for start, end, name, label in entities:
            cands.append(_Cand(start, end, "entity", name=name, role=label))
        # Later-introduced derived surnames ("Johnson" after "Brandon Johnson").
        for m, (_word, actors) in self.derived_multi.finditer(text):
            cands.append(_Cand(m.start(), m.end(), "surname", options=actors, name="derived"))
        return cands

    def _title_fits(self, actor: Actor, role: str, day: dt.date, former: bool) -> bool:
        """'Mayor Johnson' in 2020 is not Brandon Johnson, who took office in 2023."""
        if not role or actor.type != "person":
            return True
        roles = [(self.kb.offices[p.office].role, p) for p in actor.positions]
        if former:
            return any(r == role and p.start <= day for r, p in roles)
        return any(r == role and p.holds_on(day) for r, p in roles)

    def _surname_options(self, word: str) -> list[Actor]:
        return [*self.surnames.get(word, []),
                *(a for a in self.surnames.get(f"~{word}", [])
                  if a not in self.surnames.get(word, []))]

    @staticmethod
    def _select(cands: list[_Cand]) -> list[_Cand]:
        """Longest match wins; among equals, knowledge-base matches beat plain entities."""
        rank = {"titled": 0, "fixed": 1, "office": 2, "surname": 3, "role": 4, "pronoun": 5,
                "entity": 6}
        chosen: list[_Cand] = []
        if not cands:
            return chosen
        # One byte per character: linear in the text, however many candidates there are.
        taken = bytearray(max(c.end for c in cands))
        for c in sorted(cands, key=lambda c: (-(c.end - c.start), rank[c.kind], c.start)):
            if any(taken[c.start:c.end]):
                continue
            chosen.append(c)
            taken[c.start:c.end] = b"\x01" * (c.end - c.start)
        return sorted(chosen, key=lambda c: c.start)

    # -- resolution ---------------------------------------------------------------------
    def resolve(self, text: str, day: dt.date, sentences: list[tuple[int, int]] | None = None,
                entities: list[tuple[int, int, str, str]] | None = None,
                speaker: str | None = None) -> list[Mention]:
        sentences = sentences or [(0, len(text))]
        sent_starts = sorted(s for s, _ in sentences)

        def sent_index(pos: int) -> int:
            return max(0, bisect.bisect_right(sent_starts, pos) - 1)

        speaker_actor = self._lookup_name(speaker) if speaker else None
        seen: list[tuple[int, Mention]] = []  # (sentence index, mention), in text order
        introduced: set[str] = set()
        out: list[Mention] = []

        def remember(m: Mention) -> None:
            out.append(m)
            seen.append((sent_index(m.start), m))
            if m.actor:
                introduced.add(m.actor.id)

        for c in self._select(self._candidates(text, day, entities or [])):
            if c.kind == "fixed":
                remember(self._mention(c, c.actor, "name", day))
            elif c.kind in ("titled", "surname"):
                actor = c.actor or self._pick(c.options, day, introduced, c.title_role)
                if actor is None:
                    continue
                if c.kind == "surname" and not self._surname_ok(c, actor, text, introduced,
                                                                sentences, entities or []):
                    continue
                remember(self._mention(c, actor, "title" if c.kind == "titled" else "surname",
                                       day))
            elif c.kind == "office":
                if self._office_is_title(text, c):
                    continue
                actor = self.kb.holder(c.office_id or "", day)
                if actor is not None:
                    remember(self._mention(c, actor, "office", day, office_id=c.office_id))
            elif c.kind == "role":
                found = self._recent_with_role(seen, c.role, day)
                if found is not None:
                    actor, name = found
                    remember(Mention(c.start, c.end, actor, "role", name=name,
                                     attrs={"title_role": c.role}))
            elif c.kind == "pronoun":
                if c.role in FIRST_PERSON:
                    if speaker_actor is not None:
                        remember(self._mention(c, speaker_actor, "speaker", day))
                    continue
                if c.role not in PRONOUNS:  # case-folding drift, e.g. "İ".lower() == "i̇"
                    continue
                idx = sent_index(c.start)
                target = self._antecedent(seen, PRONOUNS[c.role], idx)
                if target is not None:
                    m = Mention(c.start, c.end, target.actor, "pronoun", name=target.name,
                                attrs={"antecedent": [target.start, target.end]})
                    remember(m)
            elif c.kind == "entity" and c.name:
                org = next((a for _m, a in self.fixed_multi.finditer(c.name)
                            if a.type == "organisation"), None)
                if org is not None and c.role == "organisation":
                    # "California National Guard", "ACLU of Oregon": the known institution.
                    remember(self._mention(c, org, "name", day))
                    continue
                name = c.name
                # "Immergut" after "Judge Karin Immergut": the same unlinked person.
                for _, prev in reversed(seen[-LOOKBACK:]):
                    if prev.actor is None and prev.name.split()[-1] == name.split()[-1]:
                        name = prev.name
                        break
                attrs: dict[str, Any] = {"person": c.role in ("", "person")}
                if c.title_role:
                    attrs["title_role"] = c.title_role
                remember(Mention(c.start, c.end, None, "entity", name=name, attrs=attrs))
        return out

    def _lookup_name(self, name: str) -> Actor | None:
        key = " ".join(name.split()).lower()
        if key in self.by_name:
            return self.by_name[key]
        for actor in self.kb.actors.values():
            if actor.id == key or actor.name.lower() == key:
                return actor
        return None

    def _mention(self, c: _Cand, actor: Actor | None, how: str, day: dt.date,
                 office_id: str | None = None) -> Mention:
        return Mention(c.start, c.end, actor, how, name=actor.name if actor else c.name,
                       office_id=office_id)

    def _pick(self, options: tuple[Actor, ...], day: dt.date, introduced: set[str],
              title_role: str) -> Actor | None:
        if not options:
            return None
        if len(options) == 1:
            return options[0]
        for test in (
            lambda a: a.id in introduced,
            lambda a: (title_role and (o := self.kb.office_on(a, day)) is not None
                       and o[0].role == title_role),
            lambda a: title_role and any(self.kb.offices[p.office].role == title_role
                                         for p in a.positions),
            lambda a: self.kb.office_on(a, day) is not None,
        ):
            hits = [a for a in options if test(a)]
            if len(hits) == 1:
                return hits[0]
            if hits:
                options = tuple(hits)
        return None  # still ambiguous: better unlinked than wrong

    def _surname_ok(self, c: _Cand, actor: Actor, text: str, introduced: set[str],
                    sentences: list[tuple[int, int]],
                    entities: list[tuple[int, int, str, str]]) -> bool:
        if actor.id in introduced:
            return True
        if c.name == "derived":
            return False
        if any(s <= c.start and c.end <= e for s, e, _, _ in entities):
            return True
        return not any(s == c.start for s, _ in sentences) and \
            not text[:c.start].rstrip().endswith((".", "!", "?", "\n", ":", '"', "“"))

    def _office_is_title(self, text: str, c: _Cand) -> bool:
        """'Attorney General Dan Rayfield', 'Oregon Attorney General', 'president of the
        ACLU': the words name someone else's office, not the federal one."""
        after = text[c.end:c.end + 40]
        before = text[max(0, c.start - 20):c.start]
        if re.match(r"\s+[A-Z][a-z]", after) and not re.match(r"\s+(?:On|In|At|The)\b", after):
            return True
        office = self.kb.offices.get(c.office_id or "")
        if office and office.role == "president" and re.match(
                r"\s+of\s+(?!the\s+United)(?:the\s+)?[A-Z]", after):
            return True
        if office and office.role in ("attorney_general", "secretary"):
            prev = re.search(r"([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s*['’]?s?\s*$", before)
            if prev and prev.group(1).split()[-1] in US_STATES | {"state", "State"}:
                return True
            if re.search(r"\bstate(?:['’]s)?\s*$", before, re.IGNORECASE):
                return True
        return False

    def _recent_with_role(self, seen: list[tuple[int, Mention]], role: str, day: dt.date
                          ) -> tuple[Actor | None, str] | None:
        """The latest actor in the text holding ``role``; for a one-holder office (the
        Attorney General) whoever held it on the day."""
        for _, m in reversed(seen[-LOOKBACK:]):
            if m.actor is None:
                if m.attrs.get("title_role") == role:
                    return None, m.name  # the latest governor named is one we do not know
                continue
            held = self.kb.office_on(m.actor, day)
            if held and held[0].role == role:
                return m.actor, m.actor.name
        offices = self.kb.offices_by_role(role)
        if len(offices) == 1 and (holder := self.kb.holder(offices[0].id, day)):
            return holder, holder.name
        return None

    def _antecedent(self, seen: list[tuple[int, Mention]], pronoun: str, idx: int
                    ) -> Mention | None:
        window = 1 if pronoun == "they" else 2
        for sidx, m in reversed(seen):
            if idx - sidx > window:
                break
            if m.how == "pronoun" and m.actor is None:
                continue
            if pronoun == "they":
                if m.actor is not None and m.actor.type == "organisation":
                    return m
                continue
            if m.actor is None:
                # An unlinked person of unknown gender is nearer: do not guess past them.
                if m.how == "entity" and m.attrs.get("person", True):
                    return None
                continue
            if m.actor.type == "person" and m.actor.pronoun == pronoun:
                return m
        return None
