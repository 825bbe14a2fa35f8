"""``rhetorica claims`` as a user runs it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rhetorica.cli.main import app

runner = CliRunner()

A = "Unemployment in Lakeview went up 3 percent last year, and 4,000 factory jobs were lost."
B = "Last year Lakeview lost 4,000 factory jobs and its unemployment rose by 3 percent."
SPEECH = ("Thank you all for coming tonight. Mayor Elena Rossi closed the Harbour Bridge in "
          "May and cut the transit budget by 20 percent. I think we deserve better.")


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def test_ranked_json_with_atomic_claims():
    res = run("claims", "-", "--json", "--atomic", input=SPEECH)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    (st,) = data["statements"]
    top = st["claims"][0]
    assert top["rank"] == 1 and "20 percent" in top["text"]
    assert SPEECH[top["start"]:top["end"]] == top["text"]
    atoms = [a["text"] for a in top["atomic"]]
    assert "Mayor Elena Rossi cut the transit budget by 20 percent." in atoms
    for a in top["atomic"]:
        for s, e in a["pieces"]:
            assert 0 <= s < e <= len(SPEECH)


def test_all_and_top():
    res = run("claims", "-", "--json", "--all", "--top", "2", input=SPEECH)
    assert res.exit_code == 0
    claims = json.loads(res.stdout)["statements"][0]["claims"]
    assert len(claims) == 2
    assert claims[0]["score"] >= claims[1]["score"]


def test_table_output_escapes_markup():
    res = run("claims", "-", "--all",
              input="The [bold]council[/bold] hired 300 new teachers in 2021.")
    assert res.exit_code == 0, res.output
    assert "[bold]council[/bold]" in res.stdout


def test_nothing_check_worthy_exits_1():
    res = run("claims", "-", input="Thank you. Good night.")
    assert res.exit_code == 1


def test_bad_input_is_one_line_exit_3(tmp_path):
    res = run("claims", str(tmp_path / "missing.txt"))
    assert res.exit_code == 3
    assert "no such file" in res.output
    assert "Traceback" not in res.output


def test_dedupe_across_inputs(tmp_path):
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        json.dumps({"text": A, "speaker": "A"}) + "\n"
        + json.dumps({"text": B, "speaker": "B"}) + "\n")
    res = run("claims", str(posts), "--dedupe", "--json")
    assert res.exit_code == 0, res.output
    groups = json.loads(res.stdout)["duplicates"]
    assert len(groups) == 1 and len(groups[0]) == 2
    assert {m["meta"]["input"] for m in groups[0]} == {0, 1}


def test_match_db_and_repeated(tmp_path):
    db = str(tmp_path / "c.db")
    first = tmp_path / "a.txt"
    first.write_text(A)
    assert run("analyze", str(first), "--db", db, "--json").exit_code == 0
    res = run("claims", "-", "--match-db", "--db", db, "--json", input=B)
    assert res.exit_code == 0, res.output
    matches = json.loads(res.stdout)["matches"]
    assert [m["matches"][0]["text"] for m in matches] == ["4,000 factory jobs were lost."]
    # Only one statement stored: nothing is repeated across statements yet.
    assert run("claims", "--repeated", "--db", db).exit_code == 1
    assert run("claims", "--repeated", str(first), "--db", db).exit_code == 2
