"""Batch analysis: rows, formats, folders, bad records, workers, checkpoints and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rhetorica.batch import BatchConfig, run_batch
from rhetorica.batch.reader import Position, iter_records, list_inputs
from rhetorica.batch.runner import BatchError, checkpoint_path, errors_path
from rhetorica.document import Document, DocumentMeta
from rhetorica.pipeline import Pipeline
from tests.scale.conftest import CORE, make_posts, write_jsonl


def read_rows(path: Path) -> list[dict]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_rows_match_the_single_statement_pipeline(tmp_path, corpus, settings):
    summary = run_batch(BatchConfig(str(corpus), str(tmp_path / "out.jsonl"), settings,
                                    chunk_size=16))
    rows = read_rows(tmp_path / "out.jsonl")
    posts = make_posts(60)
    assert summary.documents == 60 and summary.errors == 0 and summary.chunks == 4
    assert [r["seq"] for r in rows] == list(range(60))
    pipe = Pipeline(CORE, settings)
    war = next(i for i, p in enumerate(posts) if "war zone" in p["text"])
    crime = next(i for i, p in enumerate(posts) if "40%" in p["text"])
    for i in (0, war, crime, 59):
        p = posts[i]
        doc = pipe(Document(p["text"], DocumentMeta(speaker=p["author"], date=p["created_at"])))
        row = rows[i]
        assert (row["key"], row["post_id"], row["speaker"], row["date"]) == (
            doc.key, p["id"], p["author"], p["created_at"])
        assert row["origin"] == f"{corpus}:{i + 1}"
        assert row["intensity"] == doc.results["tone"]["intensity"]
        assert row["sentences"] == len(doc.layer("sentence")) == 2
        claims = doc.layer("claim")
        assert row["claims"] == len(claims)
        assert row["check_worthy_claims"] == sum(s.label == "check_worthy" for s in claims)
        assert row["max_checkworthiness"] == max(
            r["score"] for r in doc.results["claims"]["ranking"])
        rhetoric = doc.layer("rhetoric")
        assert row["rhetoric_spans"] == len(rhetoric)
        assert set(row["top_techniques"]) == {s.label for s in rhetoric} or (
            len(row["top_techniques"]) == 3)
        places = [" ".join(doc.text[s.start:s.end].split()) for s in doc.layer("entity")
                  if s.label == "place"]
        assert row["places"] == list(dict.fromkeys(places))
    assert not checkpoint_path(tmp_path / "out.jsonl").exists()  # removed when complete


def test_parquet_has_one_row_group_per_chunk_in_input_order(tmp_path, corpus, settings):
    import pyarrow.parquet as pq

    out = tmp_path / "out.parquet"
    run_batch(BatchConfig(str(corpus), str(out), settings, chunk_size=25, full=True))
    meta = pq.ParquetFile(out).metadata
    assert (meta.num_rows, meta.num_row_groups) == (60, 3)
    rows = read_rows(out)
    assert [r["seq"] for r in rows] == list(range(60))
    doc = Document.from_dict(json.loads(rows[3]["document_json"]))
    assert doc.key == rows[3]["key"]
    for s in doc.spans:  # offsets survive the trip through the output
        assert 0 <= s.start < s.end <= len(doc.text)
    assert not (tmp_path / "out.parquet.parts").exists()


def test_folder_input_with_bad_records(tmp_path, settings):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("The governor called it a war zone. Crime rose 40%.")
    (folder / "b.json").write_text(json.dumps({"posts": make_posts(3)}))
    write_jsonl(folder / "sub" / "c.jsonl", make_posts(4, seed=1),
                extra_lines=("{broken", '{"no_text": 1}', "   "))
    (folder / "d.txt").write_bytes(b"PK\x03\x04\x00\x00\x00binary zip")
    (folder / "ignored.csv").write_text("x,y")
    summary = run_batch(BatchConfig(str(folder), str(tmp_path / "out.jsonl"), settings))
    rows = read_rows(tmp_path / "out.jsonl")
    assert summary.documents == 8 and summary.errors == 3
    assert [Path(r["origin"].split(":")[0]).name for r in rows] == [
        "a.txt", "b.json", "b.json", "b.json", "c.jsonl", "c.jsonl", "c.jsonl", "c.jsonl"]
    errors = [json.loads(x) for x in errors_path(tmp_path / "out.jsonl").read_text().splitlines()]
    # Files in path order (in/d.txt sorts before in/sub/), lines in file order.
    assert [(Path(e["origin"]).name, e["line"]) for e in errors] == [
        ("d.txt", None), ("c.jsonl", 5), ("c.jsonl", 6)]
    assert "binary" in errors[0]["error"]
    assert "malformed JSON" in errors[1]["error"] and "no text field" in errors[2]["error"]


def test_fail_on_error_stops_at_the_bad_record(tmp_path, settings):
    from rhetorica.ingest.errors import InputError

    src = write_jsonl(tmp_path / "in.jsonl", make_posts(5), extra_lines=("[1, 2",))
    with pytest.raises(InputError, match=r"in.jsonl:6"):
        run_batch(BatchConfig(str(src), str(tmp_path / "o.jsonl"), settings,
                              fail_on_error=True))


def test_unusable_inputs_and_outputs_are_clear_errors(tmp_path, corpus, settings):
    from rhetorica.ingest.errors import InputError

    with pytest.raises(InputError, match="no such file"):
        run_batch(BatchConfig(str(tmp_path / "missing.jsonl"), str(tmp_path / "o.jsonl")))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no \.jsonl"):
        run_batch(BatchConfig(str(tmp_path / "empty"), str(tmp_path / "o.jsonl")))
    with pytest.raises(BatchError, match=r"\.parquet or \.jsonl"):
        run_batch(BatchConfig(str(corpus), str(tmp_path / "o.csv")))
    out = tmp_path / "o.jsonl"
    out.write_text("keep me")
    with pytest.raises(BatchError, match="--overwrite"):
        run_batch(BatchConfig(str(corpus), str(out), settings))
    assert out.read_text() == "keep me"
    with pytest.raises(BatchError, match="nothing to resume"):
        run_batch(BatchConfig(str(corpus), str(out), settings, resume=True))


class Crash(Exception):
    pass


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_resume_after_a_crash_has_no_duplicates_or_gaps(tmp_path, corpus, settings, suffix):
    ref = tmp_path / f"ref{suffix}"
    run_batch(BatchConfig(str(corpus), str(ref), settings, chunk_size=8))
    out = tmp_path / f"out{suffix}"

    def crash_after_three(summary, _bytes):
        if summary.chunks == 3:
            raise Crash

    with pytest.raises(Crash):
        run_batch(BatchConfig(str(corpus), str(out), settings, chunk_size=8), crash_after_three)
    ck = json.loads(checkpoint_path(out).read_text())
    assert ck["done_below"] == 3 and ck["rows"] == 24
    # A fresh run must not silently clobber the unfinished one.
    with pytest.raises(BatchError, match="--resume"):
        run_batch(BatchConfig(str(corpus), str(out), settings, chunk_size=8))
    # Changing the chunking would misalign chunk ids: refused.
    with pytest.raises(BatchError, match="chunk_size changed"):
        run_batch(BatchConfig(str(corpus), str(out), settings, chunk_size=4, resume=True))
    summary = run_batch(BatchConfig(str(corpus), str(out), settings, chunk_size=8, resume=True))
    assert summary.resumed_from_seq == 24 and summary.documents == 60
    assert summary.chunks == 5  # only the 5 chunks that were missing were analysed
    assert read_rows(out) == read_rows(ref)


def test_resume_refuses_changed_input(tmp_path, corpus, settings):
    out = tmp_path / "out.jsonl"

    def crash(summary, _bytes):
        raise Crash

    with pytest.raises(Crash):
        run_batch(BatchConfig(str(corpus), str(out), settings, chunk_size=8), crash)
    with corpus.open("a") as fh:
        fh.write(json.dumps({"text": "One more post."}) + "\n")
    with pytest.raises(BatchError, match="input changed"):
        run_batch(BatchConfig(str(corpus), str(out), settings, chunk_size=8, resume=True))


def test_killed_process_resumes_without_duplicates(tmp_path, settings):
    """SIGKILL a real batch process mid-run, then resume: the output equals a clean run."""
    src = write_jsonl(tmp_path / "in.jsonl", make_posts(150))
    out = tmp_path / "out.jsonl"
    script = textwrap.dedent(f"""
        from rhetorica.batch import BatchConfig, run_batch
        from rhetorica.config import Settings
        run_batch(BatchConfig({str(src)!r}, {str(out)!r}, Settings(pipeline={CORE!r}),
                              chunk_size=5))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], env={**os.environ})
    ck = checkpoint_path(out)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if ck.exists():
                try:
                    if json.loads(ck.read_text())["done_below"] >= 2:
                        break
                except (ValueError, KeyError):
                    pass  # never happens with atomic replace, but do not flake if it did
            assert proc.poll() is None, "batch process ended before it could be killed"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done = json.loads(ck.read_text())
    assert 10 <= done["rows"] < 150
    summary = run_batch(BatchConfig(str(src), str(out), settings, chunk_size=5, resume=True))
    rows = read_rows(out)
    assert [r["seq"] for r in rows] == list(range(150))
    assert len({r["key"] for r in rows}) == 150 and summary.documents == 150
    ref = tmp_path / "ref.jsonl"
    run_batch(BatchConfig(str(src), str(ref), settings, chunk_size=5))
    assert rows == read_rows(ref)


