"""actors + context inside a pipeline: JSON-able results, store round trip, reports."""

from __future__ import annotations

import json

from rhetorica import registry
from rhetorica.config import DEFAULT_PIPELINE
from rhetorica.document import Document, DocumentMeta
from rhetorica.pipeline import Pipeline
from rhetorica.store import open_store
from tests.conftest import assert_offsets

NAMES = ["parse", "segment", "entities", "actors", "tone", "context"]


def test_registered_and_in_default_pipeline():
    assert "actors" in registry.components and "context" in registry.components
    assert DEFAULT_PIPELINE.index("actors") == DEFAULT_PIPELINE.index("entities") + 1
    assert DEFAULT_PIPELINE.index("context") > DEFAULT_PIPELINE.index("actors")
    assert "actors" in registry.sections and "context" in registry.sections


def test_pipeline_store_and_reports(tmp_path):
    text = ("Secretary Noem said ICE would not back down in Los Angeles. Governor Newsom "
            "condemned the federalisation of the California National Guard and sued. "
            "He called it a power grab.")
    doc = Pipeline(NAMES)(Document(text, DocumentMeta(date="2025-06-10", speaker="Reporter")))
    assert_offsets(doc)
    json.dumps(doc.to_dict())
    rows = {a["id"]: a for a in doc.results["actors"]["actors"]}
    assert rows["gavin_newsom"]["role"] == "objects" and rows["gavin_newsom"]["mentions"] == 2
    assert rows["kristi_noem"]["office"] == "Secretary of Homeland Security"
    assert doc.results["context"]["precedents"][0]["id"] == "los_angeles_2025"
    with open_store(str(tmp_path / "s.db")) as st:
        saved = st.save(doc)
        back = st.get(saved.document_id)
    assert [s.to_dict() for s in back.layer("actor")] == [s.to_dict() for s in doc.layer("actor")]
    html = registry.formats.get("html")([doc])
    md = registry.formats.get("markdown")([doc])
    assert "Actors and their roles" in html and "Historical precedents" in html
    assert "Gavin Newsom" in md and "Los Angeles, June 2025" in md
