"""The "evidence" report section: one card per verified claim, with its cited passages.

A card shows the verdict and its calibrated confidence, the plain-language summary (including
"No report in the corpus supports this claim." when nothing relevant was found — itself a
finding), and each passage with its stance, source, date and link. Fact-checks already
published about the claim (``item["prior_fact_checks"]``) come first, right under the claim,
with their rating, publisher, date and link. All text is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from rhetorica.document import Document
from rhetorica.report.escape import md_cell
from rhetorica.report.sections import Section

_COLOURS = {"supported": "#1b7f3b", "refuted": "#b3261e", "disputed": "#b26a00",
            "not_enough_evidence": "#555555"}
_STANCE_COLOURS = {"supports": "#1b7f3b", "refutes": "#b3261e", "unrelated": "#777777"}


def _label(verdict: str) -> str:
    return verdict.replace("_", " ")


def _safe_url(url: str | None) -> str | None:
    """Only web links are linked (no ``javascript:``); characters that end a link are encoded."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    return url.replace(" ", "%20").replace(">", "%3E").replace("<", "%3C")


def _cite(p: dict[str, Any]) -> str:
    parts = [p.get("source") or "", p.get("title") or "", p.get("date") or ""]
    return " · ".join(x for x in parts if x) or (p.get("origin") or "corpus")


def copies_text(p: dict[str, Any]) -> str:
    """The other copies of a syndicated story, so a reader sees it counted once."""
    others = p.get("copies") or []
    if not others:
        return ""
    names = [" ".join(str(x) for x in (c.get("source"), c.get("published")) if x)
             or f"document {c['id']}" for c in others]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"also carried by {len(others)} cop{'ies' if len(others) > 1 else 'y'}: {shown}"


def _later_report_text(p: dict[str, Any], passages: list[dict[str, Any]], key: str,
                       said: str) -> str:
    """``said``, naming the later passage that ``p[key]`` points to by source and date."""
    later_id = p.get(key)
    if later_id is None:
        return ""
    later = next((q for q in passages if q.get("passage_id") == later_id), {})
    by = " ".join(str(x) for x in (later.get("source"), later.get("date")) if x)
    return said + (f" ({by})" if by else "")


def superseded_text(p: dict[str, Any], passages: list[dict[str, Any]]) -> str:
    """Says that a later report corrects this one (its reading no longer counts)."""
    return _later_report_text(p, passages, "superseded_by",
                              "superseded: corrected by a later report")


def older_figures_text(p: dict[str, Any], passages: list[dict[str, Any]]) -> str:
    """Says that a later report gives the claim's figures for a more recent period."""
    return _later_report_text(p, passages, "older_figures_than",
                              "older figures: a later report has more recent ones")


def notes_text(p: dict[str, Any], passages: list[dict[str, Any]]) -> list[str]:
    """What a reader is told beside a passage besides its checks: a later correction, more
    recent figures elsewhere, the other copies of a syndicated story."""
    return [t for t in (superseded_text(p, passages), older_figures_text(p, passages),
                        copies_text(p)) if t]


def rating_text(fc: dict[str, Any]) -> str:
    """A prior fact-check's rating as its publisher wrote it ("False", else "2/5")."""
    if fc.get("rating"):
        return str(fc["rating"])
    if fc.get("rating_value") not in (None, ""):
        best = fc.get("best_rating")
        return f"{fc['rating_value']}" + (f"/{best}" if best not in (None, "") else "")
    return "rated"


def _prior_html(item: dict[str, Any]) -> str:
    rows = []
    for fc in item.get("prior_fact_checks") or []:
        url = _safe_url(fc.get("url"))
        where = ", ".join(escape(str(x)) for x in (fc.get("publisher"), fc.get("date")) if x)
        link = (f'<a href="{escape(url, quote=True)}" rel="noopener">{escape(url)}</a>' if url
                else escape(fc.get("url") or ""))
        claim = f' <q>{escape(fc["claim_reviewed"])}</q>' if fc.get("claim_reviewed") else ""
        rows.append(f"<li><strong>{escape(rating_text(fc))}</strong>"
                    f"{' — ' + where if where else ''}{claim} {link}</li>")
    if not rows:
        return ""
    return ('<div class="prior-fact-checks"><p><strong>Already fact-checked:</strong></p>'
            f'<ul>{"".join(rows)}</ul></div>')


def _prior_md(item: dict[str, Any]) -> list[str]:
    lines = []
    for fc in item.get("prior_fact_checks") or []:
        url = _safe_url(fc.get("url"))
        where = ", ".join(md_cell(str(x)) for x in (fc.get("publisher"), fc.get("date")) if x)
        link = f"<{url}>" if url else md_cell(fc.get("url") or "")
        claim = f" “{md_cell(fc['claim_reviewed'], 300)}”" if fc.get("claim_reviewed") else ""
        lines.append(f"- **{md_cell(rating_text(fc))}**{' — ' + where if where else ''}"
                     f"{claim} {link}".rstrip())
    return ["Already fact-checked:", *lines, ""] if lines else []


