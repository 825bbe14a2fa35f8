"""Storage of documents, speakers, analyses and spans behind one interface."""

from rhetorica.store.base import SaveResult, Store, StoreError, open_store

__all__ = ["SaveResult", "Store", "StoreError", "open_store"]
