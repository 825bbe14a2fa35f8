"""One model loader: each model is loaded once per process, lazily, through one place."""

from __future__ import annotations

import pytest

from rhetorica import models


def test_shared_loads_once_and_retries_a_failed_load():
    calls = []

    def load():
        calls.append(1)
        return object()

    a = models.shared("test_kind", "k", load)
    assert models.shared("test_kind", "k", load) is a
    assert len(calls) == 1
    assert models.loaded()["test_kind:k"] == 1

    def broken():
        raise OSError("missing")

    for _ in range(2):
        with pytest.raises(OSError):
            models.shared("test_kind", "broken", broken)
    assert "test_kind:broken" not in models.loaded()
    models.forget("test_kind")
    assert models.shared("test_kind", "k", load) is not a
    models.forget("test_kind")
    assert "test_kind:k" not in models.loaded()


def test_a_full_analysis_and_every_area_share_one_copy_of_each_model():
    from rhetorica.claims.matching import load_embedder
    from rhetorica.document import Document
    from rhetorica.evidence.embed import get_embedder
    from rhetorica.monitor.watchlist import load_wordllama
    from rhetorica.pipeline import Pipeline

    for _ in range(2):
        Pipeline()(Document("They are flooding our city, the mayor said on Monday."))
    wl = models.wordllama()
    assert load_embedder() is wl and load_wordllama() is wl
    assert get_embedder("wordllama").model is wl
    counts = models.loaded()
    assert counts, "nothing was loaded through rhetorica.models"
    assert all(n == 1 for n in counts.values()), counts
    assert any(k.startswith("spacy:") for k in counts)


def test_a_child_forked_during_a_load_can_load_models():
    import multiprocessing
    import os
    import threading
    import time

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    started, release = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(10)
        return "slow"

    t = threading.Thread(target=models.shared, args=("test_fork", "slow", slow))
    t.start()
    started.wait(5)  # the lock is now held by the loading thread
    pid = os.fork()
    if pid == 0:  # child: must not wait for the parent's loading thread
        ok = models.shared("test_fork", "other", lambda: "other") == "other"
        os._exit(0 if ok else 1)
    release.set()
    t.join(5)
    deadline = time.time() + 20
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.time() > deadline:
            os.kill(pid, 9)
            pytest.fail("the forked child waited on the parent's lock")
        time.sleep(0.05)
    assert os.waitstatus_to_exitcode(status) == 0
    models.forget("test_fork")


def test_two_models_load_at_once_and_one_model_loads_once():
    """Each model loads under its own lock: a pipeline opens its ONNX models in a background
    thread while spaCy loads on the main one (models.preload)."""
    import threading

    started, release = threading.Event(), threading.Event()
    calls = []

    def slow():
        calls.append(1)
        started.set()
        release.wait(10)
        return "slow"

    t = threading.Thread(target=models.shared, args=("test_par", "slow", slow))
    t.start()
    started.wait(5)
    other = threading.Thread(target=models.shared, args=("test_par", "fast", lambda: "fast"))
    other.start()
    other.join(2)
    assert not other.is_alive(), "a second model waited for the first one's load"
    # a second ask for the loading model waits for it instead of loading it again
    again = threading.Thread(target=models.shared, args=("test_par", "slow", slow))
    again.start()
    release.set()
    t.join(5)
    again.join(5)
    assert models.shared("test_par", "slow", slow) == "slow" and len(calls) == 1
    models.forget("test_par")


def test_preload_runs_loads_in_the_background_and_swallows_their_errors():
    def broken():
        raise OSError("missing")

    thread = models.preload([broken, lambda: models.shared("test_pre", "k", lambda: 42)])
    thread.join(5)
    assert models.loaded()["test_pre:k"] == 1 and models.shared("test_pre", "k", list) == 42
    assert models.preload([]) is None
    models.forget("test_pre")
