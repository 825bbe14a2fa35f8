"""The document page as a reviewer's workspace: claims marked in the text and linked to
their cards, a review form per claim, CSV/JSON export, edit and analyse again, voices."""

from __future__ import annotations

import csv
import io
import re

from tests.web.conftest import HOSTILE

TEXT = ("The mayor said crime fell by 12 percent last year. The new bridge will open in May "
        "after repairs costing $40 million. Officials confirmed that 300 National Guard troops "
        "were deployed downtown on Monday. "
        '"We will not be intimidated," said Governor Ana Ruiz, calling the deployment unlawful.')


def stored(client, text: str = TEXT) -> int:
    return client.post("/api/v1/analyze", json={"text": text}).json()["id"]


def anchors(page: str) -> list[str]:
    return re.findall(r'<details class="claim-card" id="(claim-[0-9a-f]{12})"', page)


def test_claims_are_marked_in_the_text_and_link_to_their_cards(client):
    doc_id = stored(client)
    page = client.get(f"/documents/{doc_id}").text
    cards = anchors(page)
    assert cards, "no claim card"
    text = page[page.index('id="statement"'):page.index('id="span-info"')]
    marked = re.findall(r'<a class="claim-mark claim-unverified" href="#(claim-[0-9a-f]{12})"',
                        text)
    assert marked and set(marked) <= set(cards)
    # the stable link is the same after the statement is analysed again
    again = client.get(f"/documents/{stored(client, TEXT + ' Thanks.')}").text
    assert set(cards) <= set(anchors(again))


def test_a_review_from_the_page_is_stored_shown_and_marked(client):
    doc_id = stored(client)
    page = client.get(f"/documents/{doc_id}").text
    bridge = next(a for a in anchors(page) if "bridge" in page[page.index(f'id="{a}"'):][:600])
    r = client.post(f"/documents/{doc_id}/claims/{bridge}/review", data={
        "verdict": "misleading", "reviewer": "Dana <b>W</b>", "note": "cost <i>was</i> $52m",
        "evidence": "https://city.example/budget\njavascript:alert(1)\n"},
        follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{doc_id}#{bridge}"
    assert "rhetorica_reviewer=" in r.headers["set-cookie"]
    page = client.get(f"/documents/{doc_id}").text
    assert f'class="claim-mark claim-misleading" href="#{bridge}"' in page
    assert "Dana &lt;b&gt;W&lt;/b&gt;" in page and "<b>W</b>" not in page
    assert "cost &lt;i&gt;was&lt;/i&gt; $52m" in page
    assert '<a href="https://city.example/budget"' in page
    assert 'href="javascript:' not in page
    assert 'name="reviewer" required maxlength="200" autocomplete="name" ' \
           'value="Dana &lt;b&gt;W&lt;/b&gt;"' in page  # the name comes back from the cookie
    # the API sees the same review
    [row] = [c for c in client.get(f"/api/v1/documents/{doc_id}/reviews").json()
             if c["review"]]
    assert "bridge" in row["text"] and row["review"]["verdict"] == "misleading"


def test_bad_review_forms_are_refused_with_one_line(client):
    doc_id = stored(client)
    claim = anchors(client.get(f"/documents/{doc_id}").text)[0]
    r = client.post(f"/documents/{doc_id}/claims/{claim}/review",
                    data={"verdict": "probably", "reviewer": "Dana"})
    assert r.status_code == 400 and "unknown verdict" in r.text and f"#{claim}" in r.text
    r = client.post(f"/documents/{doc_id}/claims/{claim}/review",
                    data={"verdict": "refuted", "reviewer": "  "})
    assert r.status_code == 400 and "who reviews" in r.text
    r = client.post(f"/documents/{doc_id}/claims/claim-000000000000/review",
                    data={"verdict": "refuted", "reviewer": "Dana"})
    assert r.status_code == 404
    assert client.get(f"/api/v1/documents/{doc_id}/reviews").json()[0]["review"] is None


def test_claims_export_as_csv_and_json_with_both_verdicts(client):
    doc_id = stored(client)
    claim = anchors(client.get(f"/documents/{doc_id}").text)[0]
    client.post(f"/documents/{doc_id}/claims/{claim}/review",
                data={"verdict": "refuted", "reviewer": "=HYPERLINK(1)", "note": "n"})
    js = client.get(f"/documents/{doc_id}/claims.json")
    assert js.status_code == 200 and "attachment" in js.headers["content-disposition"]
    rows = js.json()
    assert [r["n"] for r in rows] == list(range(1, len(rows) + 1))
    reviewed = [r for r in rows if r["review_verdict"]]
    assert len(reviewed) == 1 and reviewed[0]["link"].endswith(f"/documents/{doc_id}#{claim}")
    assert {"model_verdict", "model_confidence", "check_worthiness"} <= set(rows[0])
    cs = client.get(f"/documents/{doc_id}/claims.csv")
    assert cs.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(cs.text)))
    assert len(table) == len(rows)
    assert [r["reviewer"] for r in table if r["review_verdict"]] == ["'=HYPERLINK(1)"]
    assert client.get(f"/documents/{doc_id}/claims.xml").status_code in (404, 422)


