"""The speaker's own baseline on a store we fill: z-score, mix distance, change points."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rhetorica.cli.main import app
from rhetorica.context.baseline import change_points, chart, compare, js_distance
from rhetorica.document import Document, DocumentMeta
from rhetorica.store import open_store

runner = CliRunner()


def statement(i: int, intensity: float, mix: dict[str, float], speaker: str = "Gov. Example"
              ) -> Document:
    doc = Document(f"Statement number {i} about public safety.",
                   DocumentMeta(speaker=speaker, date=f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}"))
    doc.results = {"pipeline": ["tone"], "tone": {"intensity": intensity,
                                                  "techniques_per_100_words": mix}}
    return doc


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "b.db")
    calm = {"appeal_to_authority": 1.0, "loaded_language": 0.5}
    docs = [statement(i, v, calm) for i, v in enumerate([20, 24, 18, 22, 21, 19, 23, 20])]
    docs.append(statement(8, 85, {"dehumanising": 3.0, "war_frame": 2.0}))
    with open_store(path) as st:
        st.save_many(docs)
        st.save_many([statement(i, 30 + i, calm, speaker="Mayor Steady") for i in range(5)])
    return path


def test_compare_flags_a_shift(db):
    with open_store(db) as st:
        hist = st.speaker_history("Gov. Example")
    b = compare(hist, "Gov. Example")
    assert b.history_n == 8
    assert b.z is not None and b.z > 5
    assert b.js_distance == pytest.approx(1.0)  # no technique in common
    assert b.shift and b.verdict.startswith("A shift")
    assert "Gov. Example" in b.verdict and b.verdict.count(".") >= 1
    assert b.technique_changes[0]["technique"] in ("dehumanising", "war_frame")
    assert b.change_points == []  # one outburst is not a sustained change of level


def test_change_point_in_stored_series(tmp_path):
    path = str(tmp_path / "cp.db")
    mix = {"loaded_language": 1.0}
    values = [20, 22, 19, 21, 20, 60, 62, 58, 61]
    with open_store(path) as st:
        st.save_many([statement(i, v, mix, speaker="Shifter") for i, v in enumerate(values)])
        hist = st.speaker_history("Shifter")
    b = compare(hist, "Shifter")
    assert [c.index for c in b.change_points] == [5]
    assert b.change_points[0].date == hist[5]["date"]
    assert b.change_points[0].before == pytest.approx(20.4)
    # The latest statement sits at the speaker's new level: judged against it, no shift.
    assert b.recent_n == 3 and b.z_recent is not None and abs(b.z_recent) < 1
    assert not b.shift and "since the last change point" in b.verdict


def test_compare_earlier_statement_and_no_shift(db):
    with open_store(db) as st:
        hist = st.speaker_history("Gov. Example")
    b = compare(hist, "Gov. Example", statement_id=hist[6]["id"])
    assert b.history_n == 6 and not b.shift and b.verdict.startswith("No shift")
    few = compare(hist[:2], "Gov. Example")
    assert few.z is None and "Too little history" in few.verdict


def test_js_and_change_points_units():
    assert js_distance({"a": 1.0}, {"a": 2.0}) == pytest.approx(0.0)
    assert js_distance({"a": 1.0}, {"b": 1.0}) == pytest.approx(1.0)
    assert js_distance({}, {"a": 1.0}) is None
    assert change_points([10, 11, 9, 10, 60, 61, 59, 62]) == [4]
    assert change_points([10, 12, 11, 9, 10, 11, 12, 10]) == []


def test_chart_png_and_svg(db, tmp_path):
    with open_store(db) as st:
        b = compare(st.speaker_history("Gov. Example"), "Gov. Example")
    png = chart(b, tmp_path / "c.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = chart(b, tmp_path / "c.svg")
    assert "<svg" in svg.read_text("utf-8")[:500]


def test_baseline_cli(db, tmp_path):
    res = runner.invoke(app, ["baseline", "Gov. Example", "--db", db, "--json",
                              "--chart", str(tmp_path / "x.png")])
    assert res.exit_code == 1, res.output  # a shift is a finding
    data = json.loads(res.stdout)
    assert data["shift"] is True and data["z"] > 5 and (tmp_path / "x.png").exists()
    res = runner.invoke(app, ["baseline", "Mayor Steady", "--db", db])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["baseline", "Nobody", "--db", db])
    assert res.exit_code == 1 and "no stored statements" in res.output
    res = runner.invoke(app, ["baseline", "Mayor Steady", "--db", db, "--chart", "x.gif"])
    assert res.exit_code == 2


MATH = "$\\frac{a}{$"  # what matplotlib would parse as (broken) mathtext


def test_chart_shows_a_speaker_with_dollar_signs_as_text(tmp_path):
    """Issue 14, finding 9: a `$` in a speaker's name was parsed as mathtext (ValueError)."""
    import matplotlib

    path = str(tmp_path / "m.db")
    with open_store(path) as st:
        st.save_many([statement(i, 20 + i, {"loaded_language": 1.0}, speaker=MATH)
                      for i in range(6)])
        b = compare(st.speaker_history(MATH), MATH)
    assert chart(b, tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep text as text in the SVG
        svg = chart(b, tmp_path / "c.svg").read_text("utf-8")
    assert f"{MATH}: rhetoric intensity over time" in svg
    res = runner.invoke(app, ["baseline", MATH, "--db", path, "--chart",
                              str(tmp_path / "cli.svg")])
    assert res.exit_code in (0, 1) and (tmp_path / "cli.svg").exists(), res.output


def test_chart_of_a_history_with_undrawable_dates(tmp_path):
    """A statement dated 9999-12-31 (stored as given) must not break the chart."""
    path = str(tmp_path / "far.db")
    docs = [statement(i, 20 + i, {"loaded_language": 1.0}, speaker="Far") for i in range(5)]
    docs[-1].meta.date = "9999-12-31"
    with open_store(path) as st:
        st.save_many(docs)
        b = compare(st.speaker_history("Far"), "Far")
    assert chart(b, tmp_path / "far.png").read_bytes()[:4] == b"\x89PNG"


def test_words_quoted_by_others_count_and_are_said_to_be_reported(tmp_path):
    history = [{"id": i, "date": f"2025-01-0{i}", "intensity": v, "tone": {},
                "reported_by": by} for i, (v, by) in enumerate(
        [(20.0, None), (22.0, "Daily Bugle"), (21.0, None), (19.0, "Wire"), (80.0, None)], 1)]
    b = compare(history, "Mayor")
    assert b.history_n == 4 and b.reported_n == 2 and b.shift
    assert "2 of the earlier statements are Mayor's words as quoted" in b.verdict
    assert b.series[1]["reported_by"] == "Daily Bugle"
    quoted_now = compare(history, "Mayor", statement_id=4)
    assert "quoted by Wire" in quoted_now.verdict
    assert chart(b, tmp_path / "c.png").stat().st_size > 1000
