"""Read statements to analyse: a text file, stdin, or JSON/JSONL of posts.

A post is an object with ``text`` (or ``content``/``body``) and optional ``speaker``
(``author``/``user``), ``date`` (``created_at``/``published``), ``source``, ``title``,
``url`` and ``id``. All input is validated *before* anything is analysed or stored, so a bad
line 900 aborts the run without leaving lines 1-899 half-written in the store.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from rhetorica.document import Document, DocumentMeta
from rhetorica.ingest.errors import InputError
from rhetorica.ingest.text import (
    POSTS_FILE_FACTOR,
    STATEMENT_MAX_BYTES,
    check_size,
    decode,
    front_matter,
    require_text,
)

TEXT_KEYS = ("text", "content", "body", "full_text", "statement")
META_KEYS = {
    "speaker": ("speaker", "author", "user", "username", "screen_name"),
    "date": ("date", "created_at", "published", "timestamp", "time"),
    "source": ("source", "platform", "outlet"),
    "title": ("title",),
    "url": ("url", "link"),
}
MAX_JSON_DEPTH = 32


def _pick(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for k in keys:
        if obj.get(k) not in (None, ""):
            return obj[k]
    return None


def _depth(obj: Any, limit: int = MAX_JSON_DEPTH) -> int:
    stack, deepest = [(obj, 1)], 1
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if d > limit:
            return d
        if isinstance(node, dict):
            stack.extend((v, d + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, d + 1) for v in node)
    return deepest


def _require_unicode(value: str | None, origin: str, line: int | None) -> None:
    """JSON may spell a lone surrogate (``"\\ud800"``): valid JSON, not valid text; refuse it
    here rather than crash when the store or the report encodes it."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(origin, f"contains an unpaired surrogate (U+{ord(value[exc.start]):04X}"
                         f") at character {exc.start}; that is not valid Unicode text",
                         line=line) from None


def post_to_document(obj: Any, origin: str, line: int | None = None) -> Document:
    if not isinstance(obj, dict):
        raise InputError(origin, f"expected a JSON object with a 'text' field, got "
                         f"{type(obj).__name__}", line=line)
    if _depth(obj) > MAX_JSON_DEPTH:
        raise InputError(origin, f"JSON nested deeper than {MAX_JSON_DEPTH} levels", line=line)
    text = _pick(obj, TEXT_KEYS)
    if not isinstance(text, str):
        raise InputError(origin, f"no text field (one of {', '.join(TEXT_KEYS)})", line=line)
    require_text(text, origin, line)
    _require_unicode(text, origin, line)
    speaker = _pick(obj, META_KEYS["speaker"])
    if isinstance(speaker, dict):  # e.g. {"user": {"name": ...}}
        speaker = speaker.get("name") or speaker.get("screen_name")
    meta = DocumentMeta(
        speaker=None if speaker is None else str(speaker),
        date=None if (d := _pick(obj, META_KEYS["date"])) is None else str(d),
        source=None if (s := _pick(obj, META_KEYS["source"])) is None else str(s),
        title=None if (t := _pick(obj, META_KEYS["title"])) is None else str(t),
        url=None if (u := _pick(obj, META_KEYS["url"])) is None else str(u),
        origin=f"{origin}:{line}" if line is not None else origin,
        extra={"id": str(obj["id"])} if obj.get("id") is not None else {},
    )
    for value in (meta.speaker, meta.date, meta.source, meta.title, meta.url, *meta.extra.values()):
        _require_unicode(value, origin, line)
    return Document(text.replace("\r\n", "\n"), meta)


def parse_jsonl(text: str, origin: str) -> list[Document]:
    docs = []
    for i, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(origin, f"malformed JSON: {exc.msg} (column {exc.colno})",
                             line=i) from None
        except RecursionError:
            raise InputError(origin, "JSON nested too deeply", line=i) from None
        docs.append(post_to_document(obj, origin, i))
    if not docs:
        raise InputError(origin, "is empty (no JSON lines)")
    return docs


def parse_json(text: str, origin: str) -> list[Document]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(origin, f"malformed JSON: {exc.msg} (column {exc.colno})",
                         line=exc.lineno) from None
    except RecursionError:
        raise InputError(origin, "JSON nested too deeply") from None
    if isinstance(obj, dict) and isinstance(obj.get("posts"), list):
        obj = obj["posts"]
    items = obj if isinstance(obj, list) else [obj]
    if not items:
        raise InputError(origin, "is empty (no posts in the JSON array)")
    return [post_to_document(item, origin) for item in items]


def read_bytes(path: str, stdin: BinaryIO | None = None, max_bytes: int = STATEMENT_MAX_BYTES
               ) -> tuple[str, bytes]:
    if path == "-":
        stream = stdin or sys.stdin.buffer
        data = stream.read(max_bytes + 1)
        check_size("<stdin>", len(data), max_bytes)
        return "<stdin>", data
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a folder; give a file (or use `rhetorica batch` for folders)")
    check_size(path, p.stat().st_size, max_bytes)
    try:
        # Never read more than the limit: /dev/zero, a FIFO or a /proc file reports size 0.
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    check_size(path, len(data), max_bytes)
    return path, data


def read_statements(
    path: str,
    *,
    encoding: str = "utf-8",
    max_bytes: int = STATEMENT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    fmt: str | None = None,
    meta: dict[str, str | None] | None = None,
) -> list[Document]:
    """All documents from one input, fully validated (raises InputError, reads nothing lazily).

    ``max_bytes`` bounds each statement; a JSON/JSONL file of posts may be larger as a whole.
    """
    suffix = (fmt or Path(path).suffix.lstrip(".")).lower()
    posts = suffix in {"json", "jsonl", "ndjson"}
    origin, data = read_bytes(path, stdin, max_bytes * POSTS_FILE_FACTOR if posts else max_bytes)
    text = decode(data, origin, encoding)
    if posts:
        docs = parse_jsonl(text, origin) if suffix != "json" else parse_json(text, origin)
        for doc in docs:
            size = len(doc.text.encode("utf-8", "surrogatepass"))
            if size > max_bytes:
                where = doc.meta.origin or origin
                raise InputError(where, f"post is {size / 1e6:.1f} MB, above the "
                                 f"{max_bytes / 1e6:.1f} MB limit for one statement; raise "
                                 "RHETORICA_MAX_BYTES to analyse it")
    else:
        found: dict[str, str] = {}
        if suffix in ("md", "markdown"):  # its front matter says who, when and where
            found, text = front_matter(text)
        require_text(text, origin)
        docs = [Document(text, DocumentMeta(origin=origin))]
        for key, names in META_KEYS.items():
            value = next((found[n] for n in names if found.get(n)), None)
            if value is not None and hasattr(docs[0].meta, key):
                setattr(docs[0].meta, key, value)
    for doc in docs:
        for key, value in (meta or {}).items():
            if value is not None and getattr(doc.meta, key) is None:
                setattr(doc.meta, key, value)
    return docs


def iter_statements(paths: list[str], **kwargs: Any) -> Iterator[Document]:
    for path in paths:
        yield from read_statements(path, **kwargs)
