"""Faults injected into the real CLI: kill -9 mid-run, full disk, read-only database.

Target: nothing lost, nothing duplicated, and a clear one-line error (exit 4) instead of a
traceback. The kill -9 of ``rhetorica watch`` is tested by the monitor's own suite
(tests/monitor); ``corpus add`` is covered in test_faults_corpus.py once it exists.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.helpers import (
    ROOT,
    assert_clean_failure,
    child_cmd,
    child_env,
    run_child,
)

FAST = "parse,segment,entities"
N_POSTS = 80


def make_jsonl(path: Path, n: int = N_POSTS, tag: str = "") -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({
                "id": f"{tag}{i}", "speaker": f"Speaker {i % 7}",
                "date": f"2025-03-{i % 28 + 1:02d}",
                "text": f"Post {tag}{i}: the council in Springfield said spending rose by {i}% "
                        f"this year. Critics called the plan number {i} reckless and unfair.",
            }) + "\n")
    return path


def db_counts(db: Path) -> dict[str, int]:
    """Counts straight from SQLite (not through the package), plus an integrity check."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        out = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in ("documents", "analyses", "spans")}
        out["distinct_keys"] = conn.execute(
            "SELECT count(DISTINCT key) FROM documents").fetchone()[0]
        out["fts"] = conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0]
        return out
    finally:
        conn.close()


def analyze_args(src: Path, db: Path) -> list[str]:
    return ["analyze", str(src), "--db", str(db), "--json", "--pipeline", FAST]


