"""The bad-input corpus through ``rhetorica batch`` (its kill -9 resume test lives in
tests/scale/test_batch.py): every bad record is logged as an error row, good ones come out,
no traceback, bounded memory."""

from __future__ import annotations

import json

import pytest

from tests.reliability.helpers import run_child
from tests.reliability.test_bad_input import CORPUS

pytest.importorskip("rhetorica.batch.runner")


def test_batch_skips_every_bad_record_and_keeps_the_good(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    bad_lines = [b"[" * 100_000, b'{"text": "bad \\ud800 surrogate"}', b'{"text": "   "}',
                 b'{"speaker": "no text"}', b"\xff\xfe not utf-8", b'{"text": ' + b'{"a": ' * 60]
    good = [json.dumps({"text": f"Good post {i}: the mayor said taxes fell {i}%.",
                        "speaker": "Mayor"}).encode() for i in range(5)]
    lines = [x for pair in zip(good, bad_lines, strict=False) for x in pair] + good[len(bad_lines):]
    (folder / "mixed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    for case, name, data, _ in CORPUS:
        if name.endswith(".txt"):
            (folder / f"{case}.txt").write_bytes(data)
    out = tmp_path / "out.jsonl"
    res = run_child(["batch", str(folder), "--out", str(out), "--pipeline",
                     "parse,segment,entities", "--json", "--no-progress"], tmp_path, timeout=300)
    assert res.returncode in (0, 1), res.output[-2000:]
    assert "Traceback" not in res.output and "internal error" not in res.output
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["origin"].rsplit(":", 1)[1] for r in rows] == ["1", "3", "5", "7", "9"]
    assert all(r["speaker"] == "Mayor" for r in rows)
    errors = (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()
    summary = json.loads(res.stdout)
    assert summary["documents"] == len(rows) == 5
    # 5 bad lines and 7 bad .txt files from the corpus, each one error row, none lost.
    assert summary["errors"] == len(errors) == 5 + sum(1 for c in CORPUS if c[1].endswith(".txt"))
    assert res.report["maxrss_kb"] < 1_500_000


@pytest.mark.parametrize("name", ["post.txt", "posts.json"])
def test_batch_reads_a_file_that_grows_after_stat_bounded(tmp_path, monkeypatch, name):
    """Same class as issue 14, finding 7: the reader checked the size with stat, then read
    the whole file; one that grew in between (a log being written) was read without limit."""
    from pathlib import Path

    from rhetorica.batch.reader import iter_records

    limit = 10_000
    path = tmp_path / name
    path.write_text('{"text": "The ferry runs hourly."}' if name.endswith(".json")
                    else "The ferry runs hourly.", encoding="utf-8")
    real_open = Path.open

    def growing_open(self, *args, **kwargs):
        if self == path:
            with real_open(self, "ab") as grow:
                grow.write(b" " * (limit * 4))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", growing_open)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"unbounded read of {self}"))
    (record,) = list(iter_records([path], max_bytes=limit))
    assert record.kind == "oversized"