def test_worker_processes_give_the_same_rows(tmp_path, corpus, settings):
    run_batch(BatchConfig(str(corpus), str(tmp_path / "one.jsonl"), settings, chunk_size=10))
    s2 = run_batch(BatchConfig(str(corpus), str(tmp_path / "two.jsonl"), settings,
                               chunk_size=10, workers=2))
    assert (s2.workers, s2.executor) == (2, "processes")
    assert read_rows(tmp_path / "two.jsonl") == read_rows(tmp_path / "one.jsonl")
    s3 = run_batch(BatchConfig(str(corpus), str(tmp_path / "any.jsonl"), settings,
                               chunk_size=10, workers=2, ordered=False))
    assert s3.documents == 60
    rows = read_rows(tmp_path / "any.jsonl")
    assert sorted(rows, key=lambda r: r["seq"]) == read_rows(tmp_path / "one.jsonl")


def test_reader_is_lazy_and_seeks(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", make_posts(10))
    files = list_inputs(src)
    recs = list(iter_records(files))
    assert [r.seq for r in recs] == list(range(10))
    # Starting from a recorded position yields exactly the remaining records.
    later = list(iter_records(files, Position(0, recs[6].offset, 6)))
    assert [(r.seq, r.line, r.payload) for r in later] == [
        (r.seq, r.line, r.payload) for r in recs[6:]]
    it = iter_records(files)
    assert next(it).seq == 0  # a generator: nothing beyond the first record was parsed


def test_store_option_saves_idempotently(tmp_path, corpus, settings):
    from rhetorica.store import open_store

    db = str(tmp_path / "b.db")
    s1 = run_batch(BatchConfig(str(corpus), str(tmp_path / "a.jsonl"), settings, store_url=db))
    s2 = run_batch(BatchConfig(str(corpus), str(tmp_path / "b.jsonl"), settings, store_url=db,
                               workers=2, chunk_size=20))
    assert (s1.stored, s2.stored) == (60, 0)
    with open_store(db) as st:
        assert st.stats()["documents"] == 60
        assert dict(st.speakers())["user0"] == 15


def test_store_option_into_postgresql(tmp_path, corpus, settings, pg_url):
    from rhetorica.store import open_store

    s = run_batch(BatchConfig(str(corpus), str(tmp_path / "a.jsonl"), settings,
                              store_url=pg_url, workers=2, chunk_size=15))
    assert s.stored == 60
    with open_store(pg_url) as st:
        assert st.stats()["documents"] == 60
        assert st.search("bridge Portland")


def test_cli_batch(tmp_path, corpus):
    import typer
    from typer.testing import CliRunner

    from rhetorica.cli.batch import register

    app = typer.Typer()
    app.callback()(lambda: None)
    register(app)
    runner = CliRunner()
    out = tmp_path / "o.parquet"
    args = ["batch", str(corpus), "--out", str(out), "--pipeline", ",".join(CORE), "--json",
            "--chunk-size", "20"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["documents"] == 60
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "--overwrite" in res.output
    res = runner.invoke(app, ["batch", str(tmp_path / "nope.jsonl"), "--out", str(out)])
    assert res.exit_code == 3 and "no such file" in res.output
    bad = write_jsonl(tmp_path / "bad.jsonl", make_posts(3), extra_lines=("{oops",))
    res = runner.invoke(app, ["batch", str(bad), "--out", str(tmp_path / "b.jsonl"),
                              "--pipeline", ",".join(CORE)])
    assert res.exit_code == 1 and "skipped 1 bad record" in res.output
    res = runner.invoke(app, ["batch", str(bad), "--out", str(tmp_path / "c.jsonl"),
                              "--pipeline", ",".join(CORE), "--on-error", "fail"])
    assert res.exit_code == 3 and "bad.jsonl:4" in res.output
    res = runner.invoke(app, ["batch", str(bad), "--out", str(tmp_path / "d.jsonl"),
                              "--workers", "zero"])
    assert res.exit_code == 2
