"""Every model a process uses, loaded once, lazily, through one place.

spaCy, WordLlama, the ONNX taggers and cross-encoder, the linear models: each area asks
:func:`shared` for its model by kind and key, and the first ask loads it. Areas used to keep
their own caches (WordLlama was loaded by five of them), so one ``analyze`` paid for the same
weights several times. :func:`loaded` says what this process has loaded and how often (tests
hold every count at one; ``bench_analyze`` prints them).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import Counter
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_MODELS: dict[tuple[str, Hashable], Any] = {}
_LOADS: Counter[tuple[str, Hashable]] = Counter()
_LOCK = threading.RLock()  # guards the tables; each model loads under its own lock
_KEY_LOCKS: dict[tuple[str, Hashable], threading.RLock] = {}


def _fresh_lock_after_fork() -> None:
    """A process forked while another thread was loading a model (the corpus readers fork
    beside the web app's analysis thread) would inherit the lock held, and wait for ever on
    its first load. The child gets free locks; a model the parent had not finished loading
    is simply loaded again there."""
    global _LOCK, _KEY_LOCKS
    _LOCK = threading.RLock()
    _KEY_LOCKS = {}


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_lock_after_fork)


def shared(kind: str, key: Hashable, load: Callable[[], T]) -> T:
    """The process's one instance of model ``(kind, key)``, made by ``load`` on first use.
    A load that raises is not cached, so the next ask tries again (and says why again).

    Each model loads under its own lock, so two threads can load two models at once (see
    :func:`preload`), while a second ask for the same model waits for the first load."""
    ident = (kind, key)
    try:
        return _MODELS[ident]
    except KeyError:
        pass
    with _LOCK:
        lock = _KEY_LOCKS.setdefault(ident, threading.RLock())
    with lock:
        if ident not in _MODELS:
            model = load()
            with _LOCK:
                _MODELS[ident] = model
                _LOADS[ident] += 1
        return _MODELS[ident]


def preload(loads: list[Callable[[], Any]]) -> threading.Thread | None:
    """Run ``loads`` (each ends in :func:`shared`) in a background thread and return it.

    Building a pipeline loads spaCy (about a second, mostly Python imports) and up to three
    ONNX sessions (about 0.15 s each, in onnxruntime's C++ code): on two cores the sessions
    open beside spaCy instead of after it, which takes a quarter of a second off the cold
    start of ``rhetorica analyze``. A load that fails here is left for the component to
    repeat on the main thread, where its error is reported."""
    if not loads:
        return None

    def run() -> None:
        for load in loads:  # a failure is the main thread's to repeat and report
            with contextlib.suppress(Exception):
                load()

    thread = threading.Thread(target=run, name="rhetorica-preload", daemon=True)
    thread.start()
    return thread


def loaded() -> dict[str, int]:
    """``"kind:key" -> times loaded`` for this process."""
    return {f"{k}:{key}": n for (k, key), n in _LOADS.items()}


def forget(kind: str | None = None) -> None:
    """Drop cached models and their load counts (all, or one kind)."""
    with _LOCK:
        for ident in [i for i in _MODELS if kind is None or i[0] == kind]:
            del _MODELS[ident]
            _LOADS.pop(ident, None)
            _KEY_LOCKS.pop(ident, None)


def wordllama(dim: int = 256) -> Any:
    """WordLlama from the weights inside its PyPI package: never a hub download."""

    def load() -> Any:
        import wordllama as package
        from wordllama import WordLlama

        return WordLlama.load(cache_dir=Path(package.__file__).parent, disable_download=True,
                              dim=dim)

    return shared("wordllama", dim, load)
