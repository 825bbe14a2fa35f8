"""Watchlists: user-editable YAML lists of escalation indicators, and the matcher that finds them.

An indicator is something an analyst would want to be told about the first time it happens
("the Insurrection Act was invoked", "a state sued the federal government"). Each one is
defined by any mix of

* ``patterns`` — ``{regex: ...}`` (case-insensitive, searched per sentence) or ``{tokens: [...]}``
  (a spaCy ``Matcher`` token pattern, so ``LEMMA`` catches "deploys/deployed/deploying");
* ``examples`` — sentences that say it in plain words, matched by WordLlama embedding cosine
  similarity at ``threshold``; this catches paraphrases no pattern anticipated;
* ``exclude`` — regexes that veto a sentence (negations, hypotheticals: "we will not deploy").

The matcher works per *sentence* and records the sentence as evidence, so every hit in a
timeline points at the exact words (character offsets into the untouched text).
Validation happens when the file is loaded and names the file, the indicator and the field,
because a typo in a watchlist should fail loudly before hours of silent non-matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from rhetorica import safe_yaml
from rhetorica.document import Document
from rhetorica.ingest.errors import InputError
from rhetorica.ingest.text import read_bounded

LAYER = "indicator"
WATCHLIST_MAX_BYTES = 5_000_000  # a watchlist is a few kB; /dev/zero must not be read whole
SEVERITIES = ("low", "medium", "high", "critical")
DEFAULT_THRESHOLD = 0.70
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
# Token attributes a spaCy Matcher pattern may use here; others are refused up front so a
# misspelt key ("LEMA") is an error, not a pattern that never matches.
_TOKEN_KEYS = {"ORTH", "TEXT", "LOWER", "LEMMA", "POS", "TAG", "DEP", "ENT_TYPE", "SHAPE",
               "IS_ALPHA", "IS_DIGIT", "IS_PUNCT", "IS_TITLE", "LIKE_NUM", "OP", "IS_SENT_START",
               "NORM", "MORPH", "LENGTH", "IS_LOWER", "IS_UPPER", "IS_SPACE", "IS_STOP"}


class WatchlistError(InputError):
    """A watchlist file that cannot be used, with the indicator and field at fault."""


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    topic: str
    severity: str = "medium"
    regexes: tuple[re.Pattern[str], ...] = ()
    token_patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    examples: tuple[str, ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    threshold: float = DEFAULT_THRESHOLD
    description: str = ""


@dataclass(frozen=True)
class Watchlist:
    name: str
    indicators: tuple[Indicator, ...]
    origin: str = ""
    speakers: tuple[str, ...] = ()  # tracked speakers for intensity; empty = everyone

    def topics(self) -> list[str]:
        return sorted({i.topic for i in self.indicators})

    def get(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)


@dataclass(frozen=True)
class Hit:
    indicator: str
    topic: str
    severity: str
    start: int
    end: int
    method: str  # regex | tokens | example
    score: float
    evidence: str
    detail: str = ""
    at: tuple[int, int] | None = None  # the matched words, where a pattern matched


# A hit in a clause that only threatens, promises, demands or supposes the event is its own,
# lower-severity indicator: "we will invoke the Insurrection Act" is not an invocation.
NOT_YET = {"future": "threatened", "condition": "threatened", "possibility": "threatened",
           "question": "threatened", "demand": "demanded"}


def status_of(doc: Document, hit: Hit) -> str | None:
    """``None`` when the hit reports the event as happening (asserted past or present);
    ``"negated"`` when its clause denies it; else ``"threatened"`` or ``"demanded"``."""
    if doc.parsed is None:
        return None
    from rhetorica.voices.modality import modality, polarity

    a, b = hit.at or (hit.start, hit.end)
    if polarity(doc.parsed, a, b) == "negated":
        return "negated"
    return NOT_YET.get(modality(doc.parsed, a, b))


def lower(severity: str) -> str:
    i = SEVERITIES.index(severity) if severity in SEVERITIES else 1
    return SEVERITIES[max(0, i - 1)]


def default_watchlist_path() -> Path:
    return Path(str(resources.files("rhetorica.data.monitor").joinpath("watchlist.yaml")))


def load_watchlist(path: str | Path | None = None) -> Watchlist:
    """Read and validate a watchlist (``None``: the bundled domestic-deployment list)."""
    p = Path(path) if path is not None else default_watchlist_path()
    origin = str(p)
    if not p.exists():
        raise WatchlistError(origin, "no such watchlist file")
    try:
        data = read_bounded(p, WATCHLIST_MAX_BYTES, "watchlist")
    except InputError as exc:
        raise WatchlistError(origin, exc.message) from None
    except OSError as exc:
        raise WatchlistError(origin, f"cannot read: {exc.strerror}") from None
    try:
        raw = safe_yaml.load(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise WatchlistError(origin, "is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise WatchlistError(origin, f"invalid YAML: {problem}", line=line) from None
    return parse_watchlist(raw, origin)


def parse_watchlist(raw: Any, origin: str = "<watchlist>") -> Watchlist:
    if not isinstance(raw, dict):
        raise WatchlistError(origin, "must be a mapping with an 'indicators' list")
    unknown = set(raw) - {"name", "version", "threshold", "topic", "indicators", "speakers",
                          "description"}
    if unknown:
        raise WatchlistError(origin, f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    items = raw.get("indicators")
    if not isinstance(items, list) or not items:
        raise WatchlistError(origin, "'indicators' must be a non-empty list")
    default_threshold = _threshold(raw.get("threshold", DEFAULT_THRESHOLD), origin, "threshold")
    default_topic = str(raw.get("topic") or "general")
    speakers = raw.get("speakers") or []
    if not isinstance(speakers, list) or not all(isinstance(s, str) for s in speakers):
        raise WatchlistError(origin, "'speakers' must be a list of names")
    seen: set[str] = set()
    indicators = []
    for n, item in enumerate(items, start=1):
        ind = _indicator(item, origin, n, default_topic, default_threshold)
        if ind.id in seen:
            raise WatchlistError(origin, f"indicator #{n}: duplicate id {ind.id!r}")
        seen.add(ind.id)
        indicators.append(ind)
    return Watchlist(str(raw.get("name") or Path(origin).stem), tuple(indicators), origin,
                     tuple(speakers))


def _threshold(value: Any, origin: str, where: str) -> float:
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise WatchlistError(origin, f"{where}: must be a number between 0 and 1") from None
    if not 0.0 < t <= 1.0:
        raise WatchlistError(origin, f"{where}: must be between 0 and 1, got {t}")
    return t


def _regex(value: Any, origin: str, where: str) -> re.Pattern[str]:
    if not isinstance(value, str) or not value.strip():
        raise WatchlistError(origin, f"{where}: regex must be a non-empty string")
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise WatchlistError(origin, f"{where}: bad regex {value!r}: {exc}") from None


def _tokens(value: Any, origin: str, where: str) -> tuple[dict[str, Any], ...]:
    if not isinstance(value, list) or not value or not all(isinstance(t, dict) for t in value):
        raise WatchlistError(origin, f"{where}: tokens must be a non-empty list of mappings, "
                             "e.g. [{LEMMA: deploy}, {LOWER: troops}]")
    out = []
    for t in value:
        bad = [k for k in t if str(k).upper() not in _TOKEN_KEYS]
        if bad:
            raise WatchlistError(origin, f"{where}: unknown token attribute(s) "
                                 f"{', '.join(map(str, bad))}")
        out.append({str(k).upper(): v for k, v in t.items()})
    return tuple(out)


def _indicator(item: Any, origin: str, n: int, default_topic: str,
               default_threshold: float) -> Indicator:
    where = f"indicator #{n}"
    if not isinstance(item, dict):
        raise WatchlistError(origin, f"{where}: must be a mapping")
    iid = item.get("id")
    if not isinstance(iid, str) or not _ID_RE.match(iid):
        raise WatchlistError(origin, f"{where}: 'id' must be lower-case letters, digits, _ or - "
                             f"(got {iid!r})")
    where = f"indicator {iid!r}"
    unknown = set(item) - {"id", "title", "topic", "severity", "patterns", "examples",
                           "exclude", "threshold", "description"}
    if unknown:
        raise WatchlistError(origin, f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    severity = str(item.get("severity", "medium")).lower()
    if severity not in SEVERITIES:
        raise WatchlistError(origin, f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    regexes, token_patterns = [], []
    patterns = item.get("patterns") or []
    if not isinstance(patterns, list):
        raise WatchlistError(origin, f"{where}: 'patterns' must be a list")
    for k, pat in enumerate(patterns, start=1):
        pw = f"{where} pattern #{k}"
        if isinstance(pat, str):
            regexes.append(_regex(pat, origin, pw))
        elif isinstance(pat, dict) and set(pat) == {"regex"}:
            regexes.append(_regex(pat["regex"], origin, pw))
        elif isinstance(pat, dict) and set(pat) == {"tokens"}:
            token_patterns.append(_tokens(pat["tokens"], origin, pw))
        else:
            raise WatchlistError(origin, f"{pw}: must be a regex string, {{regex: ...}} or "
                                 "{tokens: [...]}")
    examples = item.get("examples") or []
    if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip()
                                                 for e in examples):
        raise WatchlistError(origin, f"{where}: 'examples' must be a list of sentences")
    if not regexes and not token_patterns and not examples:
        raise WatchlistError(origin, f"{where}: needs at least one pattern or example")
    exclude = item.get("exclude") or []
    if not isinstance(exclude, list):
        raise WatchlistError(origin, f"{where}: 'exclude' must be a list of regexes")
    return Indicator(
        id=iid,
        title=str(item.get("title") or iid.replace("_", " ")),
        topic=str(item.get("topic") or default_topic),
        severity=severity,
        regexes=tuple(regexes),
        token_patterns=tuple(token_patterns),
        examples=tuple(e.strip() for e in examples),
        exclude=tuple(_regex(x, origin, f"{where} exclude") for x in exclude),
        threshold=_threshold(item.get("threshold", default_threshold), origin,
                             f"{where} threshold"),
        description=str(item.get("description") or ""),
    )


def load_wordllama() -> Any:
    """WordLlama from the weights shipped inside the PyPI package: never a hub download."""
    from rhetorica.models import wordllama

    return wordllama()


class IndicatorMatcher:
    """Pipeline component: adds ``indicator`` spans (one per indicator, the best sentence).

    Run after ``parse``/``segment`` so token patterns see lemmas and hits are per sentence;
    without a sentence layer the whole text counts as one sentence.
    """

    name = "indicators"

    def __init__(self, watchlist: Watchlist, use_examples: bool = True) -> None:
        self.watchlist = watchlist
        self.use_examples = use_examples and any(i.examples for i in watchlist.indicators)
        self._matcher = None
        self._example_vecs: dict[str, Any] = {}
        if any(i.token_patterns for i in watchlist.indicators):
            # Validate now against a blank vocabulary: a bad value fails at start-up with
            # the indicator's name, not on the first document hours later.
            import spacy

            self._token_matcher(spacy.blank("en").vocab)
            self._matcher = None  # rebuilt on the pipeline's own vocabulary
        if self.use_examples:
            wl = load_wordllama()
            for ind in watchlist.indicators:
                if ind.examples:
                    self._example_vecs[ind.id] = wl.embed(list(ind.examples), norm=True)

    def _token_matcher(self, vocab: Any) -> Any:
        if self._matcher is None:
            from spacy.matcher import Matcher

            matcher = Matcher(vocab, validate=True)
            for ind in self.watchlist.indicators:
                for k, pat in enumerate(ind.token_patterns):
                    try:
                        matcher.add(f"{ind.id}#{k}", [list(pat)])
                    except Exception as exc:  # spaCy's validator: bad values, bad OP
                        raise WatchlistError(self.watchlist.origin,
                                             f"indicator {ind.id!r} tokens #{k + 1}: "
                                             f"{str(exc).splitlines()[0]}") from None
            self._matcher = matcher
        return self._matcher

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document]) -> Iterable[Document]:
        docs = list(docs)
        sents_per_doc = [self._sentences(d) for d in docs]
        sims: list[Any] = [None] * len(docs)
        if self.use_examples:
            flat = [d.text[s:e] for d, sents in zip(docs, sents_per_doc, strict=True)
                    for s, e in sents]
            if flat:
                vecs = load_wordllama().embed(flat, norm=True)
                pos = 0
                for i, sents in enumerate(sents_per_doc):
                    sims[i] = vecs[pos:pos + len(sents)]
                    pos += len(sents)
        for doc, sents, vecs in zip(docs, sents_per_doc, sims, strict=True):
            doc.remove_layer(LAYER)
            for hit in self.match(doc, sents, vecs):
                status = status_of(doc, hit)
                if status == "negated":
                    continue  # "no curfew was imposed": nothing to watch
                label, severity, detail = hit.indicator, hit.severity, hit.detail
                attrs = {"topic": hit.topic, "severity": severity, "method": hit.method}
                if hit.at is not None:  # the matched words (the span is their sentence)
                    attrs["at"] = list(hit.at)
                if status:
                    label, severity = f"{hit.indicator}:{status}", lower(hit.severity)
                    detail += f"; {status}, not reported as done"
                    attrs.update(severity=severity, status=status)
                doc.add_span(hit.start, hit.end, label, layer=LAYER, score=hit.score,
                             source=f"watchlist:{self.watchlist.name}", explanation=detail,
                             attrs=attrs)
        return docs

    @staticmethod
    def _sentences(doc: Document) -> list[tuple[int, int]]:
        sents = [(s.start, s.end) for s in doc.layer("sentence")]
        if not sents and doc.text.strip():
            start = len(doc.text) - len(doc.text.lstrip())
            sents = [(start, len(doc.text.rstrip()))]
        return sents

    @staticmethod
    def _pattern_hit(ind: Indicator, text: str, allowed: list[tuple[int, int, int]],
                     token_spans: list[tuple[int, int]]) -> Hit | None:
        for _si, s, e in allowed:
            sentence = text[s:e]
            for rx in ind.regexes:
                m = rx.search(sentence)
                if m:
                    return Hit(ind.id, ind.topic, ind.severity, s, e, "regex", 1.0, sentence,
                               f"pattern matched {m.group(0)!r}",
                               (s + m.start(), s + m.end()))
            tok = next(((a, b) for a, b in token_spans if s <= a < e), None)
            if tok:
                return Hit(ind.id, ind.topic, ind.severity, s, e, "tokens", 1.0, sentence,
                           f"token pattern matched {text[tok[0]:tok[1]]!r}", tok)
        return None

    def match(self, doc: Document, sents: list[tuple[int, int]], vecs: Any = None) -> list[Hit]:
        """Best hit per indicator: a pattern hit (score 1) beats an example similarity."""
        text = doc.text
        token_hits: dict[str, list[tuple[int, int]]] = {}
        if any(i.token_patterns for i in self.watchlist.indicators) and doc.parsed is not None:
            parsed = doc.parsed
            matcher = self._token_matcher(parsed.vocab)
            for match_id, s, e in matcher(parsed):
                ind_id = parsed.vocab.strings[match_id].split("#", 1)[0]
                token_hits.setdefault(ind_id, []).append(
                    (parsed[s].idx, parsed[e - 1].idx + len(parsed[e - 1].text)))
        hits = []
        for ind in self.watchlist.indicators:
            allowed = [(si, s, e) for si, (s, e) in enumerate(sents)
                       if not any(x.search(text[s:e]) for x in ind.exclude)]
            best = self._pattern_hit(ind, text, allowed, token_hits.get(ind.id, []))
            if best is None and vecs is not None and ind.id in self._example_vecs:
                ex = self._example_vecs[ind.id]
                for si, s, e in allowed:
                    scores = ex @ vecs[si]
                    k = int(scores.argmax())
                    score = float(scores[k])
                    if score >= ind.threshold and (best is None or score > best.score):
                        best = Hit(ind.id, ind.topic, ind.severity, s, e, "example",
                                   round(score, 3), text[s:e],
                                   f"similar ({score:.2f}) to example {ind.examples[k]!r}")
            if best:
                hits.append(best)
        return hits
