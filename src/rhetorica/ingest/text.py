"""Decoding and validating raw bytes before any analysis sees them."""

from __future__ import annotations

import re
from pathlib import Path

from rhetorica.ingest.errors import InputError

DEFAULT_MAX_BYTES = 5_000_000  # one file or feed read whole (monitor sources)
# One statement's text. The full pipeline needs about 1.3 GB of memory per MB of text, so a
# larger single statement is refused with a clear message rather than exhausting memory.
STATEMENT_MAX_BYTES = 1_000_000
# A JSON/JSONL file of posts may be this many times the per-statement limit; each post in it
# is still held to the statement limit.
POSTS_FILE_FACTOR = 50


def check_size(origin: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(
            origin,
            f"input is {size / 1e6:.1f} MB, above the {max_bytes / 1e6:.1f} MB limit for one "
            "statement; split it, raise RHETORICA_MAX_BYTES, or use `rhetorica batch` for archives",
        )


def read_bounded(path: Path, limit: int, what: str = "file") -> bytes:
    """At most ``limit + 1`` bytes of a local file, whatever ``stat`` says: a device
    (``/dev/zero``), a FIFO, a /proc file or a symlink to one reports 0 bytes and may never
    end, and a regular file may grow between a size check and the read. Above ``limit``:
    InputError. OSError (missing, permission) is the caller's to report."""
    with Path(path).open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(str(path), f"{what} is above the {limit} byte limit")
    return data


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB mean it is not text."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control / len(head) > 0.05


def decode(data: bytes, origin: str, encoding: str = "utf-8") -> str:
    enc = encoding.lower().replace("_", "-")
    # UTF-16/32 text is full of NUL bytes: honour a BOM (what Windows "Unicode" files start
    # with) or an explicit --encoding before the binary sniff, which then checks the text.
    if enc in {"utf-8", "utf8"} and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = encoding = "utf-16"
    wide = enc.startswith(("utf-16", "utf16", "utf-32", "utf32"))
    if not wide and looks_binary(data):
        raise InputError(origin, "looks like a binary file, not text")
    if data.startswith(b"\xef\xbb\xbf") and enc in {"utf-8", "utf8"}:
        data = data[3:]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            origin,
            f"not valid {encoding} at byte {exc.start} (line {line}); "
            "pass --encoding (e.g. latin-1 or cp1252) if the file uses another encoding",
            line=line,
        ) from None
    except LookupError:
        raise InputError(origin, f"unknown encoding {encoding!r}") from None
    if wide and looks_binary(text.encode("utf-8", "replace")):
        raise InputError(origin, f"looks like a binary file, not {encoding} text")
    # Normalise newlines so offsets match what every viewer shows.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def require_text(text: str, origin: str, line: int | None = None) -> str:
    if not text.strip():
        raise InputError(origin, "is empty (nothing to analyse)", line=line)
    return text


_FRONT_MATTER = re.compile(r"---\r?\n(.*?)\r?\n---\r?\n", re.S)


def front_matter(raw: str) -> tuple[dict[str, str], str]:
    """A Markdown file's YAML-style front matter ("key: value" lines between ``---`` lines)
    as lower-cased keys, and the text after it; ``({}, raw)`` without one."""
    fm = _FRONT_MATTER.match(raw)
    if not fm:
        return {}, raw
    meta: dict[str, str] = {}
    for line in fm.group(1).splitlines():
        k, sep, v = line.partition(":")
        if sep and k.strip():
            meta[k.strip().lower()] = v.strip().strip("'\"")
    return meta, raw[fm.end():]

