"""Named registries, so later features plug in without touching the spine.

Built-ins register *lazily* by import path: the CLI can list and validate names without
importing spaCy, which keeps cold start low. Third-party code registers with the decorator.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class RegistryError(KeyError):
    pass


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._lazy: dict[str, str] = {}

    def register(self, name: str, obj: T | None = None) -> Any:
        """Register ``obj`` under ``name``; used bare it works as a decorator."""
        if obj is not None:
            self._items[name] = obj
            return obj

        def decorator(target: T) -> T:
            self._items[name] = target
            return target

        return decorator

    def register_lazy(self, name: str, path: str) -> None:
        """``path`` is ``"package.module:attribute"``, imported on first :meth:`get`."""
        self._lazy[name] = path

    def get(self, name: str) -> T:
        if name in self._items:
            return self._items[name]
        if name in self._lazy:
            module, _, attr = self._lazy[name].partition(":")
            obj = getattr(importlib.import_module(module), attr)
            self._items[name] = obj
            return obj
        raise RegistryError(
            f"no {self.kind} named {name!r}; known: {', '.join(self.names()) or 'none'}"
        )

    def __contains__(self, name: object) -> bool:
        return name in self._items or name in self._lazy

    def names(self) -> list[str]:
        return sorted(set(self._items) | set(self._lazy))


# A component factory takes the Settings and returns a callable Document -> Document.
components: Registry[Callable[..., Any]] = Registry("pipeline component")
# A store factory takes a URL/path and returns an object implementing store.base.Store.
stores: Registry[Callable[..., Any]] = Registry("store backend")
# A format writer takes a list of Documents (+ options) and returns text.
formats: Registry[Callable[..., str]] = Registry("output format")
# An embedder factory returns an object with .encode(list[str]) -> numpy array.
embedders: Registry[Callable[..., Any]] = Registry("embedding model")
# A report section renders one part of a Document for the HTML and Markdown reports.
sections: Registry[Any] = Registry("report section")
# A warmer takes the Settings and loads the models its component will use (no spaCy), so a
# pipeline can open them in a background thread while spaCy loads (models.preload).
warmers: Registry[Callable[..., Any]] = Registry("model warmer")


def _load_builtins() -> None:
    from rhetorica.builtins import register_builtins

    register_builtins()


_load_builtins()
