"""Untrusted values on matplotlib charts: text shown as written, dates that can be drawn.

matplotlib reads a string with two ``$`` as mathtext: ``$\\frac{a}{$`` in a feed author's
name raised ValueError and took ``watch timeline --chart``, ``--html``, the web's
``/watch/timeline.svg`` and ``baseline --chart`` down. A legend also hides every label that
starts with ``_``, and control characters are missing glyphs (and invalid XML in an SVG).
A feed item dated 9999-12-31 (or 0001-01-01) broke the same charts another way: matplotlib
dates end at year 9999, and the axis margin goes past it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

# Dates outside these years are left off a chart (they stay in tables and JSON).
PLOTTABLE_YEARS = (1000, 9000)

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def chart_text(value: Any, *, legend: bool = False) -> str:
    """``value`` as plain chart text: every ``$`` escaped (``\\$`` is drawn as ``$`` and
    never starts mathtext), control characters drawn as U+FFFD, and for a legend label a
    leading ``_`` kept visible (matplotlib drops such labels)."""
    text = _CONTROL.sub("\ufffd", "" if value is None else str(value)).replace("$", r"\$")
    if legend and text.startswith("_"):
        text = " " + text
    return text


def chart_date(value: Any) -> datetime | None:
    """An ISO date or timestamp as a datetime matplotlib can draw, or None (unparseable, or
    outside PLOTTABLE_YEARS)."""
    text = str(value or "").strip().replace("Z", "")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    if not PLOTTABLE_YEARS[0] <= when.year <= PLOTTABLE_YEARS[1]:
        return None
    return when.replace(tzinfo=None)
