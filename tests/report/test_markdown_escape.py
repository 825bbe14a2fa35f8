"""Untrusted text is escaped everywhere a Markdown report shows it, not only in highlights."""

from __future__ import annotations

import re

from rhetorica.document import Document, DocumentMeta
from rhetorica.pipeline import Pipeline
from rhetorica.report.escape import md_cell, md_text
from rhetorica.report.markdown import write_markdown

LINK = re.compile(r"(?<!\\)\]\(")  # "](" not escaped: a live Markdown link
BOLD = re.compile(r"(?<!\\)\*(?<!\\)\*[A-Za-z]")

HOSTILE = ("**BREAKING** Crime rose 40% in 2024, says `the mayor` — "
           "[read more](javascript:alert(1)) <script>alert(1)</script> #hashtag | pipe")


def test_md_text_escapes_markdown_marks_and_tags():
    out = md_text(HOSTILE)
    assert not BOLD.search(out) and "\\*\\*BREAKING\\*\\*" in out
    assert not LINK.search(out) and "\\[read more\\]" in out
    assert "`" not in out.replace("\\`", "")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "\\|" in out


def test_md_cell_cuts_before_escaping():
    cell = md_cell("*" * 300, limit=10)
    assert cell.endswith("…") and cell.count("\\*") == 9


def test_statement_quote_and_claims_table_are_escaped():
    doc = Pipeline(["parse", "segment", "claims"])(
        Document(HOSTILE, DocumentMeta(speaker="**Mayor** [x](javascript:1)")))
    md = write_markdown([doc])
    assert not LINK.search(md)
    assert "\\*\\*BREAKING\\*\\*" in md and "\\*\\*Mayor\\*\\*" in md
    assert "<script>" not in md
