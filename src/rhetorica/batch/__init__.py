"""Corpus-scale batch analysis: stream posts in, analyse in parallel, write one row per post.

``rhetorica batch IN.jsonl|DIR --out OUT.parquet|OUT.jsonl`` reads input lazily, sends
fixed-size chunks to workers (local processes or a Dask cluster) that each load the
pipeline once, writes each finished chunk and then an atomic checkpoint, so memory stays
bounded by (chunks in flight x chunk size) however large the input, and ``--resume``
continues after a crash without duplicating or losing a row.
"""

from rhetorica.batch.runner import BatchConfig, BatchSummary, run_batch

__all__ = ["BatchConfig", "BatchSummary", "run_batch"]