def start(args: list[str], tmp_path: Path, **kw) -> subprocess.Popen:
    env = child_env({"RHETORICA_FAULT_MARK": str(tmp_path / "mark")})
    return subprocess.Popen(child_cmd(args, **kw), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def kill9(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def assert_resume_complete(src: Path, db: Path, tmp_path: Path, n: int = N_POSTS,
                           runs: int = 2) -> None:
    """Run again to completion (twice): every post stored once, analyses not doubled."""
    for _ in range(runs):
        res = run_child(analyze_args(src, db), tmp_path)
        assert res.returncode == 0, res.output[-2000:]
        counts = db_counts(db)
        assert counts["documents"] == counts["distinct_keys"] == counts["fts"] == n
        assert counts["analyses"] == n


def test_kill_9_inside_the_store_transaction_leaves_nothing_then_resumes(tmp_path):
    src, db = make_jsonl(tmp_path / "big.jsonl"), tmp_path / "s.db"
    proc = start(analyze_args(src, db), tmp_path, fault="pause-in-save")
    mark = tmp_path / "mark"
    deadline = time.monotonic() + 240
    while not mark.exists():
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "child never reached the store"
        time.sleep(0.05)
    kill9(proc)  # the first document is written inside the open transaction
    counts = db_counts(db)
    assert counts["documents"] == 0 and counts["analyses"] == 0 and counts["spans"] == 0
    assert_resume_complete(src, db, tmp_path)


@pytest.mark.parametrize("delay", [0.5, 2.5])
def test_kill_9_at_any_moment_is_all_or_nothing(tmp_path, delay):
    """No hooks: the real command, killed after ``delay`` seconds wherever it happens to be."""
    src, db = make_jsonl(tmp_path / "big.jsonl"), tmp_path / "s.db"
    proc = start(analyze_args(src, db), tmp_path)
    time.sleep(delay)
    if proc.poll() is None:
        kill9(proc)
    if db.exists():
        assert db_counts(db)["documents"] in (0, N_POSTS)
    assert_resume_complete(src, db, tmp_path, runs=1)


def test_kill_9_during_a_second_batch_keeps_the_first(tmp_path):
    first = make_jsonl(tmp_path / "a.jsonl", 10, "a")
    second = make_jsonl(tmp_path / "b.jsonl", 30, "b")
    db = tmp_path / "s.db"
    assert run_child(analyze_args(first, db), tmp_path).returncode == 0
    proc = start(analyze_args(second, db), tmp_path, fault="pause-in-save")
    deadline = time.monotonic() + 240
    while not (tmp_path / "mark").exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    kill9(proc)
    assert db_counts(db)["documents"] == 10  # the earlier run is intact
    res = run_child(analyze_args(second, db), tmp_path)
    assert res.returncode == 0
    counts = db_counts(db)
    assert counts["documents"] == counts["distinct_keys"] == 40


def test_full_disk_sqlite_full_is_exit_4_and_keeps_what_was_there(tmp_path):
    src, db = make_jsonl(tmp_path / "big.jsonl", 40), tmp_path / "s.db"
    small = make_jsonl(tmp_path / "small.jsonl", 2, "s")
    assert run_child(analyze_args(small, db), tmp_path).returncode == 0
    res = run_child(analyze_args(src, db), tmp_path, fault="disk-full")
    assert_clean_failure(res, 4, str(db), "disk is full")
    assert db_counts(db)["documents"] == 2


def test_full_disk_at_the_os_level_is_exit_4(tmp_path):
    """RLIMIT_FSIZE makes the kernel refuse writes past a size (EFBIG), like a full disk."""
    src, db = make_jsonl(tmp_path / "big.jsonl", 60), tmp_path / "s.db"
    small = make_jsonl(tmp_path / "small.jsonl", 2, "s")
    assert run_child(analyze_args(small, db), tmp_path).returncode == 0
    # The store's own files may not grow past 40 kB: the WAL for 60 posts needs far more.
    res = run_child(analyze_args(src, db), tmp_path, fsize_limit=40_000)
    assert_clean_failure(res, 4, str(db), "disk is full or failing")
    assert db_counts(db)["documents"] == 2
    res = run_child(analyze_args(src, db), tmp_path)  # space is back: the run completes
    assert res.returncode == 0 and db_counts(db)["documents"] == 62


def test_read_only_database_is_exit_4_with_a_clear_message(tmp_path):
    db = tmp_path / "s.db"
    small = make_jsonl(tmp_path / "small.jsonl", 2, "s")
    assert run_child(analyze_args(small, db), tmp_path).returncode == 0
    other = make_jsonl(tmp_path / "other.jsonl", 3, "o")
    res = run_child(analyze_args(other, db), tmp_path, fault="read-only")
    assert_clean_failure(res, 4, str(db), "read-only")
    assert db_counts(db)["documents"] == 2
    # Reading a read-only store still works.
    res = run_child(["db", "info", "--db", str(db), "--json"], tmp_path, fault="read-only")
    assert res.returncode == 0, res.output[-2000:]
    assert json.loads(res.stdout)["documents"] == 2


def test_unwritable_report_path_is_a_clear_error(tmp_path):
    src = make_jsonl(tmp_path / "small.jsonl", 1)
    res = run_child(["analyze", str(src), "--no-store", "--pipeline", FAST, "-o",
                     str(tmp_path / "no" / "such" / "dir" / "r.md")], tmp_path)
    assert_clean_failure(res, 3, "cannot write")


def test_not_a_database_is_exit_4(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    src = make_jsonl(tmp_path / "small.jsonl", 1)
    res = run_child(analyze_args(src, junk), tmp_path)
    assert_clean_failure(res, 4, str(junk))


@pytest.mark.parametrize("value", ["abc", "-5", "0"])
def test_bad_environment_setting_is_a_usage_error(tmp_path, value):
    src = make_jsonl(tmp_path / "small.jsonl", 1)
    res = run_child(["analyze", str(src), "--no-store", "--pipeline", FAST], tmp_path,
                    env={"RHETORICA_MAX_BYTES": value})
    assert_clean_failure(res, 2, "RHETORICA_MAX_BYTES")


@pytest.mark.slow
def test_locked_database_is_exit_4_after_the_busy_timeout(tmp_path):
    """Another process holds the write lock for longer than the 15 s busy timeout."""
    db = tmp_path / "s.db"
    small = make_jsonl(tmp_path / "small.jsonl", 2, "s")
    assert run_child(analyze_args(small, db), tmp_path).returncode == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        res = run_child(analyze_args(make_jsonl(tmp_path / "o.jsonl", 2, "o"), db), tmp_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_clean_failure(res, 4, str(db), "locked")
    assert db_counts(db)["documents"] == 2
