"""JSON output: the full Document(s), stable keys, UTF-8."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rhetorica import __version__
from rhetorica.document import Document


def write_json(docs: Sequence[Document], **_: object) -> str:
    payload = [d.to_dict() for d in docs]
    body = payload[0] if len(payload) == 1 else {"documents": payload}
    if isinstance(body, dict):
        body = {"rhetorica_version": __version__, **body}
    return json.dumps(body, ensure_ascii=False, indent=2, default=str) + "\n"
