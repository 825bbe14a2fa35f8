"""Watchlist loading/validation and the indicator matcher (regex, tokens, examples, exclude)."""

from __future__ import annotations

import pytest

from rhetorica.document import Document, DocumentMeta
from rhetorica.monitor.watchlist import (
    IndicatorMatcher,
    WatchlistError,
    load_watchlist,
    parse_watchlist,
)
from tests.conftest import assert_offsets


def test_bundled_watchlist_covers_domestic_deployment(watchlist):
    ids = {i.id for i in watchlist.indicators}
    assert {"troops_deployed", "insurrection_act", "state_federal_clash", "state_lawsuit",
            "curfew", "mass_arrests", "court_order"} <= ids
    assert watchlist.topics() == ["domestic_deployment"]
    assert all(i.regexes or i.token_patterns or i.examples for i in watchlist.indicators)


@pytest.mark.parametrize(("raw", "message"), [
    ([], "must be a mapping"),
    ({"indicators": []}, "non-empty list"),
    ({"indicators": [{"id": "Bad Id", "patterns": ["x"]}]}, "'id' must be lower-case"),
    ({"indicators": [{"id": "a", "patterns": ["(unclosed"]}]}, "bad regex"),
    ({"indicators": [{"id": "a", "severity": "huge", "patterns": ["x"]}]}, "severity"),
    ({"indicators": [{"id": "a", "patterns": ["x"]}, {"id": "a", "patterns": ["y"]}]},
     "duplicate id 'a'"),
    ({"indicators": [{"id": "a", "patern": ["x"]}]}, "unknown key(s) patern"),
    ({"indicators": [{"id": "a"}]}, "at least one pattern or example"),
    ({"indicators": [{"id": "a", "patterns": [{"tokens": [{"LEMA": "x"}]}]}]},
     "unknown token attribute(s) LEMA"),
    ({"indicators": [{"id": "a", "examples": ["x"], "threshold": 3}]}, "between 0 and 1"),
    ({"indicators": [{"id": "a", "patterns": [{"glob": "x"}]}]}, "must be a regex string"),
    ({"indicators": [{"id": "a", "patterns": ["x"]}], "colour": 1}, "unknown top-level"),
])
def test_invalid_watchlists_fail_with_a_clear_reason(raw, message):
    with pytest.raises(WatchlistError) as info:
        parse_watchlist(raw, "mine.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("mine.yaml")


def test_yaml_syntax_error_names_the_line(tmp_path):
    p = tmp_path / "w.yaml"
    p.write_text("indicators:\n  - id: a\n    patterns: [unclosed\n", encoding="utf-8")
    with pytest.raises(WatchlistError, match=r"w\.yaml:\d+: invalid YAML"):
        load_watchlist(p)
    with pytest.raises(WatchlistError, match="no such watchlist"):
        load_watchlist(tmp_path / "missing.yaml")


def _analyse(pipe, text):
    return next(iter(pipe.pipe([Document(text, DocumentMeta())])))


def test_regex_hit_points_at_the_sentence(watch_pipe):
    text = ("Traffic was light this morning. Two thousand National Guard troops were deployed "
            "to Riverton overnight. Schools stay open.")
    doc = _analyse(watch_pipe, text)
    hits = doc.layer("indicator")
    assert [h.label for h in hits] == ["troops_deployed"]
    assert_offsets(doc)
    assert hits[0].text_in(text).startswith("Two thousand National Guard")
    assert hits[0].text_in(text).endswith("overnight.")
    assert hits[0].attrs["method"] == "regex"


def test_exclude_vetoes_negations_and_hypotheticals(watch_pipe):
    for text in ("We have no plans to deploy the National Guard.",
                 "If the unrest continues, we may send troops.",
                 "Nobody is talking about martial law; that is not on the table.",
                 "The president has no plans to invoke the Insurrection Act."):
        assert _analyse(watch_pipe, text).layer("indicator") == [], text
    # the Insurrection Act held out as a possibility is its own, lower alert (issue 15),
    # not nothing: the clause's modality decides, the watchlist no longer vetoes it
    could = _analyse(watch_pipe, "The president could invoke the Insurrection Act, aides said.")
    assert [s.label for s in could.layer("indicator")] == ["insurrection_act:threatened"]


def test_token_pattern_uses_lemmas(watch_pipe):
    wl = parse_watchlist({"indicators": [{"id": "deploy_guard", "patterns": [
        {"tokens": [{"LEMMA": "deploy"}, {"OP": "*", "IS_PUNCT": False}, {"LOWER": "guard"}]}]}]})
    matcher = IndicatorMatcher(wl, use_examples=False)
    doc = _analyse(watch_pipe, "The White House is deploying the Guard. Nothing else happened.")
    doc.parsed = watch_pipe.components[0][1].nlp(doc.text)
    hits = matcher.match(doc, [(s.start, s.end) for s in doc.layer("sentence")])
    assert [(h.indicator, h.method, h.evidence) for h in hits] == [
        ("deploy_guard", "tokens", "The White House is deploying the Guard.")]
    assert "deploying the Guard" in hits[0].detail


def test_example_similarity_catches_paraphrases_only():
    wl = parse_watchlist({"threshold": 0.6, "indicators": [{
        "id": "soldiers_in_streets", "severity": "high",
        "examples": ["Soldiers in uniform are now patrolling the streets of the city."]}]})
    matcher = IndicatorMatcher(wl)
    para = Document("Uniformed soldiers were patrolling the city streets on Sunday.")
    other = Document("The library will extend its opening hours in September.")
    matcher.pipe([para, other])
    hit = para.layer("indicator")
    assert [h.label for h in hit] == ["soldiers_in_streets"]
    assert hit[0].attrs["method"] == "example" and 0.6 <= hit[0].score <= 1.0
    assert other.layer("indicator") == []


def test_bad_token_pattern_values_fail_when_the_matcher_is_built():
    wl = parse_watchlist({"indicators": [{"id": "bad_tokens", "patterns": [
        {"tokens": [{"LOWER": "guard", "OP": "sometimes"}]}]}]}, "w.yaml")
    with pytest.raises(WatchlistError, match="indicator 'bad_tokens' tokens #1"):
        IndicatorMatcher(wl, use_examples=False)


def test_a_watchlist_from_a_device_is_read_bounded(monkeypatch):
    """Same class as issue 14, finding 7: `--watchlist /dev/zero` read until MemoryError."""
    from pathlib import Path

    from rhetorica.monitor.watchlist import WatchlistError, load_watchlist

    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("unbounded read"))
    with pytest.raises(WatchlistError, match=r"above the .* byte limit"):
        load_watchlist("/dev/zero")
