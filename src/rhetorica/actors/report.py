"""Report section "actors": who is in the statement, in what office, doing what."""

from __future__ import annotations

from html import escape

from rhetorica.document import Document
from rhetorica.report.escape import md_cell
from rhetorica.report.sections import Section, html_table, md_table


def _rows(doc: Document) -> list[dict]:
    return list((doc.results.get("actors") or {}).get("actors") or [])


def _roles(row: dict) -> str:
    return ", ".join(f"{r} ×{n}" if n > 1 else r for r, n in row.get("roles", {}).items())


def _html(doc: Document) -> str | None:
    rows = _rows(doc)
    if not rows:
        return None
    as_of = _as_of(doc)
    cells = []
    for r in rows:
        link = ""
        if r.get("sources"):
            link = f'<a href="{escape(r["sources"][0], quote=True)}" rel="noopener">source</a>'
        office = r.get("office") or ("" if r["linked"] else "not in knowledge base")
        cells.append([escape(r["name"]), escape(office),
                      f"<strong>{escape(r['role'])}</strong>", escape(_roles(r)),
                      str(r["mentions"]), link])
    return (f"<p>Offices as of {escape(as_of)}.</p>"
            + html_table(["actor", "office", "role", "all roles", "mentions", "source"], cells,
                         "actors"))


def _md(doc: Document) -> str | None:
    rows = _rows(doc)
    if not rows:
        return None
    as_of = _as_of(doc)
    table = md_table(["actor", "office", "role", "all roles", "mentions"], [
        [md_cell(r["name"]), md_cell(r.get("office") or ("" if r["linked"] else "(unlinked)")),
         f"**{r['role']}**", md_cell(_roles(r)), str(r["mentions"])] for r in rows])
    return f"Offices as of {as_of}.\n\n{table}"


def _as_of(doc: Document) -> str:
    """The day offices are read for, saying when it is only today's date (an undated
    statement), so nobody takes it for the statement's date."""
    info = doc.results.get("actors") or {}
    day = str(info.get("as_of", ""))
    return f"{day} (today: the statement has no date)" if info.get("date_from") == "today" \
        else day


ACTORS = Section("actors", "Actors and their roles", 25, _html, _md)
