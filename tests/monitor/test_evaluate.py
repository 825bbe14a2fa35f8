"""`rhetorica eval monitor`: indicator noise on ordinary statements beside a keyword baseline."""

from __future__ import annotations

import pytest

from rhetorica.ingest.errors import InputError
from rhetorica.monitor.evaluate import evaluate
from tests.conftest import shared_data


def _liar(tmp_path, statements):
    folder = tmp_path / "liar"
    folder.mkdir()
    rows = [f"{i}.json\ttrue\t{s}\tsubject\tspeaker\t\t\t\t0\t0\t0\t0\t0\tctx"
            for i, s in enumerate(statements)]
    (folder / "train.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


def test_counts_watchlist_hits_beside_the_keyword_baseline(tmp_path):
    data = _liar(tmp_path, [
        "The judge said the court will hear the tax case in May.",      # baseline only
        "Our troops in Iraq deserve better equipment.",                 # foreign: excluded
        "A curfew was imposed downtown after the riots.",               # both
        "The state sued over the water rules last year.",               # baseline only
    ])
    report = evaluate(data)
    rows = {r[0]: r for r in report["tables"][0]["rows"]}
    assert report["statements"] == 4
    assert rows["curfew"][1:4:2] == [1, 1]
    assert rows["court_order"][1] == 0 and rows["court_order"][3] == 1
    assert rows["troops_deployed"][1] == 0 and rows["troops_deployed"][3] == 1
    assert rows["any indicator"][1] == 1 and rows["any indicator"][3] == 4
    assert [h["indicator"] for h in report["hits"]] == ["curfew"]


def test_missing_data_is_a_clear_input_error(tmp_path):
    with pytest.raises(InputError, match="LIAR"):
        evaluate(tmp_path)


@pytest.mark.shared_data
def test_bundled_watchlist_is_quiet_on_real_statements():
    report = evaluate(shared_data("liar").parent)
    any_row = report["tables"][0]["rows"][-1]
    assert any_row[2] < 2.0 < any_row[4]  # per 1,000 statements: ours vs keyword baseline
