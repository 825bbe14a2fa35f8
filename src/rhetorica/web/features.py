"""Which optional analyses this installation offers, detected at run time.

Verification, context, corpus and watch lists are built by other parts of Rhetorica; the
web app offers them only when their registry entries or modules exist, and says "not
available" otherwise, so the app never links to a page that would fail.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache

from rhetorica import registry


def _module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def features() -> dict[str, bool]:
    """Name -> installed, detected once per process."""
    return dict(_detect())


@lru_cache(maxsize=1)
def _detect() -> dict[str, bool]:
    return {
        "verify": "verify" in registry.components,
        "claimreview": "claimreview" in registry.formats,
        "context": "context" in registry.components,
        "actors": "actors" in registry.components,
        "corpus": _module("rhetorica.store.corpus") and _module("rhetorica.ingest.corpus"),
        "baseline": _module("rhetorica.context.baseline"),
        "watch": _module("rhetorica.monitor.timeline") and _module("rhetorica.monitor.watcher"),
    }


def available(name: str) -> bool:
    return features().get(name, False)
