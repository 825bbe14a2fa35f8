"""The "Checkable claims" report section: the atomic claims of the check-worthy sentences.

A sentence ranked in the claims table may say several things ("cut the budget by 12% and
hired 40 teachers"), say them in someone else's voice, or lean on a pronoun. What a
fact-checker checks is each proposition on its own, with its claimant, and whether it is
asserted, denied or only predicted; this section lists those, numbered by the sentence they
come from in the claims table. All text is escaped.
"""

from __future__ import annotations

from html import escape

from rhetorica.claims.atomic import checkable_text
from rhetorica.document import Document, Span
from rhetorica.report.escape import md_cell
from rhetorica.report.sections import Section, html_table, md_table, ranked_claims

# how a proposition is put, where it is not simply asserted as fact
_HOW = {"negated": "negative", "question": "asked", "condition": "on a condition",
        "demand": "demanded", "future": "predicted", "possibility": "possible"}


def _rows(doc: Document) -> list[tuple[int, Span]]:
    """(rank of the sentence in the claims table, atomic claim), check-worthy ones only."""
    ranked = ranked_claims(doc)
    rank = {(c.start, c.end): n for n, c in enumerate(ranked, 1)}
    rows = []
    for atom in doc.layer("atomic_claim"):
        if not atom.attrs.get("check_worthy"):
            continue
        start, end = atom.attrs.get("claim", (atom.start, atom.end))
        rows.append((rank.get((start, end), 0), atom))
    rows.sort(key=lambda r: (r[0] or len(ranked) + 1, r[1].attrs.get("index", 0)))
    return rows


def _how(atom: Span) -> str:
    notes = [_HOW[v] for v in (atom.attrs.get("polarity"), atom.attrs.get("modality"))
             if v in _HOW]
    # names put in for pronouns, where the claim shown has them (not "she" of "she said")
    resolved = [f"{r['text']} = {r['entity']}" for r in atom.attrs.get("resolved") or []
                if r["entity"] in checkable_text(atom)]
    return "; ".join([*notes, *resolved])


def _html(doc: Document) -> str | None:
    rows = _rows(doc)
    if not rows:
        return None
    cells = [[str(n or "–"), f"<q>{escape(checkable_text(a))}</q>",
              escape(str(a.attrs.get("claimant") or "—")), escape(a.label.replace("_", " ")),
              escape(_how(a)), f"{a.start}–{a.end}"] for n, a in rows]
    return html_table(["sentence #", "claim", "claimant", "type", "notes", "chars"], cells,
                      "atomic-claims")


def _md(doc: Document) -> str | None:
    rows = _rows(doc)
    if not rows:
        return None
    cells = [[str(n or "-"), md_cell(checkable_text(a)),
              md_cell(str(a.attrs.get("claimant") or "—")), a.label.replace("_", " "),
              md_cell(_how(a)), f"{a.start}-{a.end}"] for n, a in rows]
    return md_table(["sentence #", "claim", "claimant", "type", "notes", "chars"], cells)


ATOMIC_CLAIMS = Section("atomic_claims", "Checkable claims, one proposition each", 11, _html,
                        _md)
