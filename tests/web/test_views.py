"""Evidence cards, safe links and the baseline chart: escaped, and only http(s) links."""

from __future__ import annotations

from rhetorica.document import Document
from rhetorica.web.views import baseline_chart, claim_cards, evidence_card, safe_url


def test_safe_url_only_allows_http():
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>",
                "//evil.example", "http:/nohost", None, 42):
        assert safe_url(bad) is None, bad


def test_evidence_card_escapes_and_links_safely():
    html = evidence_card({"text": "<script>x()</script>", "source": "<b>Gazette</b>",
                          "url": "javascript:alert(1)", "score": 0.8765,
                          "nested": [{"title": "ok", "url": "https://e.org"}]})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Gazette</b>" not in html
    assert 'href="javascript' not in html and "javascript:alert(1)" in html
    assert '<a href="https://e.org" rel="noopener noreferrer nofollow"' in html
    assert "0.876" in html


def test_claim_cards_rank_by_score_and_pick_up_evidence():
    doc = Document("Taxes rose 5%. Crime fell 3% in 2023.")
    doc.add_span(0, 14, "checkworthy", layer="claim", score=0.4)
    doc.add_span(15, 37, "checkworthy", layer="claim", score=0.9,
                 attrs={"verdict": "supported", "evidence": [{"text": "Police data, 2023",
                                                              "url": "https://p.example"}]})
    cards = claim_cards(doc)
    assert [c["rank"] for c in cards] == [1, 2]
    assert cards[0]["text"] == "Crime fell 3% in 2023." and cards[0]["verdict"] == "supported"
    assert "Police data, 2023" in cards[0]["evidence"]
    assert cards[1]["evidence"] is None and cards[1]["text"] == "Taxes rose 5%."


def test_baseline_chart_marks_the_current_statement():
    history = [{"id": 1, "date": "2024-01-01", "intensity": 20.0},
               {"id": 2, "date": "2024-02-01", "intensity": 80.0},
               {"id": 3, "date": "<b>x</b>", "intensity": None}]
    svg = str(baseline_chart(history, current_id=2))
    assert svg.count("<circle") == 2 and 'fill="#e56b6f"' in svg
    assert "baseline 50" in svg  # the mean of the scored statements
    assert "(this statement)" in svg and "<b>" not in svg
    assert baseline_chart([]) is None
