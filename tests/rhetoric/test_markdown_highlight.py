"""Markdown reports mark rhetoric spans by family, with a legend, and overlaps stay legible."""

from __future__ import annotations

from rhetorica.document import Document, Span
from rhetorica.report.highlight import highlight_markdown

TEXT = "The radical left wants to destroy our way of life."


def _spans():
    return [Span(4, 16, "name_calling", attrs={"family": "technique"}, layer="rhetoric"),
            Span(4, 16, "us_vs_them", attrs={"family": "us_vs_them"}, layer="rhetoric"),
            Span(4, 11, "loaded_language", attrs={"family": "technique"}, layer="rhetoric")]


def test_overlapping_spans_share_one_bracket_with_family_markers():
    md = highlight_markdown(TEXT, _spans())
    assert "**radical** ⟦🟨 loaded language⟧" in md
    assert "**left** ⟦🟨 name calling; 🟪 us vs them⟧" in md
    assert md.rstrip().endswith("*Legend:* 🟨 Persuasion technique · 🟪 Us versus them")


def test_markdown_special_characters_are_escaped():
    text = "They are *vermin* <script>"
    md = highlight_markdown(text, [Span(10, 16, "vermin_frame", attrs={"family": "frame"},
                                        layer="rhetoric")])
    assert "**vermin** ⟦🟩 vermin frame⟧" in md
    assert "<script" not in md and "&lt;script&gt;" in md


def test_markdown_report_includes_highlight_and_legend():
    from rhetorica.report.markdown import write_markdown

    doc = Document(TEXT)
    for s in _spans():
        doc.add_span(s.start, s.end, s.label, layer="rhetoric", attrs=s.attrs)
    md = write_markdown([doc])
    assert "⟦🟨 name calling; 🟪 us vs them⟧" in md and "*Legend:*" in md
