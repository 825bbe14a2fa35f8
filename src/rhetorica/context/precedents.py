"""Historical precedents: which past episodes a statement most resembles, and why.

An analyst reading "the President is sending the Guard into Portland over the Governor's
objection" thinks of Little Rock, of Los Angeles 2025, of Portland 2020. This module does
that with a bundled, sourced list of episodes and a transparent weighted similarity:

- **actors**: shared knowledge-base actors and the kinds of office involved (president,
  governor, mayor...), taken from the ``actors`` component when it has run;
- **legal basis**: Insurrection Act, 10 U.S.C. 12406, Title 10 / Title 32, Posse Comitatus,
  emergency declarations... found by pattern in the text;
- **place**: the same city or state, else the same kind of place (city, capital, border,
  campus);
- **themes**: what happens (federal agents sent, Guard federalised, governor objects,
  immigration raids, riots, lawsuit...);
- **language**: embedding similarity of the text to the episode's description (WordLlama,
  shipped inside its PyPI package; TF-IDF when it is not installed).

Every component of the score is reported, so the "why" is the arithmetic, not a story.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from rhetorica import safe_yaml
from rhetorica.ingest.errors import InputError

LEGAL_BASES: dict[str, tuple[str, str]] = {
    # key: (label, pattern in a document)
    "insurrection_act": ("Insurrection Act",
                         r"Insurrection\s+Act|10\s*U\.?S\.?C\.?\s*(?:§+\s*)?(?:25[1-5]|33[1-5])\b"),
    "insurrection_act_threatened": ("Insurrection Act (threatened)", r"(?!x)x"),
    "10_usc_12406": ("10 U.S.C. 12406", r"\b12406\b|Section\s+12406"),
    "title_10": ("Title 10", r"\bTitle\s+10\b"),
    "title_32": ("Title 32", r"\bTitle\s+32\b"),
    "posse_comitatus": ("Posse Comitatus Act", r"Posse\s+Comitatus"),
    "national_emergency": ("national emergency",
                           r"national\s+emergenc(?:y|ies)|National\s+Emergencies\s+Act"),
    "state_emergency": ("state of emergency", r"state\s+of\s+emergency"),
    "emergency_declaration_local": ("crime emergency",
                                    r"crime\s+emergency|public\s+safety\s+emergency"),
    "home_rule_act": ("Home Rule Act (section 740)", r"Home\s+Rule\s+Act|[Ss]ection\s+740\b"),
    "federal_property": ("protection of federal property",
                         r"40\s*U\.?S\.?C\.?\s*(?:§+\s*)?1315|federal\s+(?:property|buildings?|"
                         r"facilit(?:y|ies)|courthouse)|ICE\s+facility|courthouse"),
    "executive_order": ("executive order / proclamation",
                        r"[Ee]xecutive\s+[Oo]rder|[Pp]roclamation"),
    "presidential_order": ("presidential order / memorandum",
                           r"presidential\s+memorand(?:um|a)|[Pp]resident(?:ial)?\s+(?:ordered|"
                           r"order)|memorandum"),
    "guard_federalised": ("Guard federalised",
                          r"federali[sz](?:e|es|ed|ing|ation)\b[^.]{0,60}Guard|Guard[^.]{0,60}"
                          r"(?:federali[sz]ed|under\s+federal\s+control)"),
    "state_active_duty": ("state active duty", r"state\s+active\s+duty|under\s+state\s+control"),
    "militia_act": ("Militia Act", r"Militia\s+Acts?"),
    "court_injunction": ("court injunction", r"injunction|restraining\s+order"),
}

THEMES: dict[str, tuple[str, str]] = {
    "federal_agents": ("federal agents sent", r"federal\s+(?:agents|officers|law\s+enforcement|"
                       r"task\s+force)|Border\s+Patrol|BORTAC|marshals|ICE\s+(?:agents|officers)"),
    "guard_federalised": ("Guard federalised", r"federali[sz]\w*|Title\s+10"),
    "active_duty_troops": ("active-duty troops", r"active[-\s]duty|Marines|Airborne|"
                           r"paratroopers|federal\s+troops|Army\s+troops|soldiers|the\s+military"),
    "immigration_enforcement": ("immigration enforcement",
                                r"\bICE\b|immigra\w+|deport\w*|undocumented|migrants?|"
                                r"\braids?\b|sanctuary"),
    "governor_objects": ("governor objects", r"(?!x)x"),
    "mayor_objects": ("mayor objects", r"(?!x)x"),
    "requested_by_state": ("state asked for help", r"at\s+the\s+request\s+of|requested\s+"
                           r"(?:federal|the\s+Guard|troops)|asked\s+for\s+(?:federal|troops)"),
    "civil_rights": ("civil rights", r"civil\s+rights|segregat\w+|desegregat\w+|integrat\w+"),
    "school_desegregation": ("school desegregation", r"school|universit\w+|campus|enrol\w*|"
                             r"students?"),
    "unrest": ("unrest / protests", r"unrest|protest\w*|demonstrat\w+|uprising|looting|"
               r"rioters?|riots?"),
    "riots": ("riots", r"\briots?\b|rioting|looting|arson|burn(?:ed|ing)"),
    "crime": ("crime", r"\bcrime|violent\s+crime|murders?|homicides?|carjack\w*|gangs?"),
    "crime_surge": ("crime surge", r"surge|crack\s*down|crime\s+wave"),
    "disaster": ("disaster", r"hurricane|flood\w*|earthquake|disaster|storm"),
    "lawsuit": ("lawsuit / court", r"\bsu(?:e|ed|es|ing)\b|lawsuit|court|judge|injunction|"
                r"restraining\s+order|unconstitutional|unlawful|illegal"),
    "border": ("border", r"\bborder\b|caravan|southern\s+border"),
    "border_wall": ("border wall", r"\bwall\b"),
    "migrant_caravan": ("migrant caravan", r"caravan"),
    "police_takeover": ("police taken over", r"(?:take\s+over|takeover|control\s+of)[^.]{0,40}"
                        r"police|police\s+department"),
    "protest_clearing": ("protesters cleared", r"tear\s+gas|pepper|clear(?:ed|ing)?\s+"
                         r"(?:the\s+)?(?:protesters|square|park|street)|rubber\s+bullets|"
                         r"chemical"),
    "emergency_declaration": ("emergency declared", r"emergency"),
    "labor_strike": ("strike", r"\bstrik(?:e|es|ers|ing)\b"),
    "unmarked_vehicles": ("unmarked vehicles", r"unmarked"),
    "state_activation": ("state-controlled Guard", r"state\s+control|state\s+active\s+duty|"
                         r"governor\s+(?:activated|called\s+up|deployed)"),
    "guard_support_role": ("Guard in support role", r"support(?:ing)?\s+(?:role|local|police)|"
                           r"logistics|Title\s+32"),
    "election": ("election", r"election|certif\w+|ballots?|vote\s+count"),
    "looting": ("looting", r"loot\w*"),
    "police": ("police conduct", r"police\s+(?:shooting|killing|custody|brutality|officers?\s+"
               r"(?:who|shot|killed|beat))|killed\s+by\s+(?:a\s+)?police|in\s+police\s+custody"),
    "shootings": ("people shot", r"\bfired\s+on|shot\s+(?:dead|and\s+killed)|killed\s+\w+\s+"
                  r"(?:students|protesters)"),
    "campus_protest": ("campus protest", r"(?:students?|campus)[^.]{0,60}protest\w*|protest\w*"
                       r"[^.]{0,60}(?:students?|campus)"),
    "court_order_enforcement": ("enforcing a court order", r"court\s+orders?|judge\S*\s+"
                                r"order\w*|ordered\s+by\s+(?:a\s+|the\s+)?(?:federal\s+)?court"),
    "delayed_deployment": ("delayed deployment", r"took\s+hours|delay\w*|hours\s+(?:later|"
                           r"before)"),
    "federal_state_dispute": ("federal-state dispute over command",
                              r"federal\s+command|under\s+federal\s+control|who\s+(?:should|"
                              r"would)\s+command|refus\w+\s+to\s+(?:hand|put|place)"),
    "protest_protection": ("protecting marchers", r"protect\w*\s+(?:the\s+)?(?:marchers|"
                           r"demonstrators|protesters)"),
    "tax_revolt": ("tax revolt", r"\btax(?:es)?\b[^.]{0,40}(?:revolt|resist\w*|rebel\w*)"),
    "veterans": ("veterans", r"veterans?"),
    "insurrection_act_threat": ("Insurrection Act threatened",
                                r"(?:threat\w*|could|would|may|might|consider\w*)\s+"
                                r"(?:to\s+)?(?:invoke|invoking|use)\s+the\s+Insurrection"),
}

PLACE_TYPES = ("city", "state", "capital", "campus", "border", "territory", "region")
WEIGHTS = {"actors": 0.25, "legal": 0.2, "place": 0.2, "themes": 0.15, "language": 0.2}
ROLE_OF_OFFICE = {"us_president": "president", "dhs_secretary": "dhs_secretary",
                  "defense_secretary": "defense_secretary", "attorney_general": "attorney_general"}


class PrecedentError(InputError):
    pass


@dataclass(frozen=True)
class Precedent:
    id: str
    title: str
    start: dt.date
    end: dt.date | None
    place: str
    state: str
    place_type: str
    legal_basis: tuple[str, ...]
    actors: tuple[str, ...]
    offices: tuple[str, ...]
    themes: tuple[str, ...]
    description: str
    outcome: str
    sources: tuple[str, ...]

    def text(self) -> str:
        return f"{self.title}. {self.description} {self.outcome}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "start": self.start.isoformat(),
                "end": self.end.isoformat() if self.end else None, "place": self.place,
                "state": self.state, "place_type": self.place_type,
                "legal_basis": [LEGAL_BASES.get(k, (k,))[0] for k in self.legal_basis],
                "actors": list(self.actors), "outcome": self.outcome,
                "sources": list(self.sources)}


def _day(value: Any, origin: str, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PrecedentError(origin, f"{what}: {value!r} is not an ISO date") from None


def parse_precedents(data: Any, origin: str) -> list[Precedent]:
    if not isinstance(data, dict) or not isinstance(data.get("precedents"), list):
        raise PrecedentError(origin, "expected a mapping with a `precedents:` list")
    out, seen = [], set()
    for raw in data["precedents"]:
        if not isinstance(raw, dict) or not raw.get("id"):
            raise PrecedentError(origin, f"precedent without an id: {raw!r:.60}")
        pid = str(raw["id"])
        if pid in seen:
            raise PrecedentError(origin, f"precedent id {pid!r} appears twice")
        seen.add(pid)
        for key in ("title", "start", "place", "place_type", "description", "outcome",
                    "sources"):
            if not raw.get(key):
                raise PrecedentError(origin, f"precedent {pid}: missing `{key}`")
        if raw["place_type"] not in PLACE_TYPES:
            raise PrecedentError(origin, f"precedent {pid}: place_type must be one of "
                                 f"{', '.join(PLACE_TYPES)}")
        unknown = [k for k in raw.get("legal_basis") or [] if k not in LEGAL_BASES]
        if unknown:
            raise PrecedentError(origin, f"precedent {pid}: unknown legal_basis {unknown}")
        unknown = [k for k in raw.get("themes") or [] if k not in THEMES and k not in
                   LEGAL_BASES]
        if unknown:
            raise PrecedentError(origin, f"precedent {pid}: unknown themes {unknown}")
        sources = [str(s) for s in raw["sources"]]
        if not all(s.startswith("https://") for s in sources):
            raise PrecedentError(origin, f"precedent {pid}: sources must be https URLs")
        start = _day(raw["start"], origin, f"precedent {pid} start")
        end = _day(raw["end"], origin, f"precedent {pid} end") if raw.get("end") else None
        if end and end < start:
            raise PrecedentError(origin, f"precedent {pid}: ends before it starts")
        out.append(Precedent(
            id=pid, title=str(raw["title"]), start=start, end=end, place=str(raw["place"]),
            state=str(raw.get("state") or ""), place_type=str(raw["place_type"]),
            legal_basis=tuple(raw.get("legal_basis") or ()),
            actors=tuple(str(a) for a in raw.get("actors") or ()),
            offices=tuple(str(o) for o in raw.get("offices") or ()),
            themes=tuple(str(t) for t in raw.get("themes") or ()),
            description=" ".join(str(raw["description"]).split()),
            outcome=" ".join(str(raw["outcome"]).split()), sources=tuple(sources)))
    return out


@lru_cache(maxsize=1)
def bundled_precedents() -> tuple[Precedent, ...]:
    origin = "rhetorica/data/precedents/precedents.yaml"
    text = resources.files("rhetorica.data.precedents").joinpath("precedents.yaml").read_text(
        "utf-8")
    return tuple(parse_precedents(safe_yaml.load(text), origin))


def load_precedents(path: str | Path | None = None) -> tuple[Precedent, ...]:
    if path is None:
        return bundled_precedents()
    try:
        data = safe_yaml.load(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PrecedentError(str(path), f"cannot read precedents: {exc}") from None
    return tuple(parse_precedents(data, str(path)))


# -- text features ----------------------------------------------------------------------
@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def find_keys(text: str, table: dict[str, tuple[str, str]]) -> set[str]:
    return {k for k, (_label, pat) in table.items() if _compiled(pat).search(text)}


@dataclass
class Features:
    actors: set[str] = field(default_factory=set)
    offices: set[str] = field(default_factory=set)
    legal: set[str] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    place_types: set[str] = field(default_factory=set)
    date: dt.date | None = None


def _office_role(office_id: str | None) -> str | None:
    if not office_id:
        return None
    if office_id in ROLE_OF_OFFICE:
        return ROLE_OF_OFFICE[office_id]
    return office_id.split("_", 1)[0]  # governor_oregon -> governor, mayor_chicago -> mayor


def document_features(text: str, actors: list[dict[str, Any]] | None = None,
                      date: str | None = None,
                      precedents: tuple[Precedent, ...] = ()) -> Features:
    f = Features()
    f.legal = find_keys(text, LEGAL_BASES)
    f.themes = find_keys(text, THEMES)
    for a in actors or []:
        if a.get("linked"):
            f.actors.add(a["id"])
        role = _office_role(a.get("office_id"))
        if role:
            f.offices.add(role)
            if a.get("role") == "objects" and role in ("governor", "mayor"):
                f.themes.add(f"{role}_objects")
    lowered = text.lower()
    if re.search(r"\bgovernor\b", lowered):
        f.offices.add("governor")
    if re.search(r"\bmayor\b", lowered):
        f.offices.add("mayor")
    # the country's president, not an association's ("The association's president, John
    # Palmer", "union president Huy Nguyen", "president of the hospital association")
    if re.search(r"(?<!['’]s )(?<!union )(?<!association )(?<!company )(?<!vice )"
                 r"\bpresident\b(?! of (?!(?:the )?united states))", lowered):
        f.offices.add("president")
    for p in precedents:
        for place in {p.place, *(s.strip() for s in p.state.split(","))}:
            if place and len(place) > 3 and place in text and re.search(
                    r"(?<!\w)" + re.escape(place) + r"(?!\w)", text):
                f.places.add(place)
    if re.search(r"Washington,?\s+D\.?C\.?|\bD\.C\.|the\s+capital\b|the\s+District\b", text):
        f.places.add("Washington, D.C.")
        f.place_types.add("capital")
    if re.search(r"\bborder\b", lowered):
        f.place_types.add("border")
    if re.search(r"\bcampus|universit|school\b", lowered):
        f.place_types.add("campus")
    if re.search(r"\bcit(?:y|ies)\b|downtown|streets", lowered) or (
            f.places - {"Washington, D.C."}):
        f.place_types.add("city")
    if date:
        try:
            f.date = dt.date.fromisoformat(str(date)[:10])
        except ValueError:
            f.date = None
    return f


def _set_sim(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


# -- language similarity ----------------------------------------------------------------
class _Embedder:
    """WordLlama when its packaged weights load offline, else TF-IDF over the episodes."""

    def __init__(self, texts: list[str], prefer: str = "wordllama") -> None:
        self.name = "tfidf"
        self.model: Any = None
        if prefer == "wordllama":
            try:
                from rhetorica.models import wordllama

                self.model = wordllama()
                self.name = "wordllama"
            except Exception:
                self.model = None
        if self.model is None:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self.tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True,
                                         ngram_range=(1, 2), min_df=1).fit(texts)
        self.matrix = self.encode(texts)

    def encode(self, texts: list[str]) -> np.ndarray:
        if self.model is not None:
            vecs = np.asarray(self.model.embed(texts), dtype=np.float32)
        else:
            vecs = self.tfidf.transform(texts).toarray().astype(np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.where(norms == 0, 1.0, norms)

    def similarities(self, text: str) -> np.ndarray:
        return self.matrix @ self.encode([text])[0]


@dataclass
class Match:
    precedent: Precedent
    score: float
    parts: dict[str, float]
    reasons: list[str]
    ongoing: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {**self.precedent.to_dict(), "score": round(self.score, 3),
                "parts": {k: round(v, 3) for k, v in self.parts.items()},
                "reasons": self.reasons, "ongoing": self.ongoing}


class PrecedentIndex:
    """Scores every episode against a document; ``top(k)`` with reasons."""

    def __init__(self, precedents: tuple[Precedent, ...] | None = None,
                 embedder: str = "wordllama", weights: dict[str, float] | None = None) -> None:
        self.precedents = precedents if precedents is not None else bundled_precedents()
        self.embedder = _Embedder([p.text() for p in self.precedents], prefer=embedder)
        self.weights = dict(weights or WEIGHTS)
        try:
            from rhetorica.actors.kb import get_kb

            self.names = {a.id: a.name for a in get_kb().actors.values()}
        except Exception:
            self.names = {}

    def score(self, text: str, actors: list[dict[str, Any]] | None = None,
              date: str | None = None) -> list[Match]:
        f = document_features(text, actors, date, self.precedents)
        lang = self.embedder.similarities(text)
        matches = []
        for i, p in enumerate(self.precedents):
            if f.date and p.start > f.date:
                continue  # not a precedent yet on the document's date
            ongoing = bool(f.date and p.start <= f.date <= (p.end or p.start))
            parts, reasons = self._parts(p, f, float(lang[i]))
            total = sum(self.weights[k] * v for k, v in parts.items())
            matches.append(Match(p, total, parts, reasons, ongoing))
        matches.sort(key=lambda m: (-m.score, m.precedent.id))
        return matches

    def _parts(self, p: Precedent, f: Features, lang: float) -> tuple[dict[str, float],
                                                                        list[str]]:
        reasons: list[str] = []
        shared_actors = f.actors & set(p.actors)
        shared_offices = f.offices & set(p.offices)
        actor_part = min(1.0, 0.5 * len(shared_actors)) * 0.6 + \
            _set_sim(f.offices, set(p.offices)) * 0.4
        if shared_actors:
            reasons.append("shared actors: " + ", ".join(
                sorted(self.names.get(a, a) for a in shared_actors)))
        if shared_offices:
            reasons.append("same offices involved: "
                           + ", ".join(sorted(o.replace("_", " ") for o in shared_offices)))
        ep_legal = set(p.legal_basis)
        legal_part = _set_sim(f.legal, ep_legal)
        if f.legal & ep_legal:
            reasons.append("legal basis: " + ", ".join(LEGAL_BASES[k][0]
                                                        for k in sorted(f.legal & ep_legal)))
        place_part = 0.0
        ep_states = {s.strip() for s in p.state.split(",") if s.strip()}
        if p.place in f.places:
            place_part = 1.0
            reasons.append(f"same place: {p.place}")
        elif f.places & ep_states:
            place_part = 0.6
            reasons.append(f"same state: {', '.join(sorted(f.places & ep_states))}")
        elif p.place_type in f.place_types:
            place_part = 0.3
            reasons.append(f"same kind of place: {p.place_type}")
        ep_themes = set(p.themes) | {k for k in p.legal_basis if k in THEMES}
        theme_part = _set_sim(f.themes, ep_themes)
        if f.themes & ep_themes:
            reasons.append("themes: " + ", ".join(THEMES[k][0]
                                                   for k in sorted(f.themes & ep_themes)))
        lang_part = max(0.0, min(1.0, lang))
        reasons.append(f"language similarity {lang_part:.2f} ({self.embedder.name})")
        return ({"actors": actor_part, "legal": legal_part, "place": place_part,
                 "themes": theme_part, "language": lang_part}, reasons)

    def top(self, text: str, k: int = 3, actors: list[dict[str, Any]] | None = None,
            date: str | None = None) -> list[Match]:
        return self.score(text, actors, date)[:k]


def default_index(embedder: str = "wordllama") -> PrecedentIndex:
    """The bundled episodes indexed once per process (:func:`rhetorica.models.shared`)."""
    from rhetorica.models import shared

    return shared("precedent_index", embedder, lambda: PrecedentIndex(embedder=embedder))


def warm(settings: Any) -> None:
    """Index the episodes the ``context`` component will score (a pipeline warmer): their
    WordLlama vectors are made in the background while spaCy loads."""
    del settings  # the index does not depend on them
    default_index()
