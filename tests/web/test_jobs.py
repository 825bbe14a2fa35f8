"""Background jobs: progress, cancellation, failures, and batch ingest through API and page."""

from __future__ import annotations

import threading

from rhetorica.web.features import available
from rhetorica.web.jobs import CANCELLED, DONE, FAILED, JobRunner


def test_runner_reports_progress_and_result():
    runner = JobRunner()
    gate = threading.Event()
    seen = []

    def work(job):
        for _ in range(4):
            job.advance(1, f"step {job.done + 1}")
            seen.append(job.to_dict()["progress"])
            gate.wait(1)
        return {"answer": 42}

    job = runner.submit("test", "four steps", work, total=4)
    gate.set()
    finished = runner.wait(job.id)
    assert finished.status == DONE and finished.result == {"answer": 42}
    assert seen == [0.25, 0.5, 0.75, 1.0]
    assert finished.to_dict()["message"] == "step 4"
    runner.close()


def test_runner_cancel_and_failure_are_reported_not_raised():
    runner = JobRunner()
    started, release = threading.Event(), threading.Event()

    def slow(job):
        for _ in range(100):
            started.set()
            release.wait(5)
            job.check()
            job.advance()
        return {}

    job = runner.submit("test", "slow", slow, total=100)
    started.wait(5)
    runner.cancel(job.id)
    release.set()
    assert runner.wait(job.id).status == CANCELLED
    assert "cancelled after" in job.message

    def broken(job):
        raise ValueError("the feed was malformed")

    bad = runner.wait(runner.submit("test", "broken", broken).id)
    assert bad.status == FAILED and bad.error == "ValueError: the feed was malformed"
    assert [j.id for j in runner.list()][:2] == [bad.id, job.id]
    runner.close()


def test_api_ingest_runs_in_background_and_stores_everything(app, client):
    posts = [{"text": f"Rents rose {i}% in 2024, the mayor said.", "speaker": "Mayor Li",
              "date": f"2024-01-{i + 1:02d}"} for i in range(30)]
    r = client.post("/api/v1/jobs/ingest", json={"posts": posts})
    assert r.status_code == 202
    job_id = r.json()["id"]
    assert r.json()["total"] == 30 and r.json()["status"] in ("queued", "running", "done")
    app.state.services.jobs.wait(job_id)
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "done" and job["done"] == 30 and job["progress"] == 1.0
    assert job["result"]["created"] == 30 and len(job["result"]["document_ids"]) == 30
    assert client.get("/api/v1/stats").json()["documents"] == 30
    history = client.get("/api/v1/speakers/history", params={"name": "Mayor Li"}).json()
    assert [h["date"] for h in history] == [p["date"] for p in posts]
    page = client.get(f"/jobs/{job_id}").text
    assert 'id="job-progress"' in page and 'value="30"' in page
    assert client.get("/api/v1/jobs").json()[0]["id"] == job_id
    assert client.get("/api/v1/jobs/nope").status_code == 404


def test_upload_page_validates_first_then_ingests(app, client):
    good = b"".join(b'{"text": "Wages grew %d%% last year.", "author": "Ana"}\n' % i
                    for i in range(5))
    r = client.post("/upload", files={"file": ("posts.jsonl", good)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    assert app.state.services.jobs.wait(job_id).status == "done"
    assert client.get("/api/v1/stats").json()["documents"] == 5
    bad = good + b'{"text": "broken\n'
    r = client.post("/upload", files={"file": ("posts.jsonl", bad)})
    assert r.status_code == 400 and "posts.jsonl:6: malformed JSON" in r.text
    r = client.post("/api/v1/jobs/upload", files={"file": ("blob.txt", b"\x00\x01\x02" * 10)})
    assert r.status_code == 400 and "binary" in r.json()["error"]["message"]
    assert client.get("/api/v1/stats").json()["documents"] == 5  # nothing half-written


# -- bounded queue (issue 14, finding 8) ------------------------------------------------------
def _blocker(gate: threading.Event):
    def work(job):
        gate.wait(30)
        return {}
    return work


def test_runner_caps_pending_jobs_and_their_size():
    from rhetorica.web.jobs import JobQueueFull

    runner = JobRunner(max_pending=3, max_pending_chars=1000)
    gate = threading.Event()
    try:
        first = runner.submit("test", "running", _blocker(gate), size=400)
        runner.submit("test", "queued", _blocker(gate), size=400)
        try:
            runner.submit("test", "too big", _blocker(gate), size=400)
            raise AssertionError("a job past the size cap was accepted")
        except JobQueueFull as exc:
            assert "1,000 characters" in str(exc) and exc.retry_after > 0
        runner.submit("test", "small", _blocker(gate), size=100)
        try:
            runner.submit("test", "fourth", _blocker(gate), size=1)
            raise AssertionError("a fourth pending job was accepted")
        except JobQueueFull as exc:
            assert "3 jobs" in str(exc)
        assert len(runner.list()) == 3  # refused jobs are not listed
        gate.set()
        assert runner.wait(first.id).status == DONE
        for job in runner.list():
            runner.wait(job.id)
        # Finished jobs no longer count: the queue takes work again.
        assert runner.wait(runner.submit("test", "again", _blocker(gate), size=900).id
                           ).status == DONE
    finally:
        gate.set()
        runner.close()


def test_full_job_queue_is_503_with_retry_after_on_every_route(pipeline, tmp_path):
    from fastapi.testclient import TestClient

    from tests.web.conftest import BASE, make_app

    app = make_app(pipeline, tmp_path / "q.db", max_pending_jobs=2,
                   max_pending_job_chars=5_000)
    gate = threading.Event()
    svc = app.state.services
    try:
        with TestClient(app, base_url=BASE) as c:
            svc.jobs.submit("test", "hold the worker", _blocker(gate))
            post = {"posts": [{"text": "Rents rose 4% in 2024, the mayor said."}]}
            assert c.post("/api/v1/jobs/ingest", json=post).status_code == 202
            refused = [
                c.post("/api/v1/jobs/ingest", json=post),
                c.post("/api/v1/jobs/upload", files={"file": ("p.txt", b"Wages rose.")}),
                c.post("/upload", files={"file": ("p.txt", b"Wages rose.")}),
            ]
            if available("corpus"):
                refused.append(c.post("/api/v1/corpus/upload",
                                      files={"file": ("c.txt", b"The budget passed.")}))
            for r in refused:
                assert r.status_code == 503, r.text[:300]
                assert int(r.headers["retry-after"]) > 0
                assert "jobs" in r.text
            assert len(c.get("/api/v1/jobs").json()) == 2
            gate.set()
            for job in svc.jobs.list():
                svc.jobs.wait(job.id, timeout=60)
            # Size: one job of 6,000 characters waits behind another; the next is refused.
            gate.clear()
            svc.jobs.max_pending = 10
            svc.jobs.submit("test", "hold the worker", _blocker(gate))
            big = {"posts": [{"text": "Taxes went up again. " * 150}] * 2}  # 6,300 chars
            assert c.post("/api/v1/jobs/ingest", json=big).status_code == 202
            small = {"posts": [{"text": "Taxes fell."}]}
            r = c.post("/api/v1/jobs/ingest", json=small)
            assert r.status_code == 503 and "5,000 characters" in r.json()["error"]["message"]
            # Leave without analysing the big job: cancelled before the blocker lets go, it
            # never starts (the app's shutdown would otherwise wait out the blocker's 30 s).
            for job in svc.jobs.list():
                svc.jobs.cancel(job.id)
            gate.set()
    finally:
        gate.set()
        app.state.services.close()
