"""`rhetorica review` and `rhetorica claims --reviewed`, as a fact-checker runs them."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rhetorica.cli.main import app

TEXT = ("The mayor said crime fell by 12 percent last year. The new bridge will open in May "
        "after repairs costing $40 million. Officials confirmed that 300 National Guard troops "
        "were deployed downtown on Monday.\n")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def stored(tmp_path) -> str:
    db = str(tmp_path / "r.db")
    src = tmp_path / "s.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert run("analyze", str(src), "--db", db, "--json").exit_code == 0
    return db


def test_review_a_claim_by_number_and_words_then_publish(tmp_path):
    db = stored(tmp_path)
    listed = json.loads(run("review", "1", "--db", db, "--json").stdout)
    assert [r["n"] for r in listed] and all(r["review"] is None for r in listed)
    bridge = next(r["n"] for r in listed if "bridge" in r["text"])
    res = run("review", "1", str(bridge), "--verdict", "refuted", "--note",
              "Budget papers say $52 million [bold]x[/bold]", "--evidence",
              "https://city.example/budget", "--db", db, env={"RHETORICA_REVIEWER": "Dana W"})
    assert res.exit_code == 0 and "Dana W reviewed claim" in res.stdout
    res = run("review", "1", "crime fell", "--verdict", "needs more", "--by", "Sam", "--db", db)
    assert res.exit_code == 0, res.stderr
    listed = {r["text"]: r["review"] for r in json.loads(
        run("review", "1", "--db", db, "--json").stdout)}
    reviewed = {t: r["verdict"] for t, r in listed.items() if r}
    assert sorted(reviewed.values()) == ["needs_more", "refuted"]
    table = run("review", "1", "--db", db).stdout
    assert "[bold]x[/bold" in table  # the note is shown as text, not markup
    published = json.loads(run("review", "1", "--claimreview", "--db", db).stdout)
    assert len(published) == 1  # "needs more" is not a verdict to publish
    [cr] = published
    assert cr["author"] == {"@type": "Person", "name": "Dana W"}
    assert cr["reviewRating"]["alternateName"] == "False"
    assert cr["citation"] == [{"@type": "CreativeWork", "url": "https://city.example/budget"}]
    everywhere = json.loads(run("claims", "--reviewed", "--db", db, "--json").stdout)
    assert [r["verdict"] for r in everywhere] == ["needs_more", "refuted"]
    # `db show -f claimreview` publishes the same reviewed claim by default
    shown = json.loads(run("db", "show", "1", "-f", "claimreview", "--db", db).stdout)
    assert [c["claimReviewed"] for c in shown] == [cr["claimReviewed"]]
    bad = run("db", "show", "1", "-f", "json", "--include-unreviewed", "--db", db)
    assert bad.exit_code == 2 and "claimreview only" in bad.stderr


def test_review_refuses_bad_input_with_one_line(tmp_path):
    db = stored(tmp_path)
    bad = run("review", "1", "99", "--verdict", "refuted", "--by", "Dana", "--db", db)
    assert bad.exit_code == 3 and "claim 99" in bad.stderr
    bad = run("review", "1", "1", "--verdict", "probably", "--by", "Dana", "--db", db)
    assert bad.exit_code == 3 and "unknown verdict" in bad.stderr
    bad = run("review", "1", "1", "--verdict", "refuted", "--db", db, env={
        "RHETORICA_REVIEWER": ""})
    assert bad.exit_code == 3 and "say who reviews" in bad.stderr
    assert run("review", "1", "1", "--db", db).exit_code == 2  # a claim without a verdict
    assert run("review", "42", "--db", db).exit_code == 1  # not found, as `db show` says
    assert run("claims", "--reviewed", "--db", db).exit_code == 1  # nothing reviewed
