"""Report sections: each renders one analysis of a Document for HTML and Markdown.

A section returns ``None`` when the document has nothing for it (e.g. no evidence was
looked up), so reports only show what was actually computed. HTML renderers must escape
every piece of document text (use ``html.escape`` or the helpers here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from rhetorica.document import Document
from rhetorica.report.escape import md_cell, md_text


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    order: int
    html: Callable[[Document], str | None]
    markdown: Callable[[Document], str | None]


def html_table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    """``rows`` cells are already-escaped HTML."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# -- claims -------------------------------------------------------------------------------
def ranked_claims(doc: Document) -> list:
    """The claims table's order: best first (its row numbers are ranks elsewhere too)."""
    return sorted(doc.layer("claim"), key=lambda s: -s.score)


def _claims_html(doc: Document) -> str | None:
    claims = ranked_claims(doc)
    if not claims:
        return None
    rows = [[str(i), f"{c.score:.2f}", escape(c.label.replace("_", " ")),
             f'<q>{escape(c.text_in(doc.text))}</q>', escape(_claimant(c)), escape(c.explanation),
             f"{c.start}–{c.end}"] for i, c in enumerate(claims, 1)]
    return html_table(["#", "score", "label", "sentence", "claimant", "why", "chars"], rows,
                      "claims")


def _claimant(claim) -> str:
    """Whose claim it is: the quoted or reported speaker, the statement's speaker, else —
    (the text's own author)."""
    return str(claim.attrs.get("claimant") or "—")


def _claims_md(doc: Document) -> str | None:
    claims = ranked_claims(doc)
    if not claims:
        return None
    rows = [[str(i), f"{c.score:.2f}", c.label.replace("_", " "), md_cell(c.text_in(doc.text)),
             md_cell(_claimant(c)), md_cell(c.explanation), f"{c.start}-{c.end}"]
            for i, c in enumerate(claims, 1)]
    return md_table(["#", "score", "label", "sentence", "claimant", "why", "chars"], rows)


CLAIMS = Section("claims", "Claims, ranked by check-worthiness", 10, _claims_html, _claims_md)


# -- rhetoric -----------------------------------------------------------------------------
def _rhetoric_md(doc: Document) -> str | None:
    spans = doc.layer("rhetoric")
    tone = doc.results.get("tone")
    if not spans and not tone:
        return None
    out = []
    if tone:
        out.append(f"Intensity **{tone['intensity']:.0f}/100**, valence {tone['valence']:+.2f}, "
                   f"{tone['words']} words.")
    if spans:
        from rhetorica.report.highlight import highlight_markdown

        out.append(highlight_markdown(doc.text, spans))
        rows = [[s.attrs.get("family", ""), s.label.replace("_", " "),
                 f"“{md_cell(s.text_in(doc.text), 80)}”", f"{s.score:.2f}",
                 md_cell(s.explanation, 120), f"{s.start}-{s.end}"] for s in spans]
        out.append(md_table(["family", "label", "quote", "score", "why", "chars"], rows))
    else:
        out.append("No rhetoric spans found.")
    return "\n\n".join(out)


def _rhetoric_html(doc: Document) -> str | None:
    spans = doc.layer("rhetoric")
    if not spans:
        return None
    rows = [[escape(s.attrs.get("family", "")), escape(s.label.replace("_", " ")),
             f"<q>{escape(s.text_in(doc.text))}</q>", f"{s.score:.2f}", escape(s.explanation),
             f"{s.start}–{s.end}"] for s in spans]
    tone = doc.results.get("tone", {})
    breakdown = tone.get("techniques_per_100_words", {})
    bars = "".join(
        f'<div class="bar"><span class="bar-label">{escape(k.replace("_", " "))}</span>'
        f'<span class="bar-fill" style="width:{min(100.0, v * 10):.1f}%"></span>'
        f'<span class="bar-value">{v:.2f}</span></div>'
        for k, v in sorted(breakdown.items(), key=lambda kv: -kv[1])
    )
    chart = f'<div class="chart"><h3>Per 100 words</h3>{bars}</div>' if bars else ""
    return chart + html_table(["family", "label", "quote", "score", "why", "chars"], rows,
                              "rhetoric")


RHETORIC = Section("rhetoric", "Rhetoric and framing", 20, _rhetoric_html, _rhetoric_md)


# -- entities -----------------------------------------------------------------------------
def _entity_groups(doc: Document) -> dict[str, dict[str, int]]:
    groups: dict[str, dict[str, int]] = {}
    for e in doc.layer("entity"):
        name = e.text_in(doc.text)
        groups.setdefault(e.label, {}).setdefault(name, 0)
        groups[e.label][name] += 1
    return groups


def _entities_html(doc: Document) -> str | None:
    groups = _entity_groups(doc)
    if not groups:
        return None
    items = "".join(
        f"<dt>{escape(kind)}</dt><dd>"
        + ", ".join(f"{escape(n)}" + (f" ×{c}" if c > 1 else "") for n, c in names.items())
        + "</dd>"
        for kind, names in sorted(groups.items())
    )
    return f'<dl class="entities">{items}</dl>'


def _entities_md(doc: Document) -> str | None:
    groups = _entity_groups(doc)
    if not groups:
        return None
    return "\n".join(
        f"- **{kind}**: " + ", ".join(md_text(n) + (f" ×{c}" if c > 1 else "")
                                      for n, c in names.items())
        for kind, names in sorted(groups.items())
    )


ENTITIES = Section("entities", "Named entities", 30, _entities_html, _entities_md)


def ordered_sections() -> list[Section]:
    from rhetorica import registry

    return sorted((registry.sections.get(n) for n in registry.sections.names()),
                  key=lambda s: (s.order, s.name))
