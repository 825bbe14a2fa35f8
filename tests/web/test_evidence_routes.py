"""Optional areas through the web: corpus upload -> verify -> evidence on the page; baseline;
watch. Each test skips when its area is not installed (the app then says "not available")."""

from __future__ import annotations

import json
import re

import pytest

from rhetorica.web.features import available

CORPUS = [
    {"title": "Police annual report", "source": "City Police", "date": "2024-12-30",
     "url": "https://police.example/report",
     "text": "Recorded crime in the city rose by 40 percent in 2024 compared with 2023, "
             "the police annual report shows. Burglaries accounted for most of the increase."},
    {"title": "Budget vote", "source": "Council Gazette", "date": "2024-03-15",
     "text": "The council approved the transport budget in March 2024 by nine votes to four."},
]


def need(name: str) -> None:
    if not available(name):
        pytest.skip(f"{name} is not installed in this tree")


def test_unavailable_features_say_so(client, monkeypatch):
    from rhetorica.web import features as feat

    monkeypatch.setattr(feat, "_detect", lambda: {"corpus": False, "watch": False,
                                                   "verify": False, "baseline": False})
    page = client.get("/corpus")
    assert page.status_code == 404 and "not available in this installation" in page.text
    r = client.get("/api/v1/corpus/stats")
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "corpus is not available in this installation"
    assert client.get("/watch").status_code == 404
    assert 'class="off" href="/features/corpus"' in client.get("/").text


