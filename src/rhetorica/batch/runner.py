"""The batch driver: read, fan out chunks, collect, write, checkpoint.

Memory is bounded by design: the driver never holds more than ``prefetch`` chunks that are
submitted but not yet written, whatever the input size (``concurrent.futures`` and Dask
would otherwise happily queue the whole input). After every written chunk the output is
fsynced and a checkpoint sidecar is replaced atomically; it records which chunks are done,
the byte length of the outputs and where in the input to continue, so ``resume=True``
picks up exactly after the last durable chunk.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rhetorica.batch.output import ErrorLog, JsonlOutput, ParquetOutput
from rhetorica.batch.reader import Position, Record, fingerprint, iter_records, list_inputs
from rhetorica.batch.worker import ChunkResult, ChunkTask, analyse_chunk
from rhetorica.config import Settings
from rhetorica.ingest.errors import InputError

CHECKPOINT_FORMAT = 1


class BatchError(RuntimeError):
    """The run cannot start or continue (bad output path, stale checkpoint, ...)."""


@dataclass
class BatchConfig:
    input: str
    output: str
    settings: Settings = field(default_factory=Settings)
    workers: int = 1
    chunk_size: int = 256
    prefetch: int = 0  # chunks in flight; 0 = 2 x workers
    ordered: bool = True
    resume: bool = False
    overwrite: bool = False
    store_url: str | None = None
    full: bool = False
    dask: str | None = None  # "tcp://host:port" or "local:N"
    dask_timeout: float = 15.0  # seconds to wait for a remote scheduler
    fail_on_error: bool = False
    version: str = ""

    @property
    def out_format(self) -> str:
        suffix = Path(self.output).suffix.lower()
        if suffix in (".parquet", ".pq"):
            return "parquet"
        if suffix in (".jsonl", ".ndjson"):
            return "jsonl"
        raise BatchError(f"{self.output}: output must end in .parquet or .jsonl")


@dataclass
class BatchSummary:
    output: str
    documents: int = 0
    errors: int = 0
    stored: int = 0
    chunks: int = 0
    seconds: float = 0.0
    worker_seconds: float = 0.0
    workers: int = 1
    executor: str = "inline"
    resumed_from_seq: int = 0
    peak_rss_mib: float = 0.0
    errors_file: str | None = None

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "docs_per_s": round(self.docs_per_s, 1)}


def checkpoint_path(output: str | Path) -> Path:
    p = Path(output)
    return p.with_name(p.name + ".checkpoint.json")


def errors_path(output: str | Path) -> Path:
    p = Path(output)
    return p.with_name(p.name + ".errors.jsonl")


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def _peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- executors -------------------------------------------------------------------------------
class _Inline:
    """Runs chunks in this process: no start-up cost, the baseline for one core."""

    name = "inline"

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args))
        except BaseException as exc:  # delivered through the future
            fut.set_exception(exc)
        return fut

    def shutdown(self) -> None:
        from rhetorica.batch import worker

        for st in getattr(worker._local, "stores", {}).values():
            st.close()
        worker._local.stores = {}


DASK_EXTRA = "pip install 'rhetorica[dask]'"


def require_dask() -> None:
    """``--dask`` needs the optional ``dask`` extra: say which, before any work starts."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise BatchError(f"--dask needs Dask, which is not installed: {DASK_EXTRA}") from None


def _make_executor(cfg: BatchConfig) -> tuple[Any, int, Callable[[], None]]:
    """(executor, parallelism, shutdown) for the configured backend."""
    if cfg.dask:
        require_dask()
        from distributed import Client, LocalCluster

        if cfg.dask.startswith("local"):
            n = int(cfg.dask.partition(":")[2] or cfg.workers or 2)
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster)
        else:
            cluster = None
            try:
                client = Client(cfg.dask, timeout=f"{cfg.dask_timeout}s")
            except OSError as exc:
                raise BatchError(f"cannot reach the Dask scheduler at {cfg.dask}: {exc}"
                                 ) from None
        n = max(1, sum(w.get("nthreads", 1) for w in
                       client.scheduler_info()["workers"].values()))
        executor = client.get_executor()
        executor.name = "dask"

        def close() -> None:
            client.close()
            if cluster is not None:
                cluster.close()

        return executor, n, close
    if cfg.workers <= 1:
        ex = _Inline()
        return ex, 1, ex.shutdown
    import multiprocessing

    # spawn, not fork: the driver may run a progress-bar thread, and forking a threaded
    # process can copy a held lock into the child.
    pool = cf.ProcessPoolExecutor(max_workers=cfg.workers,
                                  mp_context=multiprocessing.get_context("spawn"))
    pool.name = "processes"  # type: ignore[attr-defined]
    return pool, cfg.workers, lambda: pool.shutdown(wait=True, cancel_futures=True)


