"""The actors knowledge base: offices, who held them when, and institutions, each sourced.

The bundled file (``rhetorica/data/actors/*.yaml``) covers US domestic security and
immigration politics; users add or replace entries with their own YAML/JSON file (``--kb``
or ``RHETORICA_KB``, several separated by the OS path separator). Everything is validated
on load so a typo in a user file is one clear line, not a wrong answer later: unknown
offices, bad dates, positions that end before they start, entries without sources.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from rhetorica import safe_yaml
from rhetorica.ingest.errors import InputError
from rhetorica.ingest.text import read_bounded

ENV_KB = "RHETORICA_KB"
KB_MAX_BYTES = 50_000_000  # per knowledge-base file
ACTOR_TYPES = {"person", "organisation"}
PRONOUNS = {"he", "she", "they"}


class KBError(InputError):
    """A knowledge-base file is unreadable or breaks the schema."""


@dataclass(frozen=True)
class Office:
    id: str
    title: str
    role: str  # president, secretary, attorney_general, governor, mayor, adviser...
    place: str | None = None
    place_aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()  # words put before a holder's name: "Governor Newsom"
    phrases: tuple[str, ...] = ()  # surface forms that name the office itself


@dataclass(frozen=True)
class Position:
    office: str
    start: dt.date
    end: dt.date | None = None  # exclusive; None: still in office
    acting: bool = False
    sources: tuple[str, ...] = ()

    def holds_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    type: str  # person | organisation
    kind: str = ""  # for organisations: agency, military, civil_liberties, executive...
    aliases: tuple[str, ...] = ()
    pronoun: str = "they"
    positions: tuple[Position, ...] = ()
    parent: str | None = None
    sources: tuple[str, ...] = ()
    origin: str = ""

    @property
    def surname(self) -> str | None:
        if self.type != "person":
            return None
        parts = [p for p in self.name.replace(".", ". ").split() if p]
        return parts[-1] if parts else None

    def position_on(self, day: dt.date) -> Position | None:
        for pos in self.positions:
            if pos.holds_on(day):
                return pos
        return None


@dataclass
class KnowledgeBase:
    offices: dict[str, Office] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def holder(self, office_id: str, day: dt.date) -> Actor | None:
        """Who held ``office_id`` on ``day`` (the first listed when records overlap)."""
        for actor in self.actors.values():
            for pos in actor.positions:
                if pos.office == office_id and pos.holds_on(day):
                    return actor
        return None

    def office_on(self, actor: Actor, day: dt.date) -> tuple[Office, Position] | None:
        pos = actor.position_on(day)
        if pos is None or pos.office not in self.offices:
            return None
        return self.offices[pos.office], pos

    def offices_by_role(self, role: str) -> list[Office]:
        return [o for o in self.offices.values() if o.role == role]

    def to_rows(self) -> list[dict[str, Any]]:
        rows = []
        for a in self.actors.values():
            rows.append({
                "id": a.id, "name": a.name, "type": a.type, "kind": a.kind,
                "positions": [
                    {"office": p.office, "title": self.offices[p.office].title,
                     "start": p.start.isoformat(), "end": p.end.isoformat() if p.end else None,
                     "acting": p.acting} for p in a.positions],
                "sources": list(a.sources), "origin": a.origin,
            })
        return rows


def parse_day(value: Any, origin: str = "date", what: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise KBError(origin, f"{what}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def doc_day(date: str | None) -> dt.date:
    """The day a document speaks from: its own date if it has a valid one, otherwise today."""
    if date:
        try:
            return dt.date.fromisoformat(str(date).strip()[:10])
        except ValueError:
            pass
    return dt.date.today()


def _strs(value: Any, origin: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KBError(origin, f"{what} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _sources(value: Any, origin: str, what: str, required: bool = True) -> tuple[str, ...]:
    urls = _strs(value, origin, what + ".sources")
    if required and not urls:
        raise KBError(origin, f"{what}: every entry needs a `sources:` list of public URLs")
    for u in urls:
        if not u.startswith(("https://", "http://")):
            raise KBError(origin, f"{what}: source {u!r} is not an http(s) URL")
    return urls


def _office(raw: Any, origin: str) -> Office:
    if not isinstance(raw, dict) or not raw.get("id") or not raw.get("title"):
        raise KBError(origin, f"office entry needs `id` and `title`: {raw!r:.80}")
    oid = str(raw["id"])
    return Office(
        id=oid, title=str(raw["title"]), role=str(raw.get("role") or "official"),
        place=str(raw["place"]) if raw.get("place") else None,
        place_aliases=_strs(raw.get("place_aliases"), origin, f"office {oid}.place_aliases"),
        titles=_strs(raw.get("titles"), origin, f"office {oid}.titles"),
        phrases=_strs(raw.get("phrases"), origin, f"office {oid}.phrases"),
    )


def _actor(raw: Any, origin: str, offices: dict[str, Office]) -> Actor:
    if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
        raise KBError(origin, f"actor entry needs `id` and `name`: {raw!r:.80}")
    aid = str(raw["id"])
    typ = str(raw.get("type") or "person")
    if typ not in ACTOR_TYPES:
        raise KBError(origin, f"actor {aid}: type must be one of {sorted(ACTOR_TYPES)}")
    pronoun = str(raw.get("pronoun") or "they")  # unknown gender: never guessed
    if pronoun not in PRONOUNS:
        raise KBError(origin, f"actor {aid}: pronoun must be one of {sorted(PRONOUNS)}")
    positions = []
    for i, p in enumerate(raw.get("positions") or []):
        what = f"actor {aid} position {i + 1}"
        if not isinstance(p, dict) or "office" not in p or "start" not in p:
            raise KBError(origin, f"{what}: needs `office` and `start`")
        if p["office"] not in offices:
            raise KBError(origin, f"{what}: unknown office {p['office']!r}")
        start = parse_day(p["start"], origin, what + " start")
        end = parse_day(p["end"], origin, what + " end") if p.get("end") else None
        if end is not None and end <= start:
            raise KBError(origin, f"{what}: ends ({end}) before it starts ({start})")
        positions.append(Position(str(p["office"]), start, end, bool(p.get("acting", False)),
                                  _sources(p.get("sources"), origin, what, required=False)))
    return Actor(
        id=aid, name=str(raw["name"]), type=typ, kind=str(raw.get("kind") or ""),
        aliases=_strs(raw.get("aliases"), origin, f"actor {aid}.aliases"),
        pronoun=pronoun, positions=tuple(positions),
        parent=str(raw["parent"]) if raw.get("parent") else None,
        sources=_sources(raw.get("sources"), origin, f"actor {aid}"), origin=origin,
    )


def _read(text: str, origin: str) -> dict[str, Any]:
    try:
        data = json.loads(text) if origin.endswith(".json") else safe_yaml.load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise KBError(origin, f"not valid YAML/JSON: {str(exc).splitlines()[0]}",
                      None if line is None else line + 1) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KBError(origin, "expected a mapping with `offices:` and/or `actors:`")
    return data


def merge(kb: KnowledgeBase, data: dict[str, Any], origin: str) -> None:
    """Add one file's entries; a repeated id replaces the earlier entry (user overrides)."""
    for key in ("offices", "actors"):
        if data.get(key) is not None and not isinstance(data[key], list):
            raise KBError(origin, f"`{key}` must be a list")
    seen: set[str] = set()
    for raw in data.get("offices") or []:
        office = _office(raw, origin)
        if office.id in seen:
            raise KBError(origin, f"office id {office.id!r} appears twice in this file")
        seen.add(office.id)
        kb.offices[office.id] = office
    seen = set()
    for raw in data.get("actors") or []:
        actor = _actor(raw, origin, kb.offices)
        if actor.id in seen:
            raise KBError(origin, f"actor id {actor.id!r} appears twice in this file")
        seen.add(actor.id)
        kb.actors[actor.id] = actor
    for actor in kb.actors.values():
        if actor.parent and actor.parent not in kb.actors:
            raise KBError(origin, f"actor {actor.id}: unknown parent {actor.parent!r}")
    kb.files.append(origin)


