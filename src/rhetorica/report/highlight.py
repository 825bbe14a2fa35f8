"""Turning possibly-overlapping spans into non-overlapping, escaped HTML segments.

Overlaps are common (a phrase can be name-calling *and* us-versus-them). We cut the text at
every span boundary; each piece carries all spans covering it, is coloured by the innermost
one and lists every label in its tooltip, so nothing is hidden and nothing nests badly.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from html import escape

from rhetorica.document import Span


def segments(text: str, spans: Sequence[Span]) -> list[tuple[int, int, list[Span]]]:
    cuts = {0, len(text)}
    for s in spans:
        cuts.update((s.start, s.end))
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    out = []
    for a, b in itertools.pairwise(points):
        active = [s for s in spans if s.start <= a and s.end >= b]
        out.append((a, b, sorted(active, key=lambda s: s.end - s.start)))
    return out


def highlight_html(text: str, spans: Sequence[Span], colour_of: dict[str, str]) -> str:
    parts = []
    for a, b, active in segments(text, spans):
        piece = escape(text[a:b]).replace("\n", "<br>\n")
        if not active:
            parts.append(piece)
            continue
        inner = active[0]
        family = inner.attrs.get("family", inner.layer)
        tip = "\n".join(
            f"{s.label.replace('_', ' ')} ({s.attrs.get('family', s.layer)}, "
            f"{s.score:.2f}): {s.explanation}" for s in active
        )
        labels = " ".join(sorted({s.label for s in active}))
        cls = "hl multi" if len(active) > 1 else "hl"
        parts.append(
            f'<mark class="{cls} fam-{escape(family)}" data-labels="{escape(labels)}" '
            f'style="background:{colour_of.get(family, "#ddd")}" title="{escape(tip)}">'
            f"{piece}</mark>"
        )
    return "".join(parts)