def _parts_html(item: dict[str, Any]) -> str:
    """A sentence checked part by part: each part's own verdict."""
    rows = [f'<li><q>{escape(p["text"])}</q>: <strong style="color:'
            f'{_COLOURS.get(p["verdict"], "#555")}">{escape(_label(p["verdict"]))}</strong> '
            f'({p["confidence"]:.2f})</li>' for p in item.get("parts") or []]
    return (f'<p><small>Checked in {len(rows)} parts:</small></p><ul class="parts">'
            f'{"".join(rows)}</ul>') if rows else ""


def _parts_md(item: dict[str, Any]) -> list[str]:
    parts = item.get("parts") or []
    return [f"Checked in {len(parts)} parts:",
            *(f"- “{md_cell(p['text'], 300)}”: **{_label(p['verdict'])}** "
              f"({p['confidence']:.2f})" for p in parts), ""] if parts else []


def _notes_html(item: dict[str, Any]) -> str:
    notes = item.get("notes") or []
    return "".join(f'<p class="note"><small>{escape(n)}</small></p>' for n in notes)


def _evidence_html(doc: Document) -> str | None:
    items = doc.results.get("evidence")
    if items is None:
        return None
    if not items:
        return "<p>No check-worthy claim to verify.</p>"
    cards = []
    for item in items:
        colour = _COLOURS.get(item["verdict"], "#555")
        rows = []
        for p in item.get("passages", []):
            url = _safe_url(p.get("url"))
            cite = escape(_cite(p))
            cite = f'<a href="{escape(url, quote=True)}" rel="noopener">{cite}</a>' if url \
                else cite
            sc = _STANCE_COLOURS.get(p["stance"], "#777")
            why = "".join(f'<br><small class="check {escape(c["relation"])}">'
                          f'{escape(c["kind"])}: {escape(c["reason"])}</small>'
                          for c in p.get("checks") or [])
            why += "".join(f'<br><small class="note">{escape(t)}</small>'
                           for t in notes_text(p, item.get("passages", [])))
            rows.append(
                f'<li><span class="stance" style="color:{sc}">{escape(p["stance"])} '
                f'{p["score"]:.2f}</span> <q>{escape(p["text"])}</q> '
                f'<cite>{cite}</cite>{why}</li>')
        passages = f'<ol class="passages">{"".join(rows)}</ol>' if rows else \
            "<p><em>The corpus returned no passage for this claim.</em></p>"
        cards.append(
            f'<div class="evidence-card" style="border-left:4px solid {colour};'
            'padding:0.5em 1em;margin:0.8em 0">'
            f'<p><q>{escape(item["claim"]["text"])}</q></p>{_checked_html(item["claim"])}'
            f"{_prior_html(item)}"
            f'<p><strong style="color:{colour}">{escape(_label(item["verdict"]))}</strong>, '
            f'confidence {item["confidence"]:.2f}. {escape(item.get("summary", ""))}</p>'
            f"{_parts_html(item)}{passages}{_notes_html(item)}</div>")
    return "".join(cards)


def _checked(claim: dict[str, Any]) -> str:
    who = f", a claim of {claim['claimant']}" if claim.get("claimant") else ""
    return f"{claim.get('attribution') or 'reported'}{who}"


def _checked_html(claim: dict[str, Any]) -> str:
    """A reported claim ("Trump claimed that ...") is checked for what was said."""
    if not claim.get("checked"):
        return ""
    return (f'<p><small>checked: <q>{escape(claim["checked"])}</q> '
            f"({escape(_checked(claim))})</small></p>")


def _checked_md(claim: dict[str, Any]) -> list[str]:
    if not claim.get("checked"):
        return []
    return [f"checked: “{md_cell(claim['checked'], 300)}” ({md_cell(_checked(claim), 200)})"]


def _evidence_md(doc: Document) -> str | None:
    items = doc.results.get("evidence")
    if items is None:
        return None
    if not items:
        return "No check-worthy claim to verify."
    out = []
    for i, item in enumerate(items, 1):
        lines = [f"**{i}. “{md_cell(item['claim']['text'], 300)}”** "
                 f"({item['claim']['start']}-{item['claim']['end']})",
                 *_checked_md(item["claim"]), "", *_prior_md(item),
                 f"Verdict: **{_label(item['verdict'])}** (confidence {item['confidence']:.2f}). "
                 f"{md_cell(item.get('summary', ''), 600)}", "", *_parts_md(item)]
        for p in item.get("passages", []):
            cite = md_cell(_cite(p))
            url = _safe_url(p.get("url"))
            cite = f"[{cite}](<{url}>)" if url else cite
            lines.append(f"- *{p['stance']}* {p['score']:.2f}: “{md_cell(p['text'], 300)}” "
                         f"— {cite}")
            lines.extend(f"  - {c['kind']}: {md_cell(c['reason'], 300)}"
                         for c in p.get("checks") or [])
            lines.extend(f"  - {md_cell(t, 400)}" for t in notes_text(p, item["passages"]))
        lines.extend(f"- *note*: {md_cell(n)}" for n in item.get("notes") or [])
        if not item.get("passages"):
            lines.append("- The corpus returned no passage for this claim.")
        out.append("\n".join(lines))
    return "\n\n".join(out)


EVIDENCE = Section("evidence", "Evidence for the claims", 15, _evidence_html, _evidence_md)