def test_corpus_upload_then_verify_claims(app, client, tmp_path):
    need("corpus")
    need("verify")
    data = "".join(json.dumps(d) + "\n" for d in CORPUS).encode()
    r = client.post("/corpus/upload", files={"file": ("reports.jsonl", data)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    job = app.state.services.jobs.wait(job_id, timeout=120)
    assert job.status == "done", job.error
    assert job.done == job.total == 2
    stats = client.get("/api/v1/corpus/stats").json()
    assert stats["documents"] == 2 and stats["passages"] >= 2
    listing = client.get("/corpus").text
    assert "Police annual report" in listing and 'href="https://police.example/report"' in listing
    first = client.get("/api/v1/corpus").json()[0]
    shown = client.get(f"/api/v1/corpus/{first['id']}").json()
    assert shown["title"] == first["title"] and shown["passages"][0]["end"] > 0
    assert "provenance" in shown and "date_missing" in shown
    assert client.get("/api/v1/corpus/99999").status_code == 404

    items = client.post("/api/v1/verify", json={"claims": ["Crime rose 40% in 2024."]}).json()
    assert len(items) == 1
    item = items[0]
    assert item["verdict"] in ("supported", "refuted", "disputed", "not_enough_evidence")
    assert 0 <= item["confidence"] <= 1
    assert any("40 percent" in p["text"] for p in item["passages"])

    # The page flow: analyse, verify in the background, see the verdict on the claim card.
    doc = client.post("/api/v1/analyze", json={"text": "Crime rose 40% in 2024, police say."})
    doc_id = doc.json()["id"]
    page = client.get(f"/documents/{doc_id}").text
    assert f'action="/documents/{doc_id}/verify"' in page
    r = client.post(f"/documents/{doc_id}/verify", follow_redirects=False)
    assert r.status_code == 303
    job = app.state.services.jobs.wait(r.headers["location"].rsplit("/", 1)[-1], timeout=120)
    assert job.status == "done", job.error
    assert job.result["document_url"] == f"/documents/{doc_id}"
    # without JavaScript too, the finished job page returns to the statement
    job_page = client.get(r.headers["location"]).text
    assert f'content="1; url=/documents/{doc_id}"' in job_page
    page = client.get(f"/documents/{doc_id}").text
    assert "highest-ranked of" not in page  # its only claim was verified: nothing to say
    verdict = job.result["verdicts"][0].replace("_", " ")
    from rhetorica.evidence.claimreview import PUBLISH_CONFIDENCE

    stored = client.get(f"/api/v1/documents/{doc_id}").json()["results"]["evidence"][0]
    if stored["confidence"] >= PUBLISH_CONFIDENCE:  # a coloured badge only when firm
        assert f'class="verdict verdict-{verdict.replace(" ", "_")}">{verdict}' in page
    else:
        assert f'class="verdict verdict-tentative">leans {verdict}' in page
    assert "40 percent" in page  # the cited passage is on the card


def test_bad_corpus_upload_is_refused_before_any_work(client):
    need("corpus")
    r = client.post("/api/v1/corpus/upload",
                    files={"file": ("bad.jsonl", b'{"text": "ok"}\n{"text": \n')})
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith("bad.jsonl")
    assert client.get("/api/v1/corpus/stats").json()["documents"] == 0


def test_verify_api_validates_input(client):
    need("verify")
    assert client.post("/api/v1/verify", json={"claims": []}).status_code == 422
    r = client.post("/api/v1/verify", json={"claims": ["x"], "since": "yesterday"})
    assert r.status_code == 400
    r = client.post("/api/v1/verify", json={"claims": ["Taxes rose."]})
    assert r.status_code == 400 and "corpus is empty" in r.json()["error"]["message"]


def test_speaker_baseline_api_and_page(client):
    need("baseline")
    ids = []
    for i, text in enumerate(["We will fix the roads.", "We opened two schools this year.",
                              "Our budget is balanced.",
                              "They are vermin and traitors destroying our nation; this is war!"
                              ]):
        ids.append(client.post("/api/v1/analyze", json={
            "text": text, "speaker": "Sen. Vale", "date": f"2024-0{i + 1}-01"}).json()["id"])
    data = client.get("/api/v1/speakers/baseline", params={"name": "Sen. Vale"}).json()
    assert data["statement_id"] == ids[-1] and data["history_n"] == 3
    assert data["verdict"]
    page = client.get(f"/documents/{ids[-1]}").text
    assert 'class="baseline-verdict' in page
    assert page.count("<circle") == 4
    r = client.get("/api/v1/speakers/baseline", params={"name": "Nobody"})
    assert r.status_code == 404


def test_watch_pages_render_without_data(client):
    need("watch")
    page = client.get("/watch")
    assert page.status_code == 200 and "Watch timeline" in page.text
    assert client.get("/api/v1/watch/alerts").json() == []
    assert isinstance(client.get("/api/v1/watch/timeline").json(), dict)


@pytest.mark.parametrize(("confidence", "firm"), [(0.43, False), (0.79, False), (0.91, True)])
def test_verdict_badges_are_coloured_only_at_a_publishable_confidence(confidence, firm):
    """Issue 17: green "supported (43%)" badges appeared below 50 % confidence."""
    from rhetorica.document import Document, Span
    from rhetorica.web.views import claim_cards

    text = "Crime rose 40% in 2024."
    doc = Document(text)
    doc.spans.append(Span(0, len(text), "check_worthy", 0.9, layer="claim"))
    doc.results["evidence"] = [{"claim": {"start": 0, "end": len(text), "text": text},
                                "verdict": "supported", "confidence": confidence}]
    [card] = claim_cards(doc)
    assert card["firm"] is firm and card["verdict"] == "supported"


def test_the_page_says_when_only_the_top_claims_were_verified(app, client, monkeypatch):
    """Issue 17: the web app verified the top 10 of 13 claims without saying so."""
    need("corpus")
    need("verify")
    from rhetorica.web.routes import evidence

    monkeypatch.setattr(evidence, "MAX_VERIFIED_CLAIMS", 1)
    data = "".join(json.dumps(d) + "\n" for d in CORPUS).encode()
    r = client.post("/corpus/upload", files={"file": ("reports.jsonl", data)},
                    follow_redirects=False)
    app.state.services.jobs.wait(r.headers["location"].rsplit("/", 1)[-1], timeout=120)
    text = ("Crime rose 40% in 2024, police say. The council approved the transport budget "
            "in March 2024 by nine votes to four.")
    doc_id = client.post("/api/v1/analyze", json={"text": text}).json()["id"]
    claims = client.get(f"/api/v1/documents/{doc_id}").json()["spans"]
    n_claims = sum(s["layer"] == "claim" for s in claims)
    assert n_claims >= 2
    r = client.post(f"/documents/{doc_id}/verify", follow_redirects=False)
    job = app.state.services.jobs.wait(r.headers["location"].rsplit("/", 1)[-1], timeout=120)
    assert job.status == "done", job.error
    page = client.get(f"/documents/{doc_id}").text
    assert f"The 1 highest-ranked of {n_claims} claims were verified" in page


def test_a_corpus_document_opens_down_to_its_passages(app, client):
    from rhetorica.web.features import available

    if not available("corpus"):
        pytest.skip("evidence corpus not installed")
    body = ('{"title": "Bridge <b>report</b>", "source": "City Desk", "date": "2024-09-02", '
            '"url": "javascript:alert(1)", "text": "The Mill Street bridge reopened on '
            'Monday after a 14-month repair. It cost $8.3 million, about 40% more than '
            'budgeted. <script>alert(1)</script> Buses return next week."}\n')
    job = client.post("/api/v1/corpus/upload", files={"file": ("b.jsonl", body)}).json()
    app.state.services.jobs.wait(job["id"], timeout=120)
    listing = client.get("/corpus").text
    [doc_id] = re.findall(r'<a href="/corpus/(\d+)">Bridge &lt;b&gt;report&lt;/b&gt;</a>',
                          listing)
    page = client.get(f"/corpus/{doc_id}")
    assert page.status_code == 200
    assert "Passages (" in page.text and "40% more than" in page.text
    assert "<script>alert" not in page.text and 'href="javascript:' not in page.text
    assert client.get("/corpus/999999").status_code == 404
