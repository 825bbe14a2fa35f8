"""The review routes: list a statement's claims with reviews, record one, publish them."""

from __future__ import annotations

TEXT = ("The mayor said crime fell by 12 percent last year. The new bridge will open in May "
        "after repairs costing $40 million. Officials confirmed that 300 National Guard troops "
        "were deployed downtown on Monday.")


def test_review_a_claim_through_the_api(client):
    doc_id = client.post("/api/v1/analyze", json={"text": TEXT}).json()["id"]
    claims = client.get(f"/api/v1/documents/{doc_id}/reviews").json()
    assert claims and all(c["review"] is None for c in claims)
    bridge = next(c for c in claims if "bridge" in c["text"])
    r = client.post(f"/api/v1/documents/{doc_id}/reviews", json={
        "claim": bridge["n"], "verdict": "misleading", "reviewer": "Dana <b>W</b>",
        "note": "cost was $52 million", "evidence": ["https://city.example/budget"]})
    assert r.status_code == 201, r.text
    assert r.json()["claim_text"] == bridge["text"] and r.json()["verdict"] == "misleading"
    listed = {c["n"]: c["review"] for c in client.get(
        f"/api/v1/documents/{doc_id}/reviews").json()}
    assert listed[bridge["n"]]["reviewer"] == "Dana <b>W</b>"  # JSON: stored as given
    [cr] = client.get(f"/api/v1/documents/{doc_id}/reviews/claimreview").json()
    assert cr["reviewRating"]["alternateName"] == "Misleading"
    assert cr["reviewRating"]["ratingValue"] == 2
    assert [r["verdict"] for r in client.get("/api/v1/reviews").json()] == ["misleading"]


def test_bad_reviews_are_one_line_errors(client):
    doc_id = client.post("/api/v1/analyze", json={"text": TEXT}).json()["id"]
    base = f"/api/v1/documents/{doc_id}/reviews"
    r = client.post(base, json={"claim": 99, "verdict": "refuted", "reviewer": "Dana"})
    assert r.status_code == 400 and "claim 99" in r.json()["error"]["message"]
    r = client.post(base, json={"claim": 1, "verdict": "probably", "reviewer": "Dana"})
    assert r.status_code == 422
    r = client.post(base, json={"claim": 1, "verdict": "refuted", "reviewer": ""})
    assert r.status_code == 422
    assert client.get("/api/v1/documents/999/reviews").status_code == 404
    assert client.get("/api/v1/reviews").json() == []


def test_review_listing_gives_the_claims_type_beside_its_check_worthiness(client):
    doc_id = client.post("/api/v1/analyze", json={"text": TEXT}).json()["id"]
    rows = client.get(f"/api/v1/documents/{doc_id}/reviews").json()
    assert all(isinstance(r["check_worthy"], bool) for r in rows)
    assert all(r["claim_type"] not in ("check_worthy", "not_check_worthy") for r in rows)
    assert any(r["claim_type"] == "quantity" for r in rows)
