"""The app's long-lived services: one pipeline worker and one store handle.

Why a worker thread instead of calling the pipeline from each request thread: spaCy
components are not documented as thread-safe, and on a small machine the GIL serialises the
work anyway. A single worker that drains whatever requests are waiting and analyses them as
one ``pipe()`` batch is both safe and faster under load (batching roughly halves the cost per
short statement), while a lone request still goes straight through.

A worker process can die under the server (kill -9, the OOM killer): the process pool is then
replaced (the work it held is retried once on the new one), and :meth:`AnalysisService.health`
(``/api/v1/health``) reports the death and the restart instead of "ok". The queue in front of
the worker is bounded in analyses and in characters; past either, :class:`ServiceBusy` (503).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.pipeline import Pipeline
from rhetorica.store import Store, open_store

_STOP = object()


class ServiceBusy(RuntimeError):
    """More analyses are waiting than the server will queue; the client should retry later."""


class WorkerDied(ServiceBusy):
    """The worker process died twice while analysing these statements (out of memory?)."""


WORKER_DIED = "the analysis worker process died (killed, or out of memory)"
HEALTH_RESTART_INTERVAL_S = 5.0  # /health replaces a dead pool at most this often


class AnalysisService:
    """Runs every analysis on a worker, batching concurrent requests.

    ``processes=0``: one worker thread in this process (tests, small machines). ``processes=N``:
    N worker processes, each with its own pipeline, fed by one dispatcher thread each.
    """

    def __init__(self, settings: Settings, pipeline: Pipeline | None = None,
                 max_batch: int = 32, cache_size: int = 4, processes: int = 0,
                 max_queue: int = 2000, max_queue_chars: int = 50_000_000) -> None:
        self.settings = settings
        self.max_batch = max_batch
        self.max_queue = max_queue
        self.max_queue_chars = max_queue_chars
        self.processes = processes if pipeline is None else 0
        self._pool: Any = None
        self._pool_lock = threading.Lock()
        self._warming: list[Future[int]] = []
        self._last_restart = 0.0
        self.restarts = 0
        self.last_failure: str | None = None
        self._queued_chars = 0
        self._chars_lock = threading.Lock()
        if self.processes:
            # Analyses in worker processes: the pipeline then runs on other cores than the
            # HTTP event loop instead of sharing one interpreter lock with it. "spawn" so no
            # child inherits the server's threads or sockets.
            self._pool = self._new_pool()
            # Load the models now (in every process) so the first request is not slow.
            list(self._pool.map(_ping, range(self.processes)))
            pipeline = Pipeline.__new__(Pipeline)  # names only; the work happens elsewhere
            pipeline.settings, pipeline.names, pipeline.components = (
                settings, list(settings.pipeline), [])
        self._default = pipeline or Pipeline(settings=settings)
        self._pipelines: OrderedDict[tuple[str, ...], Pipeline] = OrderedDict(
            {tuple(self._default.names): self._default})
        self._cache_size = cache_size
        self._closed = False
        self._queue: queue.Queue[Any] = queue.Queue()
        # One dispatcher per worker process (one in-process worker without processes).
        self._threads = [threading.Thread(target=self._run, name=f"rhetorica-pipeline-{i}",
                                          daemon=True) for i in range(max(1, self.processes))]
        for t in self._threads:
            t.start()

    @property
    def names(self) -> list[str]:
        return list(self._default.names)

    def submit(self, docs: Sequence[Document], names: Sequence[str] | None = None,
               internal: bool = False) -> list[Future[Document]]:
        """Queue ``docs`` for the worker; async routes await these futures without a thread.

        Refused with :class:`ServiceBusy` when analyses are already waiting and these would
        take the queue past ``max_queue`` analyses or ``max_queue_chars`` characters.
        ``internal``: a background job's own step, already bounded by the job queue; it
        waits its turn instead of failing the job.
        """
        if self._closed:
            raise RuntimeError("the analysis service has been shut down")
        chars = sum(len(d.text) for d in docs)
        with self._chars_lock:
            waiting = self._queue.qsize()
            if waiting and not internal:
                if waiting + len(docs) > self.max_queue:
                    raise ServiceBusy(f"{waiting} analyses are already waiting; "
                                      "retry in a few seconds")
                if self._queued_chars + chars > self.max_queue_chars:
                    raise ServiceBusy(f"the analyses waiting already hold "
                                      f"{self._queued_chars:,} characters (the limit is "
                                      f"{self.max_queue_chars:,} characters); retry in a few "
                                      "seconds")
            self._queued_chars += chars
        futures = []
        key = tuple(names) if names else tuple(self._default.names)
        for doc in docs:
            fut: Future[Document] = Future()
            self._queue.put((key, doc, fut))
            futures.append(fut)
        return futures

    def analyze(self, docs: Sequence[Document], names: Sequence[str] | None = None,
                timeout: float | None = 600.0, internal: bool = False) -> list[Document]:
        """Analyse ``docs`` (blocking); raises whatever the pipeline raised."""
        return [f.result(timeout=timeout) for f in self.submit(docs, names, internal)]

    async def analyze_async(self, docs: Sequence[Document], names: Sequence[str] | None = None
                            ) -> list[Document]:
        import asyncio

        return list(await asyncio.gather(
            *(asyncio.wrap_future(f) for f in self.submit(docs, names))))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._queue.put(_STOP)
        for t in self._threads:
            t.join(timeout=10)
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)

    # -- worker processes: replaced when they die ------------------------------------------
    def _new_pool(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(
            max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_process, initargs=(self.settings,))

    @staticmethod
    def _pool_dead(pool: Any) -> bool:
        """True once the pool cannot run work: marked broken, or a worker process is gone."""
        if getattr(pool, "_broken", False):
            return True
        try:
            procs = list((getattr(pool, "_processes", None) or {}).values())
        except RuntimeError:  # changed while we looked: the pool is busy replacing a worker
            return False
        return any(not p.is_alive() for p in procs)

    def _replace_pool(self, dead: Any, why: str) -> None:
        """Swap in a fresh pool, once per dead one (several dispatchers may notice it)."""
        with self._pool_lock:
            if self._closed or self._pool is not dead:
                return
            self._pool = self._new_pool()
            self.restarts += 1
            self.last_failure = why
            self._last_restart = time.monotonic()
            # Start the new workers now, loading their models, rather than on the next request.
            self._warming = [self._pool.submit(_ping, i) for i in range(self.processes)]
        dead.shutdown(wait=False, cancel_futures=True)

    def _run_in_pool(self, key: tuple[str, ...], docs: list[Document]) -> list[Document]:
        """Analyse in a worker; a dead pool is replaced and the work retried once there."""
        for attempt in (1, 2):
            pool = self._pool
            try:
                return pool.submit(_analyse_in_process, key, docs).result()
            except (BrokenProcessPool, CancelledError):  # cancelled: its pool was replaced
                self._replace_pool(pool, WORKER_DIED)
                if attempt == 2 or self._closed:
                    raise WorkerDied(f"{WORKER_DIED} twice while analysing this; a fresh "
                                     "worker has been started, retry with a shorter text"
                                     ) from None
        raise AssertionError("unreachable")

    def health(self) -> dict[str, Any]:
        """Whether analyses can run now: ``status`` "ok" or "degraded", and why.

        A dead worker pool found here is replaced at once (at most every few seconds), so the
        service heals even while no request arrives; the answer reveals no process ids.
        """
        alive_threads = sum(t.is_alive() for t in self._threads)
        info: dict[str, Any] = {"mode": "processes" if self.processes else "thread",
                                "state": "ok", "workers": max(1, self.processes),
                                "alive": 0, "restarts": self.restarts,
                                "last_failure": self.last_failure}
        if self._closed:
            info["state"] = "down"
        elif not self.processes:
            info["alive"] = alive_threads
            if alive_threads < len(self._threads):
                info["state"] = "down"
        else:
            pool = self._pool
            if self._pool_dead(pool):
                if time.monotonic() - self._last_restart >= HEALTH_RESTART_INTERVAL_S:
                    self._replace_pool(pool, WORKER_DIED)
                info["state"] = "restarting"
            elif any(not f.done() for f in self._warming):
                info["state"] = "starting"
            elif any(f.cancelled() or f.exception() is not None for f in self._warming):
                info["state"] = "down"  # the new workers could not even start
            if alive_threads < len(self._threads):
                info["state"] = "down"
            with contextlib.suppress(RuntimeError):
                procs = list((getattr(self._pool, "_processes", None) or {}).values())
                info["alive"] = sum(1 for p in procs if p.is_alive())
            info["restarts"], info["last_failure"] = self.restarts, self.last_failure
        return {"status": "ok" if info["state"] == "ok" else "degraded", "analysis": info}

    # -- worker -------------------------------------------------------------------------
    def _pipeline(self, key: tuple[str, ...]) -> Pipeline:
        pipe = self._pipelines.get(key)
        if pipe is None:
            pipe = Pipeline(key, self.settings)
            self._pipelines[key] = pipe
            while len(self._pipelines) > self._cache_size:
                old = next(iter(self._pipelines))
                if old == tuple(self._default.names):
                    self._pipelines.move_to_end(old)
                    old = next(iter(self._pipelines))
                del self._pipelines[old]
        else:
            self._pipelines.move_to_end(key)
        return pipe

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            batch = [item]
            size = batch_size(1 + self._queue.qsize(), self.processes, self.max_batch)
            with contextlib.suppress(queue.Empty):
                while len(batch) < size:
                    nxt = self._queue.get_nowait()
                    if nxt is _STOP:
                        self._queue.put(_STOP)
                        break
                    batch.append(nxt)
            with self._chars_lock:
                self._queued_chars -= sum(len(doc.text) for _, doc, _ in batch)
            groups: dict[tuple[str, ...], list[tuple[Document, Future[Document]]]] = {}
            for key, doc, fut in batch:
                if fut.set_running_or_notify_cancel():
                    groups.setdefault(key, []).append((doc, fut))
            for key, items in groups.items():
                self._process(key, items)

    def _process(self, key: tuple[str, ...],
                 items: list[tuple[Document, Future[Document]]]) -> None:
        try:
            if self._pool is not None:  # blocks this dispatcher; requests queue up meanwhile
                done = self._run_in_pool(key, [d for d, _ in items])
            else:
                done = list(self._pipeline(key).pipe([d for d, _ in items]))
        except Exception:  # one bad document must not fail its batch-mates: retry singly
            if len(items) > 1:
                for one in items:
                    self._process(key, [one])
                return
            import sys

            items[0][1].set_exception(sys.exc_info()[1])  # type: ignore[arg-type]
            return
        for (_, fut), doc in zip(items, done, strict=True):
            fut.set_result(doc)


def batch_size(waiting: int, processes: int, max_batch: int) -> int:
    """How many of the ``waiting`` analyses one dispatcher takes as its next batch.

    With several worker processes, what is waiting is shared between them: one dispatcher
    taking all twenty waiting requests would leave the other workers idle while those
    requests wait for one core (the web benchmark's p95 rose by a fifth)."""
    return max(1, min(max_batch, -(-waiting // max(1, processes))))


# -- worker processes (module level so that "spawn" can pickle them) -------------------------
_PROCESS_STATE: dict[str, Any] = {}


def _init_process(settings: Settings) -> None:
    from rhetorica.nlp import onnx_session

    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True,
                     name="rhetorica-parent-watch").start()
    onnx_session.PROCESS_THREADS = 1  # this worker shares the cores with the HTTP process
    # and tokenises a few sentences at a time: handing them to the tokenizers' thread pool
    # cost 0.15 ms a call where one thread takes 0.03
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    _PROCESS_STATE["settings"] = settings
    _PROCESS_STATE["pipelines"] = {tuple(settings.pipeline): Pipeline(settings=settings)}


PARENT_CHECK_S = 1.0


def _exit_with_parent(parent: int) -> None:
    """End this worker once the server that started it is gone: a server killed outright
    (kill -9, the OOM killer) cannot shut its pool down, and its workers, a few hundred MB
    each, would otherwise live on as orphans."""
    while True:
        time.sleep(PARENT_CHECK_S)
        if os.getppid() != parent:
            os._exit(0)


def _ping(_: int) -> int:
    return os.getpid()


def _analyse_in_process(key: tuple[str, ...], docs: list[Document]) -> list[Document]:
    pipelines = _PROCESS_STATE["pipelines"]
    if key not in pipelines:
        if len(pipelines) >= 4:
            pipelines.pop(next(k for k in pipelines if k != tuple(
                _PROCESS_STATE["settings"].pipeline)))
        pipelines[key] = Pipeline(key, _PROCESS_STATE["settings"])
    return list(pipelines[key].pipe(docs))


class StoreAccess:
    """One store per app. SQLite serialises itself with a lock; other backends get ours."""

    def __init__(self, url: str) -> None:
        self.store = open_store(url)
        from rhetorica.store.sqlite import SQLiteStore

        sqlite = isinstance(self.store, SQLiteStore)
        self._lock: contextlib.AbstractContextManager[Any] = (
            contextlib.nullcontext() if sqlite else threading.RLock())
        if sqlite:  # no request waits while the write-ahead log is merged into the file
            self.store.checkpoint_in_background()

    @contextlib.contextmanager
    def use(self) -> Iterator[Store]:
        with self._lock:
            yield self.store

    def close(self) -> None:
        with self._lock:
            self.store.close()
