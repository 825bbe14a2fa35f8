"""Report section "indicators": the watchlist indicators a document triggered, with the
sentence that triggered each, so a stored item opened from an alert or a timeline
(``rhetorica db show ID --format html``) shows why it mattered."""

from __future__ import annotations

from html import escape

from rhetorica.document import Document
from rhetorica.monitor.watchlist import LAYER
from rhetorica.report.escape import md_cell
from rhetorica.report.sections import Section, html_table, md_table

_SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _hits(doc: Document):
    return sorted(doc.layer(LAYER),
                  key=lambda s: (_SEVERITY_RANK.get(s.attrs.get("severity", ""), 9), s.start))


def _html(doc: Document) -> str | None:
    hits = _hits(doc)
    if not hits:
        return None
    rows = [[escape(h.label), escape(str(h.attrs.get("severity", ""))),
             escape(str(h.attrs.get("topic", ""))), f"<q>{escape(h.text_in(doc.text))}</q>",
             escape(f"{h.attrs.get('method', '')} {h.score:.2f}"), escape(h.explanation),
             f"{h.start}–{h.end}"] for h in hits]
    return html_table(["indicator", "severity", "topic", "sentence", "match", "why", "chars"],
                      rows, "indicators")


def _md(doc: Document) -> str | None:
    hits = _hits(doc)
    if not hits:
        return None
    rows = [[h.label, str(h.attrs.get("severity", "")), str(h.attrs.get("topic", "")),
             md_cell(h.text_in(doc.text)), f"{h.attrs.get('method', '')} {h.score:.2f}",
             f"{h.start}-{h.end}"] for h in hits]
    return md_table(["indicator", "severity", "topic", "sentence", "match", "chars"], rows)


INDICATORS = Section("indicators", "Escalation indicators", 12, _html, _md)
