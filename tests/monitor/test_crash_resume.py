"""Crash safety: a watcher killed with SIGKILL mid-run loses and duplicates nothing on resume;
SIGTERM finishes the current batch and exits cleanly."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.monitor.conftest import LIGHT_PIPELINE

DRIVER = f"""
import sys
from rhetorica.config import Settings
from rhetorica.monitor.sources import make_source
from rhetorica.monitor.watcher import Watcher
from rhetorica.monitor.watchlist import load_watchlist
from rhetorica.store import open_store

db, src, mode = sys.argv[1:4]
store = open_store(db)
watcher = Watcher(store, [make_source(src)], load_watchlist(),
                  settings=Settings(pipeline={LIGHT_PIPELINE!r}), batch_size=4)
watcher.run(interval=0.2, once=(mode == "once"))
store.close()
"""

N = 600


def _stream(path: Path, n: int = N) -> None:
    topics = ["roads", "schools", "the harbour", "water rates", "the budget", "bus routes"]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"Post {i}: the council discussed {topics[i % len(topics)]} again today."
            if i % 97 == 50:
                text = f"Post {i}: a curfew was imposed in district {i % 9}."
            if i % 131 == 70:
                text = f"Post {i}: National Guard troops were deployed to district {i % 9}."
            fh.write(json.dumps({"id": i, "text": text, "author": f"Speaker {i % 5}",
                                 "date": f"2025-05-{1 + i % 28:02d}"}) + "\n")


def _count(db: Path, sql: str) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # not created / not migrated yet
        return 0


def _start(db: Path, src: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", DRIVER, str(db), str(src), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(db: Path, proc: subprocess.Popen, at_least: int, timeout: float = 120.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = _count(db, "SELECT count(*) FROM watch_items")
        if n >= at_least:
            return n
        if proc.poll() is not None:
            pytest.fail(f"watcher exited early: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail("watcher made no progress")


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_processes_every_item_exactly_once(tmp_path):
    src, db = tmp_path / "posts.jsonl", tmp_path / "watch.db"
    _stream(src)
    proc = _start(db, src, "once")
    done_before = _wait_for(db, proc, at_least=40)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done_at_kill = _count(db, "SELECT count(*) FROM watch_items")
    assert 40 <= done_before <= done_at_kill < N, "the kill must land mid-run"

    resumed = _start(db, src, "once")
    _out, errs = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, errs.decode()[-2000:]

    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT item_key) FROM watch_items"
                           ).fetchone() == (N, N)
        ids = sorted(int(json.loads(m)["id"]) for (m,) in
                     con.execute("SELECT meta_json FROM documents"))
        assert ids == list(range(N))  # every post stored, none twice
        cursor = json.loads(con.execute("SELECT cursor_json FROM watch_sources").fetchone()[0])
        assert cursor["offset"] == src.stat().st_size
        alerts = con.execute("SELECT subject FROM alerts WHERE kind = 'indicator_first' "
                             "ORDER BY subject").fetchall()
        assert alerts == [("curfew",), ("troops_deployed",)]
        curfews = con.execute("SELECT count(*) FROM indicator_hits WHERE indicator = 'curfew'"
                              ).fetchone()[0]
        assert curfews == sum(1 for i in range(N) if i % 97 == 50 and i % 131 != 70)
        assert con.execute("SELECT count(*) FROM alerts WHERE delivered_at IS NULL"
                           ).fetchone()[0] == 0
    finally:
        con.close()


@pytest.mark.slow
def test_sigterm_finishes_the_batch_and_exits_cleanly(tmp_path):
    src, db = tmp_path / "posts.jsonl", tmp_path / "watch.db"
    _stream(src, 300)
    proc = _start(db, src, "loop")
    _wait_for(db, proc, at_least=8)
    proc.send_signal(signal.SIGTERM)
    _out, errs = proc.communicate(timeout=60)
    assert proc.returncode == 0, errs.decode()[-2000:]
    done = _count(db, "SELECT count(*) FROM watch_items")
    # Whole batches only: the cursor sits exactly after the last committed item.
    con = sqlite3.connect(db)
    try:
        offset = json.loads(con.execute("SELECT cursor_json FROM watch_sources").fetchone()[0]
                            )["offset"]
    finally:
        con.close()
    lines = src.read_bytes().splitlines(keepends=True)
    assert offset == sum(len(x) for x in lines[:done])
