"""Output formats: JSON, Markdown and a self-contained HTML report.

Each format is a registered writer; each part of a report (claims, rhetoric, entities,
evidence, ...) is a registered :class:`~rhetorica.report.sections.Section`, so a new
analysis adds its own section without editing the writers.
"""
