"""Untrusted text in Markdown: one escape for every report section and highlighter."""

from __future__ import annotations

_MD_SPECIAL = "\\`*_[]#|"


def md_text(text: str) -> str:
    """Untrusted text in Markdown: tags neutralised (many renderers pass raw HTML through)
    and Markdown's own marks escaped, so a statement's ``**BREAKING**`` or
    ``[click](javascript:…)`` shows as typed instead of turning bold or into a live link."""
    for ch in _MD_SPECIAL:
        text = text.replace(ch, "\\" + ch)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def md_cell(text: str, limit: int = 160) -> str:
    """Markdown table cells: one line, Markdown and tags escaped, long quotes cut (never
    inside an escape)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return md_text(text)
