"""The "Voices" report section: who says what, and how each voice sounds.

One row per voice (the author first, then each quoted speaker) with words, intensity and
technique mix, and a bar per voice so the author's own tone stands beside the voices quoted;
then the quotes themselves with speaker, kind and cue. All text is escaped.
"""

from __future__ import annotations

from html import escape

from rhetorica.document import Document
from rhetorica.report.escape import md_cell
from rhetorica.report.sections import Section, html_table, md_table


def _mix(row: dict) -> str:
    mix = row.get("techniques_per_100_words") or {}
    return ", ".join(f"{k.replace('_', ' ')} {v:.1f}" for k, v in
                     sorted(mix.items(), key=lambda kv: -kv[1])[:4])


def _quotes(doc: Document) -> list:
    return [q for q in doc.layer("quote") if q.label != "mention"]


def _voices_html(doc: Document) -> str | None:
    voices = doc.results.get("voices")
    if not voices:
        return None
    bars = "".join(
        f'<div class="bar"><span class="bar-label">{escape(v["voice"])}</span>'
        f'<span class="bar-fill" style="width:{min(100.0, float(v["intensity"])):.1f}%">'
        f'</span><span class="bar-value">{float(v["intensity"]):.0f}</span></div>'
        for v in voices)
    rows = [[escape(v["voice"]), str(v["words"]), f"{v['intensity']:.0f}",
             str(v["rhetoric_spans"]), escape(_mix(v))] for v in voices]
    quotes = [[escape(q.attrs.get("speaker") or "unattributed"), escape(q.label),
               f"<q>{escape(q.text_in(doc.text))}</q>", escape(q.attrs.get("cue") or ""),
               f"{q.start}–{q.end}"] for q in _quotes(doc)]
    return (f'<div class="chart"><h3>Intensity by voice</h3>{bars}</div>'
            + html_table(["voice", "words", "intensity", "rhetoric spans", "mix per 100 words"],
                         rows, "voices")
            + (html_table(["speaker", "kind", "quote", "cue", "chars"], quotes, "quotes")
               if quotes else ""))


def _voices_md(doc: Document) -> str | None:
    voices = doc.results.get("voices")
    if not voices:
        return None
    rows = [[md_cell(v["voice"]), str(v["words"]), f"{v['intensity']:.0f}",
             str(v["rhetoric_spans"]), md_cell(_mix(v))] for v in voices]
    out = [md_table(["voice", "words", "intensity", "rhetoric spans", "mix per 100 words"],
                    rows)]
    quotes = [[md_cell(q.attrs.get("speaker") or "unattributed"), q.label,
               md_cell(q.text_in(doc.text)), md_cell(q.attrs.get("cue") or ""),
               f"{q.start}-{q.end}"] for q in _quotes(doc)]
    if quotes:
        out.append(md_table(["speaker", "kind", "quote", "cue", "chars"], quotes))
    return "\n\n".join(out)


VOICES = Section("voices", "Voices: who says what", 25, _voices_html, _voices_md)