# -- checkpoint state ------------------------------------------------------------------------
@dataclass
class _State:
    done_below: int = 0  # every chunk id below this is written
    done_above: set[int] = field(default_factory=set)
    position: Position = field(default_factory=Position)
    rows: int = 0
    errors: int = 0
    stored: int = 0
    out_bytes: int = 0
    errors_bytes: int = 0

    def mark(self, chunk_id: int, starts: dict[int, Position], ends: dict[int, Position]
             ) -> None:
        self.done_above.add(chunk_id)
        while self.done_below in self.done_above:
            self.done_above.discard(self.done_below)
            self.done_below += 1
        if self.done_below in starts:
            self.position = starts[self.done_below]
        elif self.done_below - 1 in ends:  # the next chunk is not read yet: start after this
            self.position = ends[self.done_below - 1]


def _identity(cfg: BatchConfig, files: list[Path]) -> dict[str, Any]:
    return {"format": CHECKPOINT_FORMAT, "input": fingerprint(files),
            "chunk_size": cfg.chunk_size, "pipeline": list(cfg.settings.pipeline),
            "output_format": cfg.out_format, "full": cfg.full, "ordered": cfg.ordered}


def _load_state(cfg: BatchConfig, files: list[Path]) -> _State | None:
    ck = checkpoint_path(cfg.output)
    out = Path(cfg.output)
    if not cfg.resume:
        if ck.exists() and not cfg.overwrite:
            raise BatchError(f"{cfg.output}: an unfinished run left a checkpoint; pass --resume "
                             "to continue it or --overwrite to start again")
        if out.exists() and not cfg.overwrite:
            raise BatchError(f"{cfg.output}: already exists; pass --overwrite to replace it")
        ck.unlink(missing_ok=True)
        return None
    if not ck.exists():
        raise BatchError(f"{cfg.output}: nothing to resume (no {ck.name}); the run finished "
                         "or never started")
    try:
        data = json.loads(ck.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BatchError(f"{ck}: unreadable checkpoint ({exc}); use --overwrite") from None
    want = _identity(cfg, files)
    for key, value in want.items():
        if data.get(key) != value:
            raise BatchError(f"{ck}: cannot resume, {key} changed since the run started "
                             f"(was {data.get(key)!r}, now {value!r}); use --overwrite")
    pos = data["position"]
    return _State(done_below=data["done_below"], done_above=set(data["done_above"]),
                  position=Position(pos["file_index"], pos["offset"], pos["seq"]),
                  rows=data["rows"], errors=data["errors"], stored=data.get("stored", 0),
                  out_bytes=data["out_bytes"], errors_bytes=data["errors_bytes"])


def _save_state(cfg: BatchConfig, files_id: dict[str, Any], st: _State) -> None:
    _write_atomic(checkpoint_path(cfg.output), {
        **files_id,
        "done_below": st.done_below, "done_above": sorted(st.done_above),
        "position": asdict(st.position), "rows": st.rows, "errors": st.errors,
        "stored": st.stored, "out_bytes": st.out_bytes, "errors_bytes": st.errors_bytes,
        "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    })


def _chunks(records: Iterator[Record], size: int
            ) -> Iterator[tuple[int, Position, Position, list[Record]]]:
    """(chunk id, start, end, records); aligned on seq multiples of ``size`` so ids survive a
    resume."""

    def bounds(batch: list[Record]) -> tuple[int, Position, Position, list[Record]]:
        first, last = batch[0], batch[-1]
        return (first.seq // size, Position(first.file_index, first.offset, first.seq),
                Position(last.end[0], last.end[1], last.seq + 1), batch)

    batch: list[Record] = []
    for rec in records:
        if batch and rec.seq // size != batch[0].seq // size:
            yield bounds(batch)
            batch = []
        batch.append(rec)
    if batch:
        yield bounds(batch)


# -- the run -----------------------------------------------------------------------------------
def run_batch(cfg: BatchConfig,
              on_progress: Callable[[BatchSummary, int], None] | None = None) -> BatchSummary:
    """Run (or resume) a batch; ``on_progress(summary, input_bytes_read)`` after each chunk.

    Raises InputError for unusable input, BatchError for unusable output/checkpoint, and
    StoreError when saving fails (the checkpoint then still marks the last good chunk).
    """
    if cfg.chunk_size < 1:
        raise BatchError("chunk size must be at least 1")
    if cfg.dask:
        require_dask()  # before the output or a checkpoint is created
    fmt = cfg.out_format
    files = list_inputs(cfg.input)
    out_path = Path(cfg.output)
    if out_path.is_dir():
        raise BatchError(f"{cfg.output}: is a folder; give a .parquet or .jsonl file name")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    state = _load_state(cfg, files)
    resuming = state is not None
    state = state or _State()
    ident = _identity(cfg, files)

    if fmt == "jsonl":
        output: JsonlOutput | ParquetOutput = JsonlOutput(
            out_path, state.out_bytes if resuming else None)
    else:
        below, above = state.done_below, set(state.done_above)
        output = ParquetOutput(out_path, cfg.full,
                               (lambda i: i < below or i in above) if resuming else None)
    errlog = ErrorLog(errors_path(cfg.output), state.errors_bytes if resuming else None)
    _save_state(cfg, ident, state)

    summary = BatchSummary(output=str(out_path), documents=state.rows, errors=state.errors,
                           stored=state.stored, resumed_from_seq=state.position.seq)
    executor, parallel, shutdown = _make_executor(cfg)
    summary.workers, summary.executor = parallel, getattr(executor, "name", "executor")
    window = cfg.prefetch or 2 * parallel
    write_in_order = cfg.ordered and fmt == "jsonl"
    starts: dict[int, Position] = {}
    ends: dict[int, Position] = {}
    pending: deque[tuple[int, cf.Future]] = deque()
    bytes_read = 0
    sizes = [f.stat().st_size for f in files]
    t0 = time.perf_counter()

    def write(result: ChunkResult) -> None:
        if cfg.fail_on_error and result.errors:
            e = result.errors[0]
            raise InputError(e["origin"], e["error"].split(": ", 1)[-1], e.get("line"))
        output.write_chunk(result.chunk_id, result.rows)
        errlog.write(result.errors)
        state.rows += len(result.rows)
        state.errors += len(result.errors)
        state.stored += result.stored
        state.out_bytes = output.sync()
        state.errors_bytes = errlog.sync()
        state.mark(result.chunk_id, starts, ends)
        starts.pop(result.chunk_id, None)
        for k in [k for k in ends if k < state.done_below - 1]:
            del ends[k]
        _save_state(cfg, ident, state)
        summary.documents, summary.errors, summary.stored = state.rows, state.errors, state.stored
        summary.chunks += 1
        summary.worker_seconds += result.seconds
        summary.seconds = time.perf_counter() - t0
        if on_progress:
            on_progress(summary, bytes_read)

    def drain(limit: int) -> None:
        """Write finished chunks; block while more than ``limit`` are outstanding."""
        while pending:
            if write_in_order:
                if len(pending) > limit or pending[0][1].done():
                    write(_result(pending.popleft()[1]))
                    continue
                return
            done = [p for p in pending if p[1].done()]
            if not done:
                if len(pending) <= limit:
                    return
                cf.wait([f for _, f in pending], return_when=cf.FIRST_COMPLETED)
                continue
            for item in done:
                pending.remove(item)
                write(_result(item[1]))

    completed = False
    try:
        records = iter_records(files, state.position, cfg.settings.max_input_bytes)
        for chunk_id, start, end, recs in _chunks(records, cfg.chunk_size):
            bytes_read = _bytes_before(sizes, files, start)
            if chunk_id < state.done_below or chunk_id in state.done_above:
                continue  # written before the interruption
            starts[chunk_id], ends[chunk_id] = start, end
            if chunk_id == state.done_below:
                state.position = start
            task = ChunkTask(chunk_id, recs, cfg.settings, cfg.store_url, cfg.full, cfg.version)
            pending.append((chunk_id, executor.submit(analyse_chunk, task)))
            drain(window - 1)
        bytes_read = sum(sizes)
        drain(0)
        output.finish()
        completed = True
    except BrokenProcessPool:
        raise BatchError("a worker process died (out of memory, or killed); finished chunks "
                         "are kept, continue with --resume") from None
    finally:
        errlog.close()
        if not completed:
            output.abort()
        shutdown()
    checkpoint_path(cfg.output).unlink(missing_ok=True)
    summary.seconds = time.perf_counter() - t0
    summary.peak_rss_mib = _peak_rss_mib()
    if state.errors:
        summary.errors_file = str(errors_path(cfg.output))
    return summary


def _result(fut: cf.Future) -> ChunkResult:
    """A chunk's result; a worker-side failure becomes one clear BatchError line."""
    from rhetorica.store.base import StoreError

    try:
        return fut.result()
    except (StoreError, BatchError, KeyboardInterrupt, BrokenProcessPool):
        raise
    except Exception as exc:
        raise BatchError(f"a worker failed: {type(exc).__name__}: {exc}; finished chunks are "
                         "kept, continue with --resume once fixed") from None


def _bytes_before(sizes: list[int], files: list[Path], pos: Position) -> int:
    """Input bytes before ``pos``, for a byte-based progress bar (exact for JSONL)."""
    done = sum(sizes[:pos.file_index])
    if pos.file_index < len(files) and files[pos.file_index].suffix.lower() in (".jsonl",
                                                                                ".ndjson"):
        done += pos.offset
    return done
