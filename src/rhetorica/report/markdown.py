"""Markdown output: a readable report per document, every span with its offsets and why."""

from __future__ import annotations

from collections.abc import Sequence

from rhetorica.document import Document
from rhetorica.report.escape import md_text
from rhetorica.report.sections import ordered_sections
from rhetorica.report.summary import summary_lines


def _header(doc: Document) -> str:
    meta = doc.meta
    title = meta.title or (f"Statement by {meta.speaker}" if meta.speaker else "Statement")
    facts = [f"{k}: {v}" for k, v in (("speaker", meta.speaker), ("date", meta.date),
             ("source", meta.source), ("url", meta.url), ("origin", meta.origin)) if v]
    lines = [f"# {md_text(title)}"]
    if facts:
        lines.append("*" + md_text(" · ".join(facts)) + "*")
    warning = doc.results.get("language", {}).get("warning")
    if warning:
        lines.append(f"> **Warning:** {warning}")
    quoted = "\n".join("> " + md_text(line) if line else ">" for line in doc.text.split("\n"))
    lines.append(quoted)
    return "\n\n".join(lines)


def write_markdown(docs: Sequence[Document], **_: object) -> str:
    parts = []
    for doc in docs:
        sections = [(s.title, md) for s in ordered_sections() if (md := s.markdown(doc))]
        body = [_header(doc)]
        lines = [f"- **{topic}:** {md_text(line)}" for topic, line in summary_lines(doc)]
        if sections:
            lines.append("- **Contents:** " + " · ".join(title for title, _ in sections))
        body.append("## Summary\n\n" + "\n".join(lines))
        body += [f"## {title}\n\n{md}" for title, md in sections]
        parts.append("\n\n".join(body))
    return "\n\n---\n\n".join(parts) + "\n"
