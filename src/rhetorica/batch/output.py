"""Batch output: JSONL appended in place, or Parquet built from per-chunk parts.

Why two strategies: a JSONL file can be truncated back to the last checkpoint and appended
to, so a crash costs nothing. A Parquet file is unreadable until its footer is written, so
each finished chunk becomes its own small part file (written to a temporary name, then
renamed); the final file is assembled from the parts in input order, one row group per
chunk, streaming one part at a time so memory stays flat.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Arrow schema of a batch row (see worker.document_row); fixed so every part agrees.
_COLUMNS: list[tuple[str, str]] = [
    ("seq", "int64"), ("key", "string"), ("origin", "string"), ("post_id", "string"),
    ("speaker", "string"), ("date", "string"), ("source", "string"), ("language", "string"),
    ("chars", "int64"), ("sentences", "int32"), ("words", "int32"), ("intensity", "float64"),
    ("valence", "float64"), ("rhetoric_spans", "int32"), ("top_techniques", "list"),
    ("claims", "int32"), ("check_worthy_claims", "int32"), ("max_checkworthiness", "float64"),
    ("persons", "list"), ("organisations", "list"), ("places", "list"),
]


def arrow_schema(full: bool = False):
    import pyarrow as pa

    types = {"int64": pa.int64(), "int32": pa.int32(), "float64": pa.float64(),
             "string": pa.string(), "list": pa.list_(pa.string())}
    fields = [pa.field(name, types[t]) for name, t in _COLUMNS]
    if full:
        fields.append(pa.field("document_json", pa.string()))
    return pa.schema(fields)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class JsonlOutput:
    ordered_on_disk = False  # rows land in the order chunks are written

    def __init__(self, path: Path, resume_bytes: int | None = None) -> None:
        self.path = path
        if resume_bytes is None:
            self.fh = path.open("wb")
        else:
            self.fh = path.open("r+b") if path.exists() else path.open("wb")
            # Drop whatever was written after the last checkpoint: no duplicates on resume.
            self.fh.truncate(resume_bytes)
            self.fh.seek(resume_bytes)

    def write_chunk(self, chunk_id: int, rows: list[dict[str, Any]]) -> None:
        self.fh.write("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n"
                              for r in rows).encode("utf-8"))

    def sync(self) -> int:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        return self.fh.tell()

    def finish(self) -> None:
        self.sync()
        self.fh.close()

    def abort(self) -> None:
        self.fh.close()


class ParquetOutput:
    ordered_on_disk = True  # parts are merged by chunk id

    def __init__(self, path: Path, full: bool = False,
                 keep: Callable[[int], bool] | None = None) -> None:
        """``keep(chunk_id)`` says which existing parts a resumed run keeps (None: fresh)."""
        self.path = path
        self.parts = path.with_name(path.name + ".parts")
        self.schema = arrow_schema(full)
        if keep is None and self.parts.exists():
            shutil.rmtree(self.parts)
        self.parts.mkdir(parents=True, exist_ok=True)
        for f in self.parts.iterdir():  # parts after the last checkpoint, or half-written
            m = re.fullmatch(r"part-(\d+)\.parquet", f.name)
            if not m or keep is None or not keep(int(m.group(1))):
                f.unlink()

    def _part(self, chunk_id: int) -> Path:
        return self.parts / f"part-{chunk_id:09d}.parquet"

    def write_chunk(self, chunk_id: int, rows: list[dict[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(rows, schema=self.schema)
        tmp = self.parts / f".tmp-{chunk_id:09d}.parquet"
        pq.write_table(table, tmp, compression="zstd")
        _fsync(tmp)
        tmp.replace(self._part(chunk_id))

    def sync(self) -> int:
        return 0

    def finish(self) -> None:
        import pyarrow.parquet as pq

        tmp = self.path.with_name(self.path.name + ".tmp")
        with pq.ParquetWriter(tmp, self.schema, compression="zstd") as writer:
            for part in sorted(self.parts.glob("part-*.parquet")):
                table = pq.read_table(part, schema=self.schema)
                if table.num_rows:
                    writer.write_table(table, row_group_size=max(table.num_rows, 1))
        tmp.replace(self.path)
        shutil.rmtree(self.parts, ignore_errors=True)

    def abort(self) -> None:
        pass


class ErrorLog:
    """``OUT.errors.jsonl``: one line per skipped record (file, line, why)."""

    def __init__(self, path: Path, resume_bytes: int | None = None) -> None:
        self.path = path
        self.fh = None
        if resume_bytes is None:
            path.unlink(missing_ok=True)
        elif path.exists():
            with path.open("r+b") as fh:
                fh.truncate(resume_bytes)

    def write(self, errors: list[dict[str, Any]]) -> None:
        if not errors:
            return
        if self.fh is None:
            self.fh = self.path.open("ab")
        self.fh.write("".join(json.dumps(e, ensure_ascii=False) + "\n"
                              for e in errors).encode("utf-8"))

    def sync(self) -> int:
        if self.fh is None:
            return self.path.stat().st_size if self.path.exists() else 0
        self.fh.flush()
        os.fsync(self.fh.fileno())
        return self.fh.tell()

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None
