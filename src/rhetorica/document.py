"""The data model every component reads and writes.

A :class:`Document` owns the original text and never changes it; components only add
typed, offset-based :class:`Span` objects and document-level ``results``. Keeping offsets
as character positions into the untouched text is what lets every report, highlight and
citation point back at the exact words.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


class SpanError(ValueError):
    """A component tried to add a span that does not fit the document's text."""


@dataclass(slots=True)
class Span:
    """A labelled stretch of the original text: ``text[start:end]``."""

    start: int
    end: int
    label: str
    score: float = 1.0
    source: str = ""
    explanation: str = ""
    layer: str = "misc"
    attrs: dict[str, Any] = field(default_factory=dict)

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not data["attrs"]:
            del data["attrs"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            label=str(data["label"]),
            score=float(data.get("score", 1.0)),
            source=str(data.get("source", "")),
            explanation=str(data.get("explanation", "")),
            layer=str(data.get("layer", "misc")),
            attrs=dict(data.get("attrs") or {}),
        )


@dataclass(slots=True)
class DocumentMeta:
    """Where a text came from; all optional because a pasted statement has none of it."""

    speaker: str | None = None
    date: str | None = None  # ISO 8601 date or datetime, as given by the source
    source: str | None = None
    title: str | None = None
    url: str | None = None
    origin: str | None = None  # file name and line the text was read from
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, {}, "")}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> DocumentMeta:
        data = dict(data or {})
        known = {k: data.pop(k) for k in ("speaker", "date", "source", "title", "url", "origin")
                 if k in data}
        extra = dict(data.pop("extra", {}) or {})
        extra.update(data)
        return cls(**{k: (None if v is None else str(v)) for k, v in known.items()}, extra=extra)


def content_key(text: str, speaker: str | None = None, date: str | None = None) -> str:
    """Identity of a statement: the same words from another speaker or day are another statement."""
    h = hashlib.sha256()
    for part in (text, speaker or "", date or ""):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


@dataclass
class Document:
    text: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    spans: list[Span] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    # Transient parse (a spaCy Doc); never serialised, rebuilt on demand.
    parsed: Any = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        return content_key(self.text, self.meta.speaker, self.meta.date)

    def add_span(
        self,
        start: int,
        end: int,
        label: str,
        *,
        layer: str,
        score: float = 1.0,
        source: str = "",
        explanation: str = "",
        attrs: dict[str, Any] | None = None,
    ) -> Span:
        if not (0 <= start < end <= len(self.text)):
            raise SpanError(
                f"span [{start}, {end}) for {label!r} is outside the text (length {len(self.text)})"
            )
        span = Span(start, end, label, float(score), source, explanation, layer, dict(attrs or {}))
        self.spans.append(span)
        return span

    def layer(self, name: str) -> list[Span]:
        return sorted((s for s in self.spans if s.layer == name), key=lambda s: (s.start, -s.end))

    def layers(self) -> list[str]:
        return sorted({s.layer for s in self.spans})

    def remove_layer(self, name: str) -> None:
        """Lets a component re-run idempotently: it clears its own layer first."""
        self.spans = [s for s in self.spans if s.layer != name]

    def sentence_of(self, span: Span) -> Span | None:
        for sent in self.layer("sentence"):
            if sent.start <= span.start < sent.end:
                return sent
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "text": self.text,
            "meta": self.meta.to_dict(),
            "spans": [s.to_dict() for s in sorted(self.spans, key=lambda s: (s.layer, s.start))],
            "results": self.results,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return cls(
            text=data["text"],
            meta=DocumentMeta.from_dict(data.get("meta")),
            spans=[Span.from_dict(s) for s in data.get("spans", [])],
            results=dict(data.get("results") or {}),
        )
