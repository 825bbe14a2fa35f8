from __future__ import annotations

import pytest

from rhetorica import registry
from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.pipeline import Pipeline


def test_unknown_component_is_a_clear_error():
    with pytest.raises(KeyError, match="no pipeline component named 'nope'"):
        Pipeline(["nope"])


def test_registered_component_runs_in_order():
    calls = []

    def factory(settings):
        def comp(doc):
            calls.append(doc.text)
            doc.results["custom"] = len(doc.text)
            return doc
        return comp

    registry.components.register("test_custom", factory)
    docs = list(Pipeline(["test_custom"], Settings()).pipe([Document("ab"), Document("abc")],
                                                           batch_size=1))
    assert calls == ["ab", "abc"]
    assert [d.results["custom"] for d in docs] == [2, 3]
    assert docs[0].parsed is None


def test_pipeline_is_deterministic(pipeline):
    text = "The Governor said 300 troops arrived. It is a disgrace!"
    a = pipeline(Document(text)).to_dict()
    b = pipeline(Document(text)).to_dict()
    assert a == b


def test_rerun_does_not_duplicate_spans(pipeline):
    doc = pipeline(Document("Crime rose 40% in Portland. It is a war zone."))
    n = len(doc.spans)
    again = pipeline(doc)
    assert len(again.spans) == n


def test_forked_workers_give_the_same_results_in_order(pipeline):
    texts = [f"Statement {i}: crime rose {i}% and it is a war zone." for i in range(12)]
    one = [d.to_dict() for d in pipeline.pipe([Document(t) for t in texts], batch_size=2)]
    two = [d.to_dict() for d in pipeline.pipe([Document(t) for t in texts], batch_size=2,
                                              n_process=2)]
    assert two == one


def test_a_pipeline_warms_its_components_models_before_building_them():
    import threading

    seen = []

    def warm(settings):
        seen.append(threading.current_thread().name)

    def factory(settings):
        return lambda doc: doc

    registry.components.register("test_warmed", factory)
    registry.warmers.register("test_warmed", warm)
    Pipeline(["test_warmed"], Settings())
    for t in threading.enumerate():
        if t.name == "rhetorica-preload":
            t.join(5)
    assert seen == ["rhetorica-preload"]
