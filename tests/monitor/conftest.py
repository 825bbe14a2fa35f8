"""Fixtures for the monitor tests: one light analysis pipeline shared by the session.

The pipeline is pinned (parse, segment, rhetoric, tone) so the replayed alerts depend only on
what monitoring needs: sentences for indicator evidence and tone intensity for jumps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
STREAM = FIXTURES / "escalation.jsonl"
LIGHT_PIPELINE = ("parse", "segment", "rhetoric", "tone")


@pytest.fixture(scope="session")
def watchlist():
    from rhetorica.monitor.watchlist import load_watchlist

    return load_watchlist()


@pytest.fixture(scope="session")
def watch_pipe(watchlist):
    from rhetorica.config import Settings
    from rhetorica.monitor.watcher import watch_pipeline

    return watch_pipeline(watchlist, Settings(pipeline=LIGHT_PIPELINE))


@pytest.fixture
def make_watcher(tmp_path, watchlist, watch_pipe):
    """make_watcher(sources, **kw) -> (Watcher, store); stores closed at teardown."""
    from rhetorica.monitor.sources import make_source
    from rhetorica.monitor.watcher import Watcher
    from rhetorica.store import open_store

    opened = []

    def make(sources, db=None, **kw):
        store = open_store(str(db or tmp_path / "watch.db"))
        opened.append(store)
        srcs = [make_source(str(s)) if not hasattr(s, "poll") else s for s in sources]
        kw.setdefault("pipeline", watch_pipe)
        return Watcher(store, srcs, kw.pop("watchlist", watchlist), **kw), store

    yield make
    for st in opened:
        st.close()
