"""The analysis worker (issue 14, finding 2, and the bounded analysis queue of finding 8).

A worker process killed from outside (kill -9, the OOM killer) is replaced: the next analysis
succeeds on a fresh worker, and ``/api/v1/health`` says what happened instead of "ok" while
every analysis fails. The queue in front of the worker is bounded in count and characters.

These start real worker processes (spawn) with a light pipeline; every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from fastapi.testclient import TestClient

from rhetorica.config import Settings
from rhetorica.document import Document

FAST = ("parse", "segment")


def _worker_pids(svc) -> list[int]:
    return [p.pid for p in getattr(svc._pool, "_processes", {}).values() if p.is_alive()]


def _kill_workers(svc) -> list[int]:
    pids = _worker_pids(svc)
    assert pids, "no worker process to kill"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while any(p in _worker_pids(svc) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_the_next_analysis_succeeds(tmp_path):
    from rhetorica.web.services import AnalysisService

    svc = AnalysisService(Settings(db=str(tmp_path / "w.db"), pipeline=FAST), processes=1)
    try:
        assert svc.analyze([Document("First one. Second one.")])[0].layer("sentence")
        assert svc.health()["status"] == "ok"
        assert svc.health()["analysis"]["restarts"] == 0
        killed = _kill_workers(svc)
        out = svc.analyze([Document("Third one. Fourth one.")], timeout=180)
        assert [s.text_in(out[0].text) for s in out[0].layer("sentence")] == [
            "Third one.", "Fourth one."]
        assert not set(killed) & set(_worker_pids(svc))
        health = svc.health()
        assert health["status"] == "ok" and health["analysis"]["restarts"] == 1
        assert "died" in health["analysis"]["last_failure"]
        # Twice in a row, and with several requests waiting at the moment of the kill.
        _kill_workers(svc)
        futures = svc.submit([Document(f"Statement {i}. Done.") for i in range(6)])
        assert [f.result(timeout=180).text for f in futures] == [
            f"Statement {i}. Done." for i in range(6)]
        assert svc.health()["analysis"]["restarts"] == 2
    finally:
        svc.close()


@pytest.mark.slow
def test_health_reports_a_dead_worker_and_the_app_recovers(tmp_path):
    from rhetorica.web.app import create_app
    from rhetorica.web.settings import WebSettings

    app = create_app(WebSettings(core=Settings(db=str(tmp_path / "h.db"), pipeline=FAST),
                                 analysis_processes=1))
    svc = app.state.services.analysis
    try:
        with TestClient(app, base_url="http://127.0.0.1") as c:
            r = c.get("/api/v1/health")
            assert r.status_code == 200 and r.json()["status"] == "ok"
            assert c.post("/api/v1/analyze", json={"text": "Taxes rose."}).status_code == 200
            _kill_workers(svc)
            r = c.get("/api/v1/health")
            assert r.status_code == 503, r.text
            body = r.json()
            assert body["status"] == "degraded"
            assert body["analysis"]["state"] in ("restarting", "starting")
            assert "died" in body["analysis"]["last_failure"]
            # It heals without waiting for a request; health turns ok again.
            deadline = time.monotonic() + 180
            while (r := c.get("/api/v1/health")).status_code != 200:
                assert time.monotonic() < deadline, r.text
                time.sleep(0.5)
            assert r.json()["analysis"]["restarts"] == 1
            r = c.post("/api/v1/analyze", json={"text": "Rents fell. Wages rose."})
            assert r.status_code == 200, r.text
            # Health reveals no process ids or paths (it is open without the token).
            assert set(r.json()) >= {"document"}
            assert "pid" not in c.get("/api/v1/health").text
    finally:
        app.state.services.close()


def test_in_process_worker_health(pipeline, tmp_path):
    from rhetorica.web.services import AnalysisService

    svc = AnalysisService(Settings(db=str(tmp_path / "t.db")), pipeline)
    try:
        health = svc.health()
        assert health["status"] == "ok"
        assert health["analysis"] == {"mode": "thread", "state": "ok", "workers": 1,
                                      "alive": 1, "restarts": 0, "last_failure": None}
    finally:
        svc.close()
    assert svc.health()["status"] == "degraded"  # closed: nothing analyses any more


def test_analysis_queue_is_bounded_in_characters(pipeline, tmp_path):
    from rhetorica.web.services import AnalysisService, ServiceBusy

    svc = AnalysisService(Settings(db=str(tmp_path / "c.db")), pipeline,
                          max_queue_chars=1_000)
    gate = threading.Event()
    original = svc._process

    def blocked(key, items):
        gate.wait(30)
        original(key, items)

    svc._process = blocked
    try:
        first = svc.submit([Document("Held by the worker. " * 10)])
        time.sleep(0.3)  # the worker has taken it: the queue is empty again
        queued = svc.submit([Document("x" * 900)])  # accepted: nothing else waits
        with pytest.raises(ServiceBusy, match="1,000 characters"):
            svc.submit([Document("y" * 200)])
        # A background job's own analyses wait instead of failing (the job queue is capped).
        internal = svc.submit([Document("z" * 200)], internal=True)
        gate.set()
        for fut in (*first, *queued, *internal):
            assert fut.result(timeout=60).text
        assert svc.submit([Document("y" * 200)])[0].result(timeout=60)
    finally:
        gate.set()
        svc.close()