def test_edit_and_analyse_again_carries_reviews_of_unchanged_claims(client):
    doc_id = stored(client)
    page = client.get(f"/documents/{doc_id}").text
    assert f'name="revises" value="{doc_id}"' in page
    claim = anchors(page)[0]
    client.post(f"/documents/{doc_id}/claims/{claim}/review",
                data={"verdict": "supported", "reviewer": "Dana"})
    r = client.post("/analyze", data={"text": TEXT + " Crime will triple by May.",
                                      "revises": str(doc_id)}, follow_redirects=False)
    assert r.status_code == 303
    new_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert new_id != doc_id
    [row] = [c for c in client.get(f"/api/v1/documents/{new_id}/reviews").json()
             if c["review"]]
    assert row["review"]["verdict"] == "supported"
    assert f"carried over from statement {doc_id}" in row["review"]["note"]


def test_voices_are_tagged_for_one_voice_at_a_time(client):
    page = client.get(f"/documents/{stored(client)}").text
    assert 'id="voices"' in page
    assert re.search(r'<span class="voice-q" data-voice="[^"]*Ruiz[^"]*">', page)
    assert '<span class="voice-a">' in page


def test_hostile_text_stays_escaped_in_the_marked_text(client):
    page = client.get(f"/documents/{stored(client, HOSTILE)}").text
    text = page[page.index('id="statement"'):page.index('id="span-info"')]
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<img" not in text and "</textarea><b>" not in page.split('id="edit-text"')[1][:2000]


def test_claimreview_download_publishes_the_reviewed_claims(client):
    doc_id = stored(client)
    page = client.get(f"/documents/{doc_id}").text
    claim = anchors(page)[0]
    assert client.get(f"/documents/{doc_id}/download/claimreview").json() == []
    client.post(f"/documents/{doc_id}/claims/{claim}/review",
                data={"verdict": "refuted", "reviewer": "Dana Reyes", "note": "fell"})
    for url in (f"/documents/{doc_id}/download/claimreview",
                f"/api/v1/documents/{doc_id}/export/claimreview?unreviewed=true"):
        [cr] = client.get(url).json()  # nothing was verified: only the reviewed claim
        assert cr["author"] == {"@type": "Person", "name": "Dana Reyes"}
        assert cr["reviewRating"]["alternateName"] == "False"
    report = client.get(f"/api/v1/documents/{doc_id}/export/json").json()
    assert report["results"]["reviews"][0]["verdict"] == "refuted"


def test_claim_cards_speak_in_words_and_link_corpus_evidence(client):
    doc_id = stored(client)
    page = client.get(f"/documents/{doc_id}").text
    card = page[page.index('<details class="claim-card"'):]
    card = card[:card.index("</details>")]
    assert "<dt>type</dt>" in card and "<dt>checkable</dt>" in card
    assert "_" not in re.sub(r"<[^>]+>", "", card.split("<dl class=\"facts\">")[1]
                             .split("</dl>")[0])  # no snake_case identifiers
    assert "model_score" not in card and "type_words" not in card
    claim = anchors(page)[0]
    client.post(f"/documents/{doc_id}/claims/{claim}/review",
                data={"verdict": "refuted", "reviewer": "Dana", "evidence": "12\nnot-an-id"})
    page = client.get(f"/documents/{doc_id}").text
    assert "reviewed: refuted" in page
    assert ('<a href="/corpus/12">corpus document 12</a>' in page) == \
        bool(client.get("/api/v1/info").json()["features"].get("corpus"))
    row = client.get(f"/documents/{doc_id}/claims.json").json()[0]
    assert row["claim_type"] in ("quantity", "quote", "prediction", "event", "opinion",
                                 "comparison", "causal", "other", None)
    assert isinstance(row["check_worthy"], bool)
