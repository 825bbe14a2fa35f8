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
from rhetorica.report.escape import md_text


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


def highlight_html(text: str, spans: Sequence[Span], colour_of: dict[str, str],
                   pattern_of: dict[str, str] | None = None) -> str:
    """``pattern_of``: a CSS border style per family, drawn under the highlight as well as
    its colour (see the legend), so the families differ without colour vision."""
    pattern_of = pattern_of or {}
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
            f'style="background:{colour_of.get(family, "#ddd")};border-bottom:3px '
            f'{_style(pattern_of.get(family))} #333" title="{escape(tip)}">'
            f"{piece}</mark>"
        )
    return "".join(parts)


BORDER_STYLES = frozenset({"solid", "dotted", "dashed", "double", "groove", "ridge", "inset",
                           "outset"})


def _style(pattern: str | None) -> str:
    """A CSS border style from the lexicon, never anything else inside a style attribute."""
    return pattern if pattern in BORDER_STYLES else "solid"


def highlight_markdown(text: str, spans: Sequence[Span],
                       families: dict[str, dict[str, str]] | None = None) -> str:
    """Markdown has no colours, so each family gets a coloured-square marker: marked words
    are bold and each span closes with ``⟦marker label⟧``; spans ending together share one
    bracket, so overlaps stay readable. A legend line names the markers used."""
    if families is None:
        from rhetorica.rhetoric.lexicon import load_lexicon

        families = load_lexicon().families

    def marker(span: Span) -> str:
        return families.get(span.attrs.get("family", span.layer), {}).get("marker", "⬜")

    ends: dict[int, list[Span]] = {}
    for s in spans:
        ends.setdefault(s.end, []).append(s)
    parts: list[str] = []
    for a, b, active in segments(text, spans):
        piece = text[a:b]
        if active and piece.strip():
            lead = piece[: len(piece) - len(piece.lstrip())]
            trail = piece[len(piece.rstrip()):]
            parts.append(f"{lead}**{md_text(piece.strip())}**{trail}")
        else:
            parts.append(md_text(piece))
        closing = sorted(ends.get(b, []), key=lambda s: (-(s.end - s.start), s.label))
        if closing:
            tags = "; ".join(dict.fromkeys(
                f"{marker(s)} {s.label.replace('_', ' ')}" for s in closing))
            parts.append(f" ⟦{tags}⟧")
    used = {s.attrs.get("family", s.layer) for s in spans}
    legend = " · ".join(f"{f.get('marker', '⬜')} {f.get('title', name)}"
                        for name, f in families.items() if name in used)
    # two marked pieces in a row ("**war****zone**" where spans overlap) are one bold run;
    # a literal asterisk in the text is escaped, so "****" only ever joins two markers
    body = "".join(parts).replace("****", "").replace("\n", "  \n> ")
    return f"> {body}\n\n*Legend:* {legend}"
