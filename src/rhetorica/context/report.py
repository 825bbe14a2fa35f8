"""Report section "context": the closest historical precedents and why they match."""

from __future__ import annotations

from html import escape

from rhetorica.document import Document
from rhetorica.report.escape import md_cell
from rhetorica.report.sections import Section


def _items(doc: Document) -> list[dict]:
    return list((doc.results.get("context") or {}).get("precedents") or [])


def _dates(p: dict) -> str:
    return p["start"] + (f" – {p['end']}" if p.get("end") and p["end"] != p["start"] else "")


def _html(doc: Document) -> str | None:
    items = _items(doc)
    if not items:
        return None
    out = []
    for p in items:
        reasons = "".join(f"<li>{escape(r)}</li>" for r in p["reasons"])
        sources = " ".join(f'<a href="{escape(s, quote=True)}" rel="noopener">[{i}]</a>'
                           for i, s in enumerate(p["sources"], 1))
        out.append(
            f'<div class="precedent"><h3>{escape(p["title"])} '
            f'<small>({escape(_dates(p))}, {escape(p["place"])}; score {p["score"]:.2f})'
            f'</small></h3><p>Legal basis: {escape(", ".join(p["legal_basis"]) or "—")}. '
            f'Outcome: {escape(p["outcome"])} {sources}</p><ul>{reasons}</ul></div>')
    return "".join(out)


def _md(doc: Document) -> str | None:
    items = _items(doc)
    if not items:
        return None
    lines = []
    for i, p in enumerate(items, 1):
        lines.append(f"{i}. **{md_cell(p['title'])}** ({_dates(p)}, {md_cell(p['place'])}; "
                     f"score {p['score']:.2f}) — legal basis: "
                     f"{md_cell(', '.join(p['legal_basis']) or '—')}. {md_cell(p['outcome'], 300)}"
                     f" Sources: {' '.join(p['sources'])}")
        lines.extend(f"   - {md_cell(r)}" for r in p["reasons"])
    return "\n".join(lines)


CONTEXT = Section("context", "Historical precedents", 35, _html, _md)
