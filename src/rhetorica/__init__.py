"""Rhetorica: reads political statements and news the way a careful analyst does.

Only the light-weight data model is imported here so that ``rhetorica --help`` stays fast;
spaCy and the models load when a pipeline first needs them.
"""

from rhetorica.document import Document, DocumentMeta, Span

__version__ = "0.1.0"
__all__ = ["Document", "DocumentMeta", "Span", "__version__"]
