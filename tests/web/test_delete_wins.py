"""A statement deleted while a background job works on it stays deleted (issue 14,
finding 10): the verification job's result is discarded, not saved as a new statement."""

from __future__ import annotations

import threading

import pytest

from rhetorica.web.features import available


def test_delete_during_verification_wins(app, client, monkeypatch):
    if not available("verify"):
        pytest.skip("verify is not installed in this tree")
    import rhetorica.evidence.index as index_mod
    import rhetorica.evidence.verify as verify_mod
    from rhetorica.web.routes import evidence

    entered, release = threading.Event(), threading.Event()

    class FakeCorpus:
        def stats(self):
            return {"passages": 1, "documents": 1}

    class FakeResult:
        def __init__(self, claim):
            self.claim = claim

        def to_dict(self):
            return {"claim": self.claim, "verdict": "supported", "confidence": 0.9,
                    "passages": []}

    class SlowVerifier:
        def __init__(self, *args, **kwargs):
            entered.set()
            assert release.wait(30)

        def verify(self, claim, **kwargs):
            return FakeResult(claim)

    monkeypatch.setattr(evidence, "_corpus", lambda svc: FakeCorpus())
    monkeypatch.setattr(index_mod, "HybridIndex", lambda corpus: None)
    monkeypatch.setattr(verify_mod, "Verifier", SlowVerifier)

    doc_id = client.post("/api/v1/analyze", json={
        "text": "Crime rose 40% in 2024, the mayor said.", "speaker": "A. Mayor"}).json()["id"]
    r = client.post(f"/documents/{doc_id}/verify", follow_redirects=False)
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    assert entered.wait(30)
    assert client.delete(f"/api/v1/documents/{doc_id}").status_code == 200
    release.set()
    job = app.state.services.jobs.wait(job_id, timeout=60)
    assert job.status == "cancelled", (job.status, job.error)
    assert "deleted" in job.message
    assert client.get(f"/api/v1/documents/{doc_id}").status_code == 404
    assert client.get("/api/v1/stats").json()["documents"] == 0
    assert client.get("/api/v1/documents").json() == []

    # Not deleted: the same job saves its verdicts onto the statement, as before.
    doc_id = client.post("/api/v1/analyze", json={
        "text": "Crime rose 40% in 2024, the mayor said.", "speaker": "A. Mayor"}).json()["id"]
    r = client.post(f"/documents/{doc_id}/verify", follow_redirects=False)
    job = app.state.services.jobs.wait(r.headers["location"].rsplit("/", 1)[-1], timeout=60)
    assert job.status == "done", job.error
    stored = client.get(f"/api/v1/documents/{doc_id}").json()
    assert "evidence" in stored["results"]
    assert client.get("/api/v1/stats").json()["documents"] == 1