def validate(kb: KnowledgeBase) -> list[str]:
    """Warnings that do not stop loading: two holders of one office at the same time."""
    warnings = []
    spans: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for a in kb.actors.values():
        for p in a.positions:
            spans.setdefault(p.office, []).append((p.start, p.end or dt.date.max, a.id))
    for office, items in spans.items():
        items.sort()
        for (s1, e1, a1), (s2, _e2, a2) in pairwise(items):
            if s2 < e1 and a1 != a2:
                warnings.append(f"{office}: {a1} (from {s1}) and {a2} (from {s2}) overlap")
    return warnings


def user_kb_paths(extra: Iterable[str | Path] = ()) -> list[Path]:
    paths = [Path(p) for p in (os.environ.get(ENV_KB) or "").split(os.pathsep) if p.strip()]
    return paths + [Path(p) for p in extra]


@lru_cache(maxsize=1)
def bundled_kb_texts() -> tuple[tuple[str, str], ...]:
    folder = resources.files("rhetorica.data.actors")
    return tuple(sorted((f"rhetorica/data/actors/{e.name}", e.read_text("utf-8"))
                        for e in folder.iterdir() if e.name.endswith((".yaml", ".yml"))))


def load_kb(extra: Iterable[str | Path] = ()) -> KnowledgeBase:
    """The bundled knowledge base plus ``RHETORICA_KB`` files plus ``extra`` files, in order."""
    kb = KnowledgeBase()
    for origin, text in bundled_kb_texts():
        merge(kb, _read(text, origin), origin)
    for path in user_kb_paths(extra):
        try:  # bounded: a device or FIFO given as --kb reports size 0 and may never end
            text = read_bounded(path, KB_MAX_BYTES, "knowledge-base file").decode("utf-8")
        except InputError as exc:
            raise KBError(str(path), exc.message) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise KBError(str(path), f"cannot read knowledge-base file: "
                          f"{getattr(exc, 'strerror', None) or exc}") from None
        merge(kb, _read(text, str(path)), str(path))
    return kb


def get_kb(extra: Iterable[str | Path] = ()) -> KnowledgeBase:
    """Loaded once per process per (files, RHETORICA_KB value), through
    :func:`rhetorica.models.shared`: a pipeline warmer and a component that ask at once
    share one load."""
    from rhetorica.models import shared

    files = tuple(str(p) for p in extra)
    return shared("kb", (files, os.environ.get(ENV_KB, "")), lambda: load_kb(files))
