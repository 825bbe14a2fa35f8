"""Background jobs with visible progress (batch ingest and other long tasks).

A job is a function ``work(job)`` that reports progress through :meth:`Job.advance` and
checks :attr:`Job.cancelled` between steps. Jobs run on a small thread pool so a long ingest
never holds an HTTP request open; the page polls ``/api/v1/jobs/{id}``. Finished jobs are kept
(bounded) so their result stays visible after the fact.

The queue is bounded too: a job holds its input (posts, an uploaded file's documents) from
submission until it finishes, so past ``max_pending`` unfinished jobs, or ``max_pending_chars``
characters of text held by them, :meth:`JobRunner.submit` raises :class:`JobQueueFull` (the
app answers 503 with ``Retry-After``) instead of letting memory grow with every request.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINISHED = {DONE, FAILED, CANCELLED}


class JobCancelled(Exception):
    """Raised inside a job's work function when the user asked to stop it, or when what it
    worked on is gone (its message, if any, then says why)."""


class JobQueueFull(RuntimeError):
    """Too many unfinished jobs, or too much text held by them; retry later."""

    def __init__(self, message: str, retry_after: int = 30) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Job:
    id: str
    kind: str
    title: str
    total: int = 0
    done: int = 0
    status: str = QUEUED
    message: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    size: int = 0  # characters of input the job holds until it finishes
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise JobCancelled()

    def advance(self, n: int = 1, message: str | None = None) -> None:
        with self._lock:
            self.done = min(self.total, self.done + n) if self.total else self.done + n
            if message is not None:
                self.message = message

    @property
    def progress(self) -> float:
        if self.status == DONE:
            return 1.0
        return (self.done / self.total) if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "id": self.id, "kind": self.kind, "title": self.title, "status": self.status,
                "done": self.done, "total": self.total, "progress": round(self.progress, 4),
                "message": self.message, "result": self.result, "error": self.error,
                "created": self.created, "started": self.started, "finished": self.finished,
            }


class JobRunner:
    def __init__(self, workers: int = 1, keep: int = 200, max_pending: int = 32,
                 max_pending_chars: int = 50_000_000) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers),
                                        thread_name_prefix="rhetorica-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep
        self.max_pending = max_pending
        self.max_pending_chars = max_pending_chars
        self._pending: dict[str, int] = {}  # unfinished job id -> its size

    def submit(self, kind: str, title: str, work: Callable[[Job], dict[str, Any] | None],
               total: int = 0, size: int = 0) -> Job:
        """Queue ``work``; ``size`` is the characters of input it holds (for the cap).

        Raises :class:`JobQueueFull` when ``max_pending`` jobs are unfinished, or when the
        job would take the text held by unfinished jobs past ``max_pending_chars`` (a job
        larger than the cap on its own is still accepted when no other holds any text).
        """
        job = Job(id=uuid.uuid4().hex[:12], kind=kind, title=title, total=total, size=size)
        with self._lock:
            held = sum(self._pending.values())
            if len(self._pending) >= self.max_pending:
                raise JobQueueFull(f"{len(self._pending)} jobs are already queued or running "
                                   f"(the limit is {self.max_pending}); retry when one has "
                                   "finished")
            if held and held + size > self.max_pending_chars:
                raise JobQueueFull(f"queued jobs already hold {held:,} characters of text "
                                   f"and this one {size:,} (the limit is "
                                   f"{self.max_pending_chars:,} characters); retry when one "
                                   "has finished")
            self._jobs[job.id] = job
            self._pending[job.id] = size
            self._prune()
        try:
            self._pool.submit(self._run, job, work)
        except RuntimeError:  # shut down meanwhile
            self._release(job)
            raise
        return job

    def _release(self, job: Job) -> None:
        with self._lock:
            self._pending.pop(job.id, None)

    def _prune(self) -> None:
        finished = [j for j in self._jobs.values() if j.status in FINISHED]
        while len(self._jobs) > self._keep and finished:
            self._jobs.pop(finished.pop(0).id, None)

    def _run(self, job: Job, work: Callable[[Job], dict[str, Any] | None]) -> None:
        try:
            self._execute(job, work)
        finally:
            self._release(job)

    def _execute(self, job: Job, work: Callable[[Job], dict[str, Any] | None]) -> None:
        if job.cancelled:
            job.status, job.finished = CANCELLED, time.time()
            return
        job.status, job.started = RUNNING, time.time()
        try:
            result = work(job)
            job.result = dict(result or {})
            job.status = DONE
            job.done = job.total or job.done
        except JobCancelled as exc:
            job.status = CANCELLED
            job.message = str(exc) or f"cancelled after {job.done} of {job.total}"
        except Exception as exc:  # reported on the page, never a traceback
            job.status = FAILED
            job.error = f"{type(exc).__name__}: {exc}"
        finally:
            job.finished = time.time()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def list(self) -> list[Job]:
        with self._lock:
            return list(reversed(self._jobs.values()))

    def cancel(self, job_id: str) -> Job | None:
        job = self.get(job_id)
        if job is not None and job.status not in FINISHED:
            job._cancel.set()
        return job

    def wait(self, job_id: str, timeout: float = 30.0) -> Job | None:
        """For tests and scripts: block until the job has finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(job_id)
            if job is None or job.status in FINISHED:
                return job
            time.sleep(0.02)
        return self.get(job_id)

    def close(self) -> None:
        for job in self.list():
            job._cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
