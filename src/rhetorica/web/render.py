"""Rendering pages: the one Jinja environment (autoescaping everything, so untrusted text
is escaped wherever a template shows it) and :func:`render`, which every page route uses."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from rhetorica import __version__
from rhetorica.web.features import features
from rhetorica.web.views import safe_url


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(loader=PackageLoader("rhetorica.web", "templates"),
                    autoescape=select_autoescape(default=True, default_for_string=True),
                    trim_blocks=True, lstrip_blocks=True)
    e.globals.update(version=__version__, safe_url=safe_url)
    e.filters["pathquote"] = lambda v: quote(str(v), safe="")
    e.filters["marks"] = marked_snippet
    return e


def render(_template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("features", features())
    return HTMLResponse(env().get_template(_template).render(**context), status_code=status)


def marked_snippet(snippet: str | None) -> Markup:
    """A search snippet, escaped, with the store's match markers as <mark>."""
    from rhetorica.store.base import MATCH_END, MATCH_START

    text = str(escape(snippet or ""))
    return Markup(text.replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>"))
