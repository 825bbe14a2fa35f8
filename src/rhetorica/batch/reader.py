"""Lazy input for batch runs: JSONL files, or folders of .txt/.md/.json/.jsonl files.

The main process only *reads* (bytes and line boundaries); parsing and validation happen in
the workers, so reading never becomes the bottleneck. Every record gets a sequence number
from a deterministic walk (files sorted by path, lines in order), which is what checkpoints
and ordered output refer to. A record's position (file index, byte offset or item index) is
kept so a resumed run seeks straight to where it stopped instead of re-reading.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rhetorica.ingest.errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES


@dataclass(frozen=True, slots=True)
class Record:
    """One unit of work: a JSON line, a JSON array item, or a whole text file."""

    seq: int
    # "json" (a JSON object as bytes), "text" (raw bytes of a text file), "oversized"
    # (payload: the size) or "error" (payload: the message): the worker reports those two.
    kind: str
    origin: str  # file name
    line: int | None  # 1-based line (JSONL) or item number (JSON array)
    payload: bytes
    file_index: int
    offset: int  # byte offset (JSONL) or item index (JSON) of this record in its file
    end: tuple[int, int]  # (file index, offset) just after this record: where the next starts


@dataclass(frozen=True)
class Position:
    """Where to start reading: the first record not yet done."""

    file_index: int = 0
    offset: int = 0
    seq: int = 0


def list_inputs(path: str | Path) -> list[Path]:
    """The files a batch input names: the file itself, or a folder's files, sorted."""
    p = Path(path)
    if not p.exists():
        raise InputError(str(path), "no such file or folder")
    if p.is_file():
        if p.suffix.lower() not in SUFFIXES:
            raise InputError(str(path), f"unsupported input type {p.suffix or '(none)'}; use "
                             ".jsonl, .json, .txt/.md or a folder of them")
        return [p]
    files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                   and not f.name.startswith("."))
    if not files:
        raise InputError(str(path), "folder has no .jsonl, .json, .txt or .md files")
    return files


def fingerprint(files: list[Path]) -> list[list[object]]:
    """Names and sizes: enough to refuse resuming against input that has changed."""
    return [[str(f), f.stat().st_size] for f in files]


def iter_records(files: list[Path], start: Position = Position(),
                 max_bytes: int = 5_000_000) -> Iterator[Record]:
    """Records from ``start`` on. Oversized text files and lines still yield a record (the
    worker turns it into an error row) so the numbering never depends on content checks."""
    seq = start.seq
    for fi in range(start.file_index, len(files)):
        path = files[fi]
        origin = str(path)
        offset = start.offset if fi == start.file_index else 0
        suffix = path.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as fh:
                fh.seek(offset)
                pos = offset
                # Line numbers are only needed for messages; count them cheaply on resume.
                line_no = _count_lines(path, offset) if offset else 0
                for raw in fh:
                    line_no += 1
                    here, pos = pos, pos + len(raw)
                    if not raw.strip():
                        continue
                    if len(raw) > max_bytes:
                        yield Record(seq, "oversized", origin, line_no, str(len(raw)).encode(),
                                     fi, here, (fi, pos))
                    else:
                        yield Record(seq, "json", origin, line_no, raw, fi, here, (fi, pos))
                    seq += 1
        elif suffix in JSON_SUFFIXES:
            size = path.stat().st_size
            data = None if size > max_bytes else _read_upto(path, max_bytes)
            if data is None:  # too large, or grew past the limit since stat
                yield Record(seq, "oversized", origin, None,
                             str(max(size, max_bytes + 1)).encode(), fi, 0, (fi + 1, 0))
                seq += 1
                continue
            try:
                obj = json.loads(data)
            except (ValueError, RecursionError) as exc:
                yield Record(seq, "error", origin, None, f"malformed JSON: {exc}".encode(), fi, 0,
                             (fi + 1, 0))
                seq += 1
                continue
            if isinstance(obj, dict) and isinstance(obj.get("posts"), list):
                obj = obj["posts"]
            items = obj if isinstance(obj, list) else [obj]
            for i in range(offset, len(items)):
                yield Record(seq, "json", origin, i + 1,
                             json.dumps(items[i], ensure_ascii=False).encode("utf-8"), fi, i,
                             (fi, i + 1))
                seq += 1
        else:
            size = path.stat().st_size
            text = None if size > max_bytes else _read_upto(path, max_bytes)
            yield Record(seq, "text" if text is not None else "oversized", origin, None,
                         text if text is not None else str(max(size, max_bytes + 1)).encode(),
                         fi, 0, (fi + 1, 0))
            seq += 1


def _read_upto(path: Path, max_bytes: int) -> bytes | None:
    """The whole file if it holds at most ``max_bytes`` (never reading more than one byte
    past that: it may have grown since its size was taken), else None."""
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def _count_lines(path: Path, upto: int) -> int:
    n = 0
    with path.open("rb") as fh:
        remaining = upto
        while remaining > 0:
            block = fh.read(min(1 << 20, remaining))
            if not block:
                break
            n += block.count(b"\n")
            remaining -= len(block)
    return n


def total_bytes(files: list[Path]) -> int:
    return sum(os.path.getsize(f) for f in files)
