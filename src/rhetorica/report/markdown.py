"""Markdown output: a readable report per document, every span with its offsets and why."""

from __future__ import annotations

from collections.abc import Sequence

from rhetorica.document import Document
from rhetorica.report.sections import md_text, ordered_sections


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
        body = [_header(doc)]
        for section in ordered_sections():
            md = section.markdown(doc)
            if md:
                body.append(f"## {section.title}\n\n{md}")
        parts.append("\n\n".join(body))
    return "\n\n---\n\n".join(parts) + "\n"
