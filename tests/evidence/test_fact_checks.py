"""Published fact-checks: ClaimReview ingest, prior-check lookup, publishable ClaimReview.

Every review here is invented (towns, figures, fact-checkers), with ``.example`` URLs.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rhetorica.ingest.corpus import CorpusDocument, read_corpus_file
from rhetorica.ingest.errors import InputError


def review(claim: str, rating: str, url: str, *, value: int = 1, org: str = "Harbour Check",
           claimant: str | None = "Mayor Ana Pike", explanation: str | None = None,
           date: str = "2024-05-02", claim_date: str | None = "2024-04-28") -> dict:
    item: dict = {"@type": "Claim"}
    if claimant:
        item["author"] = {"@type": "Person", "name": claimant}
    if claim_date:
        item["datePublished"] = claim_date
    item["appearance"] = [{"@type": "CreativeWork", "url": "https://tv.example/debate"}]
    rr = {"@type": "Rating", "ratingValue": str(value), "bestRating": "5", "worstRating": "1",
          "alternateName": rating}
    if explanation:
        rr["ratingExplanation"] = explanation
    return {"@context": "https://schema.org", "@type": "ClaimReview", "url": url,
            "claimReviewed": claim, "datePublished": date,
            "author": {"@type": "Organization", "name": org, "url": "https://check.example"},
            "reviewRating": rr, "itemReviewed": item}


TRAM = review("The Lindholm tram carries 90,000 riders a day.", "False",
              "https://check.example/tram", explanation="Ticket data show about 45,000.")
LIBRARY = review("Mayor Pike cut the library budget in half.", "Mostly true",
                 "https://check.example/library", value=4, org="Coastal Facts")
SCOOTERS = review("Scooter accidents in Westport doubled after the rental scheme started.",
                  "True", "https://facts.example/scooters", value=5, claimant=None,
                  claim_date=None)
REVIEWS = [TRAM, LIBRARY, SCOOTERS]


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


# -- ingest -------------------------------------------------------------------------------
def test_claimreview_becomes_a_searchable_cited_document(tmp_path: Path) -> None:
    [doc] = read_corpus_file(write(tmp_path / "r.json", TRAM))
    assert doc.text.startswith(TRAM["claimReviewed"]) and "45,000" in doc.text
    assert "Harbour Check rated this claim: False." in doc.text
    assert doc.title == "Fact-check: The Lindholm tram carries 90,000 riders a day."
    assert (doc.source, doc.published, doc.url) == ("Harbour Check", "2024-05-02",
                                                    "https://check.example/tram")
    assert doc.extra == {
        "kind": "claimreview", "claim_reviewed": TRAM["claimReviewed"], "rating": "False",
        "rating_value": 1, "best_rating": 5, "worst_rating": 1, "publisher": "Harbour Check",
        "claimant": "Mayor Ana Pike", "claim_date": "2024-04-28",
        "claim_appearance": "https://tv.example/debate"}
    headline = {**SCOOTERS, "headline": "No, scooter accidents did not double"}
    [doc] = read_corpus_file(write(tmp_path / "h.json", headline))
    assert doc.title == headline["headline"] and headline["headline"] in doc.text
    assert doc.extra["claimant"] is None and doc.extra["claim_date"] is None


@pytest.mark.parametrize("layout", ["object", "array", "graph", "jsonl", "html", "type-list",
                                    "datafeed"])
def test_claimreview_layouts_as_fact_checkers_publish_them(tmp_path: Path, layout: str) -> None:
    if layout == "object":
        paths = [write(tmp_path / f"r{i}.json", r) for i, r in enumerate(REVIEWS)]
    elif layout == "array":
        paths = [write(tmp_path / "r.json", REVIEWS)]
    elif layout == "graph":
        paths = [write(tmp_path / "r.json", {"@context": "https://schema.org", "@graph": [
            {"@type": "WebPage", "name": "Our checks"}, *REVIEWS,
            {"@type": "Organization", "name": "Harbour Check"}]})]
    elif layout == "jsonl":
        paths = [write(tmp_path / "r.jsonl", "".join(json.dumps(r) + "\n" for r in REVIEWS))]
    elif layout == "html":
        blocks = "".join(f'<script type="application/ld+json">{json.dumps(r)}</script>'
                         for r in REVIEWS)
        paths = [write(tmp_path / "r.html", "<html><head><title>Checks</title>"
                       '<script type="application/ld+json">{not json</script>'
                       f"{blocks}</head><body><article><p>Our fact-checks this week "
                       "cover trams, libraries and scooters.</p></article></body></html>")]
    elif layout == "datafeed":  # Google's fact-check markup feed
        paths = [write(tmp_path / "r.json", {"@context": "https://schema.org",
                                             "@type": "DataFeed", "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [r]} for r in REVIEWS]})]
    else:
        paths = [write(tmp_path / "r.json", [{**r, "@type": ["ClaimReview", "CreativeWork"]}
                                             for r in REVIEWS])]
    docs = [d for p in paths for d in read_corpus_file(p)]
    checks = [d for d in docs if d.extra.get("kind") == "claimreview"]
    assert [d.extra["claim_reviewed"] for d in checks] == [r["claimReviewed"] for r in REVIEWS]
    assert [d.url for d in checks] == [r["url"] for r in REVIEWS]
    # Only the HTML page adds its article too; other graph nodes are not documents.
    assert len(docs) == len(REVIEWS) + (layout == "html")


def test_generic_records_still_read_beside_claimreviews(tmp_path: Path) -> None:
    article = {"text": "The tram line opened in 2019.", "source": "Lindholm Post"}
    docs = read_corpus_file(write(tmp_path / "mix.json", [article, TRAM]))
    assert [d.extra.get("kind") for d in docs] == [None, "claimreview"]
    assert docs[0].source == "Lindholm Post" and docs[0].text == article["text"]


def _without(rec: dict, path: str) -> dict:
    rec = copy.deepcopy(rec)
    *parents, last = path.split(".")
    node = rec
    for p in parents:
        node = node[p]
    del node[last]
    return rec


@pytest.mark.parametrize(("remove", "field"), [
    ("claimReviewed", "claimReviewed"),
    ("reviewRating", "reviewRating"),
    ("url", "url"),
    ("author", "author"),
    ("author.name", "author name"),
])
def test_claimreview_missing_required_field_names_file_record_field(
        tmp_path: Path, remove: str, field: str) -> None:
    bad = _without(TRAM, remove)
    with pytest.raises(InputError) as exc:
        read_corpus_file(write(tmp_path / "reviews.json", [LIBRARY, bad]))
    assert str(exc.value).startswith(f"{tmp_path / 'reviews.json'}#1: ")
    assert str(exc.value).endswith(f"has no {field}")
    with pytest.raises(InputError, match=r"reviews\.jsonl:2: .*has no " + field):
        read_corpus_file(write(tmp_path / "reviews.jsonl",
                               json.dumps(LIBRARY) + "\n" + json.dumps(bad) + "\n"))


def test_rating_needs_a_name_or_a_value(tmp_path: Path) -> None:
    only_value = _without(TRAM, "reviewRating.alternateName")
    [doc] = read_corpus_file(write(tmp_path / "v.json", only_value))
    assert doc.extra["rating"] is None and doc.extra["rating_value"] == 1
    neither = _without(only_value, "reviewRating.ratingValue")
    with pytest.raises(InputError, match=r"n\.json#0: .*alternateName or .*ratingValue"):
        read_corpus_file(write(tmp_path / "n.json", neither))
    graph = {"@graph": [{"@type": "WebPage"}, _without(TRAM, "url")]}
    with pytest.raises(InputError, match=r"g\.json: ClaimReview @graph\[1\] has no url"):
        read_corpus_file(write(tmp_path / "g.json", graph))
    page = ("<html><body>\n<p>Checks</p>\n<script type='application/ld+json'>"
            f"{json.dumps(_without(TRAM, 'claimReviewed'))}</script></body></html>")
    with pytest.raises(InputError, match=r"p\.html:3: ClaimReview has no claimReviewed"):
        read_corpus_file(write(tmp_path / "p.html", page))


def test_corpus_add_with_one_bad_review_stores_nothing(tmp_path: Path) -> None:
    from rhetorica.cli.main import app

    runner = CliRunner()
    db = str(tmp_path / "c.db")
    reviews = write(tmp_path / "reviews.json", [TRAM, _without(LIBRARY, "author")])
    res = runner.invoke(app, ["corpus", "add", str(reviews), "--db", db])
    assert res.exit_code == 3, res.output
    assert "reviews.json#1" in res.stderr and "has no author" in res.stderr
    assert "nothing was added" in res.stderr and "Traceback" not in res.output
    stats = json.loads(runner.invoke(app, ["corpus", "stats", "--db", db, "--json"]).stdout)
    assert stats["documents"] == 0
    write(reviews, [TRAM, LIBRARY])
    res = runner.invoke(app, ["corpus", "add", str(reviews), "--db", db, "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["documents_added"] == 2


# -- prior fact-checks ---------------------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path):
    from rhetorica.store.sqlite import SQLiteStore
    from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

    st = SQLiteCorpusStore(SQLiteStore(tmp_path / "fc.db"))
    docs = [d for r in REVIEWS for d in read_corpus_file(write(tmp_path / "r.json", r))]
    article = CorpusDocument("The Lindholm tram carries 90,000 riders a day, the operator "
                             "claims in its brochure.", "test:brochure", source="Tram Co")
    st.add_documents([*docs, article], None, "none")  # no vectors needed for fact-checks
    yield st
    st.close()


def test_store_lists_only_fact_checks_and_caches_per_generation(store, tmp_path) -> None:
    calls = []
    query = store.store.query

    def counting(sql, *args):
        calls.append(sql)
        return query(sql, *args)

    store.store.query = counting
    rows = store.fact_checks()
    assert [r["url"] for r in rows] == [r["url"] for r in REVIEWS]  # not the Tram Co brochure
    assert rows[0]["rating"] == "False" and rows[0]["publisher"] == "Harbour Check"
    assert rows[0]["date"] == "2024-05-02" and rows[0]["claimant"] == "Mayor Ana Pike"
    assert store.fact_checks() is rows
    assert sum("claimreview" in sql for sql in calls) == 1  # the table was read once
    extra = review("Westport's ferry fares rose by 30 percent.", "False",
                   "https://check.example/ferry")
    store.add_documents(read_corpus_file(write(tmp_path / "f.json", extra)), None, "none")
    again = store.fact_checks()
    assert again is not rows and again[-1]["url"] == "https://check.example/ferry"


def test_paraphrase_finds_the_prior_fact_check(store) -> None:
    from rhetorica.evidence.fact_checks import find_prior_fact_checks

    [hit] = find_prior_fact_checks(store, "Every day 90,000 people ride the tram in Lindholm.")
    assert hit["url"] == "https://check.example/tram" and hit["rating"] == "False"
    assert set(hit) == {"claim_reviewed", "rating", "rating_value", "best_rating",
                        "worst_rating", "publisher", "date", "url", "claimant", "similarity",
                        "reason"}
    assert (hit["publisher"], hit["date"], hit["claimant"]) == ("Harbour Check", "2024-05-02",
                                                                "Mayor Ana Pike")
    assert (hit["rating_value"], hit["best_rating"], hit["worst_rating"]) == (1, 5, 1)
    assert hit["similarity"] >= 0.72 and "other words" in hit["reason"]
    [hit] = find_prior_fact_checks(store, "The library budget was cut in half by Mayor Pike.")
    assert hit["url"] == "https://check.example/library" and hit["rating"] == "Mostly true"
    [same] = find_prior_fact_checks(store, TRAM["claimReviewed"])
    assert same["reason"] == "same claim, same words" and same["similarity"] > 0.99


def test_unrelated_claim_has_no_prior_fact_check(store) -> None:
    from rhetorica.evidence.fact_checks import find_prior_fact_checks

    assert find_prior_fact_checks(store, "Our schools are the best in the state.") == []
    assert find_prior_fact_checks(store, "Rainfall in the Carrow valley was below average.") \
        == []
    assert find_prior_fact_checks(store, "   ") == []


def test_different_numbers_never_match(store) -> None:
    from rhetorica.evidence.fact_checks import find_prior_fact_checks

    claim = "The Lindholm tram carries 45,000 riders a day."
    assert find_prior_fact_checks(store, claim) == []
    # Not even when the caller lowers the threshold: numbers that disagree are another claim.
    loose = find_prior_fact_checks(store, claim, threshold=0.0, limit=10)
    assert "https://check.example/tram" not in {h["url"] for h in loose}
    same_numbers = find_prior_fact_checks(store, TRAM["claimReviewed"], threshold=0.0)
    assert same_numbers[0]["url"] == "https://check.example/tram"


def test_repeated_lookups_reuse_one_index(store, monkeypatch) -> None:
    from rhetorica.claims.matching import ClaimIndex
    from rhetorica.evidence import fact_checks

    added = []
    original = ClaimIndex.add
    monkeypatch.setattr(ClaimIndex, "add", lambda self, *a, **k: added.append(1) or
                        original(self, *a, **k))
    for _ in range(3):
        fact_checks.find_prior_fact_checks(store, "Mayor Pike halved the library budget.")
    assert len(added) == 1


def test_empty_store_needs_no_embedder(tmp_path: Path, monkeypatch) -> None:
    from rhetorica.claims import matching
    from rhetorica.evidence.fact_checks import find_prior_fact_checks
    from rhetorica.store.sqlite import SQLiteStore
    from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

    monkeypatch.setattr(matching, "load_embedder", lambda: pytest.fail("embedder loaded"))
    with SQLiteCorpusStore(SQLiteStore(tmp_path / "empty.db")) as st:
        assert find_prior_fact_checks(st, "Any claim at all.") == []


# -- publishing ClaimReview ----------------------------------------------------------------
PRIOR = {"claim_reviewed": TRAM["claimReviewed"], "rating": "False", "rating_value": 1,
         "best_rating": 5, "worst_rating": 1, "publisher": "Harbour <b>Check</b>",
         "date": "2024-05-02", "url": "https://check.example/tram",
         "claimant": "Mayor Ana Pike", "similarity": 0.81, "reason": "same claim"}


def item(verdict: str = "refuted", confidence: float = 0.9, **more) -> dict:
    return {"claim": {"text": "Every day 90,000 people ride the tram in Lindholm.", "start": 0,
                      "end": 50},
            "verdict": verdict, "confidence": confidence,
            "summary": "1 passage in the corpus contradicts this claim; none supports it.",
            "probabilities": {}, "passages": [], **more}


@pytest.mark.parametrize(("verdict", "confidence", "rated"), [
    ("refuted", 0.90, True), ("supported", 0.80, True), ("supported", 0.79, False),
    ("refuted", 0.50, False), ("disputed", 0.95, False), ("not_enough_evidence", 0.99, False),
])
def test_rating_only_when_confident_or_reviewed(verdict, confidence, rated) -> None:
    from rhetorica.evidence.claimreview import PUBLISH_CONFIDENCE, claim_review

    assert PUBLISH_CONFIDENCE == 0.80
    cr = claim_review(item(verdict, confidence))
    assert ("reviewRating" in cr) is rated
    if rated:
        assert cr["reviewRating"]["alternateName"] in ("True", "False")
        assert "contradicts" in cr["reviewRating"]["ratingExplanation"]
        assert "description" not in cr
        assert cr["author"]["@type"] == "Organization" and "publisher" not in cr
    else:
        assert cr["description"].startswith("No rating given:")
        assert f"{confidence:.2f}" in cr["description"] and "contradicts" in cr["description"]
    reviewed = claim_review(item(verdict, confidence, reviewed_by="Dana Reyes"))
    assert reviewed["reviewRating"]["alternateName"]
    assert reviewed["author"] == {"@type": "Person", "name": "Dana Reyes"}
    assert reviewed["publisher"] == {"@type": "Organization", "name": "Rhetorica"}
    assert "description" not in reviewed


def test_no_invented_date_or_author() -> None:
    from rhetorica.document import Document, DocumentMeta
    from rhetorica.evidence.claimreview import claim_review

    bare = claim_review(item(), published="2025-03-01")
    assert bare["datePublished"] == "2025-03-01"  # the review's own date may be today
    assert bare["itemReviewed"] == {"@type": "Claim"}  # no date, author or empty appearance
    assert "Unknown" not in json.dumps(bare)
    source_only = Document("x", DocumentMeta(source="Lindholm Post"))
    assert "author" not in claim_review(item(), source_only)["itemReviewed"]
    spoken = Document("x", DocumentMeta(speaker="Mayor Ana Pike", date="2024-04-28"))
    cr = claim_review(item(), spoken)
    assert cr["itemReviewed"]["author"] == {"@type": "Person", "name": "Mayor Ana Pike"}
    assert cr["itemReviewed"]["datePublished"] == "2024-04-28"
    claimant = item()
    claimant["claim"]["claimant"] = "Councillor Bo Lind"
    cr = claim_review(claimant, spoken)
    assert cr["itemReviewed"]["author"]["name"] == "Councillor Bo Lind"


def test_prior_fact_checks_are_listed_as_is_based_on() -> None:
    from rhetorica.evidence.claimreview import claim_review

    assert "isBasedOn" not in claim_review(item())
    cr = claim_review(item(prior_fact_checks=[PRIOR]))
    assert cr["isBasedOn"] == [{
        "@type": "ClaimReview", "url": "https://check.example/tram",
        "claimReviewed": TRAM["claimReviewed"],
        "publisher": {"@type": "Organization", "name": "Harbour <b>Check</b>"},
        "datePublished": "2024-05-02",
        "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1,
                         "bestRating": 5, "worstRating": 1}}]


# -- human output: prior fact-checks first ----------------------------------------------------
def _doc_with(items: list[dict]):
    from rhetorica.document import Document

    doc = Document("x")
    doc.results["evidence"] = items
    return doc


def test_reports_show_prior_fact_checks_first_and_escaped() -> None:
    from rhetorica.evidence.report import EVIDENCE

    evil = {**PRIOR, "url": "javascript:alert(1)", "rating": "<script>x</script>"}
    doc = _doc_with([item(prior_fact_checks=[PRIOR, evil])])
    html = EVIDENCE.html(doc)
    assert html.index("Already fact-checked") < html.index("refuted")
    assert '<a href="https://check.example/tram"' in html and "2024-05-02" in html
    assert "Harbour &lt;b&gt;Check&lt;/b&gt;" in html and "<b>" not in html
    assert "<script>" not in html and 'href="javascript:' not in html
    md = EVIDENCE.markdown(doc)
    assert md.index("Already fact-checked") < md.index("Verdict:")
    assert "**False** — Harbour &lt;b&gt;Check&lt;/b&gt;, 2024-05-02" in md
    assert "<https://check.example/tram>" in md and "<script>" not in md
    assert "Already fact-checked" not in EVIDENCE.markdown(_doc_with([item()]))


def test_verify_table_shows_prior_fact_checks_first() -> None:
    from rhetorica.cli import verify as cli_verify

    rich_markup = {**PRIOR, "publisher": "[red]Harbour[/] Check [/bold]", "rating": "[blink]"}
    with cli_verify.out.capture() as cap:
        cli_verify._print_table([item(prior_fact_checks=[PRIOR, rich_markup])])
    text = cap.get()
    assert text.index("already fact-checked") < text.index("refuted")
    assert "False — Harbour <b>Check</b>, 2024-05-02 https://check.example/tram" in text
    assert "[red]Harbour[/] Check [/bold]" in text and "[blink]" in text  # shown, not applied


def test_claimreview_export_publishes_reviewed_claims_by_default() -> None:
    """`--format claimreview` publishes what people reviewed; automated verdicts only on
    request, and then only those firm enough to rate, never a reviewed claim twice."""
    import json

    from rhetorica.document import Document
    from rhetorica.evidence.claimreview import write_claimreview
    from rhetorica.store.reviews import Review

    doc = Document("Tram fares doubled. Ridership fell. Crime tripled.")
    firm, weak, reviewed = (item("supported", 0.9), item("refuted", 0.5),
                            item("refuted", 0.95))
    for it, text in ((firm, "Tram fares doubled."), (weak, "Ridership fell."),
                     (reviewed, "Crime tripled.")):
        it["claim"] = {"text": text}
    doc.results["evidence"] = [firm, weak, reviewed]
    doc.results["reviews"] = [Review(1, "crime  TRIPLED.", "misleading", "Dana Reyes",
                                     "rose a third").to_dict()]
    default = json.loads(write_claimreview([doc]))
    assert [c["claimReviewed"] for c in default] == ["crime  TRIPLED."]
    assert default[0]["reviewRating"]["alternateName"] == "Misleading"
    assert default[0]["author"] == {"@type": "Person", "name": "Dana Reyes"}
    more = json.loads(write_claimreview([doc], include_unreviewed=True))
    assert sorted(c["claimReviewed"] for c in more) == ["Tram fares doubled.",
                                                         "crime  TRIPLED."]
    assert json.loads(write_claimreview([Document("Nothing reviewed.")])) == []


def test_reviewed_claim_names_its_claimant() -> None:
    from rhetorica.document import Document
    from rhetorica.evidence.claimreview import reviewed_claim_reviews
    from rhetorica.store.reviews import Review

    text = "Crime rose 40% in 2024, the mayor said."
    doc = Document(text)
    doc.add_span(0, len(text), "check_worthy", layer="claim",
                 attrs={"claimant": "Mayor Ines Varga"})
    [cr] = reviewed_claim_reviews(doc, [Review(1, text, "refuted", "Dana")])
    assert cr["itemReviewed"]["author"] == {"@type": "Person", "name": "Mayor Ines Varga"}
