"""JSON output: the full Document(s), stable keys, UTF-8."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from rhetorica import __version__
from rhetorica.document import Document

# json.dumps(ensure_ascii=False) escapes C0 controls but writes DEL, C1 controls (0x9b is a
# one-byte CSI to some terminals), line/paragraph separators and bidi overrides raw. Outside
# strings its output is ASCII, so escaping these as \uXXXX is lossless and stays valid JSON.
_RAW_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def dumps(obj: object, **kwargs: object) -> str:
    """``json.dumps`` (UTF-8, not ASCII-only) that never writes a terminal control raw."""
    text = json.dumps(obj, ensure_ascii=False, **kwargs)  # type: ignore[arg-type]
    return _RAW_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_json(docs: Sequence[Document], **_: object) -> str:
    payload = [d.to_dict() for d in docs]
    body = payload[0] if len(payload) == 1 else {"documents": payload}
    if isinstance(body, dict):
        body = {"rhetorica_version": __version__, **body}
    return dumps(body, indent=2, default=str) + "\n"
