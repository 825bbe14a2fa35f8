"""Reading many files in worker processes: file order kept, errors name their file, and a
bad file in a large folder still adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rhetorica.cli.main import app
from rhetorica.ingest.corpus import PARALLEL_MIN_FILES, read_files
from rhetorica.ingest.errors import InputError


def folder(tmp_path: Path, n: int, bad: int | None = None) -> list[Path]:
    files = []
    for i in range(n):
        f = tmp_path / f"f{i:03d}.jsonl"
        f.write_text("{broken\n" if i == bad else json.dumps(
            {"text": f"Ferry crossings on route {i} rose by {i} percent last month.",
             "source": "Harbour Desk"}) + "\n", encoding="utf-8")
        files.append(f)
    return files


def test_workers_keep_file_order(tmp_path):
    files = folder(tmp_path, PARALLEL_MIN_FILES + 6)
    docs = [d for batch in read_files(files, 2) for d in batch]
    assert [d.origin for d in docs] == [f"{f}:1" for f in files]


def test_an_error_in_a_worker_names_its_file_and_line(tmp_path):
    files = folder(tmp_path, PARALLEL_MIN_FILES + 6, bad=40)
    with pytest.raises(InputError) as exc:
        for _ in read_files(files, 2):
            pass
    assert exc.value.origin == str(files[40]) and exc.value.line == 1
    assert "invalid JSON" in str(exc.value)


def test_corpus_add_of_a_large_folder_with_one_bad_file_adds_nothing(tmp_path):
    folder(tmp_path, PARALLEL_MIN_FILES + 6, bad=PARALLEL_MIN_FILES)
    db = str(tmp_path / "c.db")
    res = CliRunner().invoke(app, ["corpus", "add", str(tmp_path), "--db", db])
    assert res.exit_code == 3 and "nothing was added" in res.stderr
    assert f"f{PARALLEL_MIN_FILES:03d}.jsonl:1" in res.stderr
    stats = json.loads(CliRunner().invoke(app, ["corpus", "stats", "--db", db,
                                                 "--json"]).stdout)
    assert stats["documents"] == 0
    (tmp_path / f"f{PARALLEL_MIN_FILES:03d}.jsonl").unlink()
    ok = CliRunner().invoke(app, ["corpus", "add", str(tmp_path), "--db", db, "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["documents_added"] == \
        PARALLEL_MIN_FILES + 5


def test_workers_send_documents_with_passages_and_fingerprint_computed(tmp_path):
    """The storing process only writes: passages and the wire-copy fingerprint come back
    from the worker that read the file, equal to what the text gives on the spot."""
    from rhetorica.ingest.near_duplicates import fingerprint
    from rhetorica.ingest.passages import split_passages

    files = folder(tmp_path, PARALLEL_MIN_FILES + 6)
    for f in files[:3]:  # long enough to fingerprint
        f.write_text(json.dumps({"text": " ".join(
            f"Sentence {k} says the ferry on route {f.stem} ran {k} times late." for k in
            range(12))}) + "\n", encoding="utf-8")
    docs = [d for batch in read_files(files, 2) for d in batch]
    assert all({"passages", "fingerprint"} <= set(vars(d)) for d in docs)
    assert docs[0].fingerprint is not None and docs[-1].fingerprint is None
    for d in docs[:3] + docs[-2:]:
        assert d.passages == split_passages(d.text)
        fp = fingerprint(d.text)
        assert (d.fingerprint is None) == (fp is None)
        if fp is not None:
            assert (d.fingerprint.signature == fp.signature).all()


def test_worker_vectors_are_the_embedders_and_only_a_batch_is_held(tmp_path):
    """Workers embed the passages; the store's embed step gets exactly the vectors the
    model gives, computes what no worker did, and keeps nothing once a batch is taken."""
    import numpy as np

    from rhetorica.evidence.embed import get_embedder
    from rhetorica.ingest.corpus import WorkerVectors

    model = get_embedder("wordllama")
    files = folder(tmp_path, PARALLEL_MIN_FILES + 6)
    docs = [d for batch in read_files(files, 2, embedder="wordllama") for d in batch]
    assert all(d.vectors and d.vectors[0] == model.name for d in docs)
    hand = WorkerVectors(model)
    taken = [hand.take(d) for d in docs[:10]]
    assert all(d.vectors is None for d in taken)
    texts = [p.text for d in taken[:5] for p in d.passages] + ["A passage no worker saw."]
    np.testing.assert_allclose(hand.encode(texts), model.encode(texts), atol=1e-6)
    assert hand._ready == {}  # the rest (passages the store skipped) is dropped
    assert hand.encode([]).shape[0] == 0
