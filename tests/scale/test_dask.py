"""Batch on a Dask cluster: a LocalCluster of several worker processes gives the same rows."""

from __future__ import annotations

import json

import pytest

from rhetorica.batch import BatchConfig, run_batch
from rhetorica.batch.runner import BatchError

pytest.importorskip("distributed")


def rows(path):
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.mark.slow
def test_local_cluster_matches_inline_and_stores(tmp_path, corpus, settings):
    from rhetorica.store import open_store

    run_batch(BatchConfig(str(corpus), str(tmp_path / "ref.jsonl"), settings, chunk_size=10))
    db = str(tmp_path / "dask.db")
    summary = run_batch(BatchConfig(str(corpus), str(tmp_path / "dask.jsonl"), settings,
                                    chunk_size=10, dask="local:3", store_url=db))
    assert (summary.executor, summary.workers, summary.documents) == ("dask", 3, 60)
    assert rows(tmp_path / "dask.jsonl") == rows(tmp_path / "ref.jsonl")
    with open_store(db) as st:  # the workers indexed the corpus into the store
        assert st.stats()["documents"] == 60 and summary.stored == 60


def test_unreachable_scheduler_is_a_clear_error(tmp_path, corpus, settings):
    with pytest.raises(BatchError, match="cannot reach the Dask scheduler"):
        run_batch(BatchConfig(str(corpus), str(tmp_path / "o.jsonl"), settings,
                              dask="tcp://127.0.0.1:1", dask_timeout=2))
