"""The bundled examples, each with the highlights a reader should see asserted."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES, assert_offsets


def spans(doc, layer, label=None):
    return [(doc.text[s.start:s.end], s.label) for s in doc.layer(layer)
            if label is None or s.label == label]


@pytest.fixture(scope="module")
def docs(pipeline):
    from rhetorica.ingest.statements import read_statements

    out = {}
    for path in sorted(EXAMPLES.glob("*.txt")):
        (doc,) = read_statements(str(path))
        out[path.stem] = pipeline(doc)
    return out


def test_every_example_has_valid_offsets(docs):
    assert len(docs) >= 5
    for doc in docs.values():
        assert_offsets(doc)
        for s in doc.layer("sentence"):
            assert doc.text[s.start:s.end] == doc.text[s.start:s.end].strip()


def test_siege_post_highlights(docs):
    doc = docs["siege_post"]
    rhet = spans(doc, "rhetoric")
    assert ("UNDER SIEGE", "war_frame") in rhet
    assert ("war zone", "war_frame") in rhet
    assert ("Law and order", "slogan") in rhet
    assert ("national emergency", "emergency_framing") in rhet
    assert ("so-called leaders", "name_calling") in rhet
    assert doc.results["tone"]["intensity"] >= 60
    entities = spans(doc, "entity")
    assert ("Portland", "place") in entities
    assert any(label == "organisation" and "National Guard" in text for text, label in entities)


def test_statistic_outranks_slogan_in_siege_post(docs):
    doc = docs["siege_post"]
    by_text = {doc.text[s.start:s.end]: s.score for s in doc.layer("claim")}
    assert by_text["Crime rose 40% last year."] > by_text["This is a national emergency."]


def test_measured_statement_is_calm_and_typed_as_plans(docs):
    doc = docs["measured_policy"]
    assert doc.results["tone"]["intensity"] < 20
    assert not [s for s in doc.layer("rhetoric") if s.attrs.get("family") in
                {"frame", "dehumanising", "us_vs_them"}]
    # Announced plans are typed, but rank below the figures of a statistics-heavy text.
    first = doc.layer("claim")[0]
    assert first.attrs["type"] in {"prediction", "policy"}
    assert max(s.score for s in doc.layer("claim")) < min(
        s.score for s in docs["statistics_claim"].layer("claim"))


def test_statistics_every_sentence_check_worthy(docs):
    doc = docs["statistics_claim"]
    claims = doc.layer("claim")
    assert len(claims) == 3
    assert all(s.score >= 0.5 for s in claims)


def test_rebuttal_is_calmer_than_siege_post(docs):
    assert (docs["press_rebuttal"].results["tone"]["intensity"]
            < docs["siege_post"].results["tone"]["intensity"])
    doc = docs["press_rebuttal"]
    checkable = {doc.text[s.start:s.end].split()[0]: s for s in doc.layer("claim")}
    assert checkable["Police"].score >= 0.5  # "Police made 12 arrests on Saturday..."
    assert checkable["The"].score >= 0.5  # "The Governor did not request federal troops..."


def test_dehumanising_speech(docs):
    rhet = spans(docs["dehumanising_speech"], "rhetoric")
    assert ("animals", "dehumanising_label") in rhet
    assert ("invaders", "dehumanising_label") in rhet
    assert ("flood", "flood_frame") in rhet
    assert ("disease", "disease_frame") in rhet
    assert ("Either you are with us", "black_and_white") in rhet
    assert ("Everyone knows", "bandwagon") in rhet


@pytest.mark.parametrize("name", ["spanish_post", "garbled"])
def test_non_english_is_flagged_and_quiet(docs, name):
    doc = docs[name]
    assert doc.results["language"]["code"] == "und"
    assert doc.results["language"]["warning"]
    assert all(s.score < 0.5 for s in doc.layer("claim"))
    assert doc.results["tone"]["intensity"] < 20


def test_jsonl_posts_keep_metadata(pipeline):
    from rhetorica.ingest.statements import read_statements

    docs = [pipeline(d) for d in read_statements(str(EXAMPLES / "posts.jsonl"))]
    assert [d.meta.date for d in docs] == ["2025-06-01", "2025-06-08", "2025-06-15"]
    assert {d.meta.speaker for d in docs} == {"Mayor A. Example"}
    assert docs[2].results["tone"]["intensity"] > docs[0].results["tone"]["intensity"]
    assert ("occupation", "war_frame") in spans(docs[2], "rhetoric")
