"""`rhetorica corpus`, `verify`, `analyze --verify` and `eval verify`, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rhetorica.cli.main import app
from tests.conftest import shared_data

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    d = tmp_path / "news"
    d.mkdir()
    (d / "harbour.html").write_text(
        "<html><head><title>Harbour</title><script>x=1</script></head><body><article>"
        "<p>The Westport harbour authority said container traffic rose by 12 percent in 2024, "
        "reaching 4.1 million containers.</p><p>Officials credited two new shipping routes "
        "that opened in the spring.</p></article></body></html>", encoding="utf-8")
    (d / "jobs.jsonl").write_text(json.dumps({
        "text": "Unemployment in Eastbury fell to 4.2 percent in March, the regional statistics "
                "office reported.", "source": "Eastbury Times", "date": "2024-04-10",
        "url": "https://times.example/jobs", "title": "Jobless rate down"}) + "\n",
        encoding="utf-8")
    (d / "notes.txt").write_text("The Northgate bridge reopened to traffic on Monday after "
                                 "eight months of repairs.\n", encoding="utf-8")
    return d


def test_corpus_add_list_stats_remove(tmp_path: Path, corpus_dir: Path) -> None:
    db = str(tmp_path / "c.db")
    res = run("corpus", "add", str(corpus_dir), "--db", db, "--json")
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert rep["files"] == 3 and rep["documents_added"] == 3 and rep["passages_added"] >= 3
    again = json.loads(run("corpus", "add", str(corpus_dir), "--db", db, "--json").stdout)
    assert again["documents_added"] == 0 and again["documents_skipped"] == 3
    rows = json.loads(run("corpus", "list", "--db", db, "--json").stdout)
    # a file that names no publisher has none (not its folder's name: issue 16)
    assert {r["source"] for r in rows} == {"Eastbury Times", None}
    stats = json.loads(run("corpus", "stats", "--db", db, "--json").stdout)
    assert stats["documents"] == 3 and stats["embeddings"]["wordllama"]["vectors"] > 0
    assert run("corpus", "stats", "--db", db).exit_code == 0
    res = run("corpus", "remove", "--source", "Eastbury Times", "--db", db)
    assert res.exit_code == 0 and "removed 1" in res.stdout
    assert run("corpus", "remove", "999", "--db", db).exit_code == 1  # nothing removed
    assert run("corpus", "remove", "--db", db).exit_code == 2


def test_corpus_add_bad_file_adds_nothing(tmp_path: Path, corpus_dir: Path) -> None:
    db = str(tmp_path / "c.db")
    (corpus_dir / "zz_bad.jsonl").write_text('{"text": "fine"}\n{broken\n', encoding="utf-8")
    res = run("corpus", "add", str(corpus_dir), "--db", db)
    assert res.exit_code == 3
    assert "zz_bad.jsonl:2" in res.stderr and "nothing was added" in res.stderr
    assert "Traceback" not in res.output
    stats = json.loads(run("corpus", "stats", "--db", db, "--json").stdout)
    assert stats["documents"] == 0


def test_verify_cli_formats_and_exit_codes(tmp_path: Path, corpus_dir: Path) -> None:
    db = str(tmp_path / "c.db")
    assert run("corpus", "add", str(corpus_dir), "--db", db).exit_code == 0
    res = run("verify", "Container traffic at Westport harbour rose in 2024.", "--db", db,
              "--json")
    assert res.exit_code == 0, res.output
    [item] = json.loads(res.stdout)
    assert item["verdict"] == "supported" and item["passages"][0]["stance"] == "supports"
    res = run("verify", "Unemployment in Eastbury did not fall in March.", "--db", db)
    assert res.exit_code == 1 and "refuted" in res.stdout  # a refuted claim is a finding
    res = run("verify", "Container traffic at Westport harbour rose in 2024.", "--db", db,
              "--format", "claimreview")
    [cr] = json.loads(res.stdout)
    assert cr["@type"] == "ClaimReview" and cr["claimReviewed"].startswith("Container")
    from rhetorica.evidence.claimreview import PUBLISH_CONFIDENCE

    if item["confidence"] >= PUBLISH_CONFIDENCE:  # same claim, same verdict as --json above
        assert cr["reviewRating"]["alternateName"] == "True"
    else:
        assert "reviewRating" not in cr and "No rating given" in cr["description"]
    # A bare claim has no speaker and no date: neither is invented.
    assert "author" not in cr["itemReviewed"] and "datePublished" not in cr["itemReviewed"]
    claims = tmp_path / "claims.txt"
    claims.write_text("The Northgate bridge reopened after repairs.\nLindholm banned scooters.\n",
                      encoding="utf-8")
    res = run("verify", str(claims), "--db", db, "--format", "markdown")
    assert res.exit_code == 0 and "Verdict: **not enough evidence**" in res.stdout
    assert ("No report in the corpus supports this claim." in res.stdout
            or "none settles it either way" in res.stdout)
    res = run("verify", "x", "--db", db, "--since", "yesterday")
    assert res.exit_code == 2
    empty = run("verify", "Anything.", "--db", str(tmp_path / "empty.db"))
    assert empty.exit_code == 3 and "corpus add" in empty.stderr


def test_analyze_with_verify_adds_evidence(tmp_path: Path, corpus_dir: Path) -> None:
    db = str(tmp_path / "c.db")
    assert run("corpus", "add", str(corpus_dir), "--db", db).exit_code == 0
    stmt = tmp_path / "speech.txt"
    stmt.write_text("Container traffic at Westport harbour rose by 12 percent in 2024.",
                    encoding="utf-8")
    # Only the components this test needs (others are trained by other areas).
    res = run("analyze", str(stmt), "--verify", "--json", "--db", db,
              "--pipeline", "parse,segment,claims")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    doc = data[0] if isinstance(data, list) else data
    assert "verify" in doc["results"]["pipeline"]
    claims = [s for s in doc["spans"] if s["layer"] == "claim" and s["score"] >= 0.5]
    assert len(doc["results"]["evidence"]) == len(claims)
    for item in doc["results"]["evidence"]:
        assert doc["text"][item["claim"]["start"]:item["claim"]["end"]] == item["claim"]["text"]


@pytest.mark.slow
@pytest.mark.shared_data
def test_eval_verify_reports_beside_baselines() -> None:
    data = shared_data("climate-fever").parent
    from rhetorica.evidence.evaluate import evaluate

    rep = evaluate(data, limit=60)
    modes = {r["mode"].split()[0]: r for r in rep["retrieval"]}
    assert set(modes) == {"bm25", "dense", "hybrid"}  # "hybrid" twice: with the rerank
    assert 0.0 < modes["hybrid"]["recall@5"] <= 1.0
    systems = [r["system"] for r in rep["verdicts"][:3]]
    assert systems[0] == "rhetorica" and systems[1] == "previous linear model"
    assert "majority" in systems[2]
    assert rep["newsdesk"]["claims"] >= 40 and 0.0 <= rep["newsdesk"]["accuracy"] <= 1.0


def test_eval_stance_reports_every_set_beside_baselines() -> None:
    data = shared_data("nli").parent
    from rhetorica.evidence.evaluate_stance import evaluate

    rep = evaluate(data, limit=40)
    sets = {r["set"] for r in rep["rows"]}
    assert len(sets) == 7
    assert any("HealthVer" in s for s in sets) and any("SNLI" in s for s in sets)
    for s in sets:
        systems = [r["system"] for r in rep["rows"] if r["set"] == s]
        assert systems[:3] == ["cross-encoder", "cross-encoder + checks",
                               "linear (previous model)"] and "majority" in systems[3]
    snli = {r["system"]: r for r in rep["rows"] if r["set"].startswith("SNLI")}
    assert snli["cross-encoder"]["accuracy"] > snli["linear (previous model)"]["accuracy"]


def test_corpus_show_gives_metadata_with_provenance_and_passages(tmp_path: Path) -> None:
    page = tmp_path / "depot.html"
    page.write_text(
        "<html><head><title>Council closes depot | Riverton Ledger</title>"
        '<meta property="article:published_time" content="2025-06-09T10:00:00-07:00">'
        "</head><body><article><p>The council voted on Monday to close the bus depot on "
        "Harmon Avenue, ending a dispute that began in 2019.</p><p>Drivers will move to "
        "the Calder yard by September, the transit authority said.</p></article></body>"
        "</html>")
    db = str(tmp_path / "c.db")
    assert run("corpus", "add", str(page), "--db", db).exit_code == 0
    doc_id = json.loads(run("corpus", "list", "--db", db, "--json").stdout)[0]["id"]
    doc = json.loads(run("corpus", "show", str(doc_id), "--db", db, "--json").stdout)
    assert doc["title"] == "Council closes depot" and doc["source"] == "Riverton Ledger"
    assert doc["published"] == "2025-06-09" and not doc["date_missing"]
    assert doc["provenance"]["published"] == "<meta article:published_time>"
    assert doc["provenance"]["source"] == "<title> suffix"
    text = "".join(p["text"] for p in doc["passages"])
    assert "bus depot" in text and all(p["end"] > p["start"] for p in doc["passages"])
    shown = run("corpus", "show", str(doc_id), "--db", db)
    assert shown.exit_code == 0 and "<title> suffix" in shown.stdout
    assert run("corpus", "show", "999", "--db", db).exit_code == 1


def test_corpus_export_writes_jsonl_that_reads_back(tmp_path: Path, corpus_dir: Path) -> None:
    db, db2 = str(tmp_path / "c.db"), str(tmp_path / "d.db")
    assert run("corpus", "add", str(corpus_dir), "--db", db).exit_code == 0
    dump = tmp_path / "corpus.jsonl"
    assert run("corpus", "export", str(dump), "--db", db).exit_code == 0
    rows = [json.loads(line) for line in dump.read_text().splitlines()]
    assert len(rows) == 3 and all(r["text"] and r["passages"] for r in rows)
    assert run("corpus", "add", str(dump), "--db", db2).exit_code == 0
    again = json.loads(run("corpus", "list", "--db", db2, "--json").stdout)
    assert sorted(r["title"] or "" for r in again) == sorted(r["title"] or "" for r in rows)
    # metadata, per-field provenance and the original origin survive the round trip
    for before in rows:
        after = json.loads(run("corpus", "show", before["key"], "--db", db2, "--json").stdout)
        assert after["provenance"] == before["provenance"] and after["meta"] == before["meta"]
        assert after["origin"] == before["origin"] and after["published"] == before["published"]


def test_corpus_list_filters_show_copies_and_remove_exact(tmp_path: Path) -> None:
    from tests.ingest.test_near_duplicates import STORY

    d = tmp_path / "wire"
    d.mkdir()
    rows = [{"text": STORY, "source": "Harlow Bay Herald", "date": "2026-04-14"},
            {"text": STORY.replace("rotting", "decaying") + "\n\n(Lakeshore Wire)",
             "source": "Lakeshore Wire", "date": "2026-04-15"},
            {"text": "The Eastbury ferry fare rises by 20 cents in May.", "source": "Times",
             "date": "2025-01-02"}]
    (d / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = str(tmp_path / "c.db")
    assert run("corpus", "add", str(d), "--db", db).exit_code == 0
    listed = json.loads(run("corpus", "list", "--db", db, "--json").stdout)
    herald = next(r for r in listed if r["source"] == "Harlow Bay Herald")
    assert herald["copies"] == 2
    group = json.loads(run("corpus", "list", "--group", str(herald["group"]), "--db", db,
                           "--json").stdout)
    assert {r["source"] for r in group} == {"Harlow Bay Herald", "Lakeshore Wire"}
    recent = json.loads(run("corpus", "list", "--since", "2026-04-15", "--db", db,
                            "--json").stdout)
    assert [r["source"] for r in recent] == ["Lakeshore Wire"]
    bad = run("corpus", "list", "--until", "next week", "--db", db)
    assert bad.exit_code == 2 and "not a date" in bad.stderr
    none = run("corpus", "list", "--until", "2020-01-01", "--db", db)
    assert none.exit_code == 1 and "No document matches until '2020-01-01'" in none.stdout
    shown = run("corpus", "show", str(herald["id"]), "--db", db)
    assert "Wire copies (group" in shown.stdout and "Lakeshore Wire" in shown.stdout
    prefix = run("corpus", "remove", herald["key"][:12], "--db", db)
    assert prefix.exit_code == 2 and "full 64-character key" in prefix.stderr
    assert run("corpus", "remove", herald["key"], "--db", db).exit_code == 0
    assert len(json.loads(run("corpus", "list", "--db", db, "--json").stdout)) == 2


def test_verify_table_shows_the_deciding_sentence_cut_between_words() -> None:
    from rhetorica.cli.verify import excerpt

    filler = ("The council met on Monday evening to discuss the budget for the harbour "
              "district and other local matters, including parking and library hours. ") * 2
    passage = filler + "Police figures show that crime rose by 3 percent last year, not fell."
    shown = excerpt(passage, "Crime fell by 12 percent last year")
    assert "crime rose by 3 percent last year, not fell." in shown  # the words that decide
    assert shown.startswith("…") and len(shown) <= 222
    cut = excerpt(filler * 2, "council budget harbour")
    assert cut.endswith("…") and not cut[:-1].endswith(("Mon", "dis"))  # between words
    assert excerpt("Short passage.", "anything") == "Short passage."


def test_verify_refuses_a_missing_claims_file_rather_than_checking_its_name(
        tmp_path: Path) -> None:
    res = run("verify", str(tmp_path / "claims.txt"), "--db", str(tmp_path / "c.db"))
    assert res.exit_code == 3 and "no such file" in res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1


def test_verify_against_a_mistyped_database_path_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    res = run("verify", "Crime rose.", "--db", str(db))
    assert res.exit_code == 3 and "no such database" in res.output and not db.exists()


def test_corpus_add_refuses_an_empty_file_and_adds_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("The Westport harbour reopened on Monday after repairs.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    db = tmp_path / "c.db"
    res = run("corpus", "add", str(good), str(empty), "--db", str(db))
    assert res.exit_code == 3 and "empty file" in res.output and "nothing was added" in res.output
    listed = run("corpus", "list", "--db", str(db), "--json")
    assert listed.exit_code != 0 or json.loads(listed.output or "[]") == []
