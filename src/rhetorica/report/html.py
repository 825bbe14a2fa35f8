"""The self-contained HTML report: one file, no external assets, every text escaped.

Jinja2's autoescape covers template variables; section renderers and the highlighter
escape their own pieces before they are marked safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from rhetorica import __version__
from rhetorica.document import Document
from rhetorica.report.highlight import highlight_html
from rhetorica.report.sections import ordered_sections
from rhetorica.report.summary import summary_lines
from rhetorica.rhetoric.lexicon import load_lexicon

FOLD_ROWS = 12  # sections with longer tables open folded


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("rhetorica.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def family_colours() -> dict[str, dict[str, str]]:
    return dict(load_lexicon().families)


def family_styles() -> tuple[dict[str, str], dict[str, str]]:
    """(colour, underline style) of each rhetoric family, as highlights and legends draw
    them."""
    families = family_colours()
    return ({n: f["colour"] for n, f in families.items()},
            {n: f.get("pattern", "") for n, f in families.items()})


def render_document(doc: Document, highlighted: Markup | None = None) -> dict[str, Any]:
    """What the report templates show of ``doc``; ``highlighted``: the text already marked
    up by the caller (the web page marks claims as well as rhetoric), else the rhetoric
    highlights alone."""
    families = family_colours()
    spans = doc.layer("rhetoric")
    used = {s.attrs.get("family", s.layer) for s in spans}
    sections = []
    for section in ordered_sections():
        html = section.html(doc)
        if html:
            # a long table is folded (its first lines stay readable in the summary above)
            rows = html.count("<tr>")
            sections.append({"name": section.name, "title": section.title, "html": Markup(html),
                             "fold": rows > FOLD_ROWS, "rows": rows})
    if highlighted is None:
        highlighted = Markup(highlight_html(doc.text, spans, *family_styles()))
    return {
        "doc": doc,
        "meta": doc.meta,
        "highlighted": highlighted,
        "legend": [(k, v) for k, v in families.items() if k in used],
        "tone": doc.results.get("tone"),
        "warning": doc.results.get("language", {}).get("warning"),
        "sections": sections,
        "summary": summary_lines(doc),
    }


def write_html(docs: Sequence[Document], title: str = "Rhetorica report", **_: object) -> str:
    return _env().get_template("report.html.j2").render(
        title=title,
        documents=[render_document(d) for d in docs],
        version=__version__,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
