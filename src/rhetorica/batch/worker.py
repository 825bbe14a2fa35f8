"""What runs on a worker (a local process or a Dask worker): records in, rows out.

Each worker thread loads the pipeline (and opens the store) once and keeps it for every
chunk it is given, because loading spaCy costs about a second and a run has thousands of
chunks. Bad records become error rows instead of failing the chunk: at a million posts,
one malformed line must not stop the run.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rhetorica.batch.reader import Record
from rhetorica.config import Settings
from rhetorica.document import Document, DocumentMeta
from rhetorica.ingest.errors import InputError

TOP_TECHNIQUES = 3
MAX_ENTITIES = 20
ENTITY_COLUMNS = {"person": "persons", "organisation": "organisations", "place": "places"}


@dataclass(frozen=True)
class ChunkTask:
    chunk_id: int
    records: list[Record]
    settings: Settings
    store_url: str | None = None
    full: bool = False
    version: str = ""


@dataclass
class ChunkResult:
    chunk_id: int
    first_seq: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    stored: int = 0
    seconds: float = 0.0
    worker: str = ""


_local = threading.local()


def _pipeline(settings: Settings):
    cache = getattr(_local, "pipelines", None)
    if cache is None:
        cache = _local.pipelines = {}
    key = (settings.pipeline, settings.spacy_model, settings.batch_size)
    if key not in cache:
        from rhetorica.pipeline import Pipeline

        cache[key] = Pipeline(settings=settings)
    return cache[key]


def _store(url: str):
    cache = getattr(_local, "stores", None)
    if cache is None:
        cache = _local.stores = {}
    if url not in cache:
        from rhetorica.store import open_store

        cache[url] = open_store(url)
    return cache[url]


def to_document(rec: Record, max_bytes: int) -> Document:
    """Parse and validate one record (raises InputError with file and line)."""
    from rhetorica.ingest.statements import post_to_document
    from rhetorica.ingest.text import check_size, decode, require_text

    if rec.kind == "error":
        raise InputError(rec.origin, rec.payload.decode("utf-8", "replace"), rec.line)
    if rec.kind == "oversized":
        check_size(rec.origin, int(rec.payload), max_bytes)
    if rec.kind == "text":
        text = require_text(decode(rec.payload, rec.origin), rec.origin)
        return Document(text, DocumentMeta(origin=rec.origin))
    try:
        raw = rec.payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(rec.origin, f"not valid UTF-8 at byte {exc.start}", rec.line) from None
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(rec.origin, f"malformed JSON: {exc.msg} (column {exc.colno})",
                         rec.line) from None
    except RecursionError:
        raise InputError(rec.origin, "JSON nested too deeply", rec.line) from None
    return post_to_document(obj, rec.origin, rec.line)


def document_row(doc: Document, seq: int, full: bool = False) -> dict[str, Any]:
    """The flat, one-row summary of an analysed post that corpus statistics need."""
    res = doc.results
    tone = res.get("tone") or {}
    techniques = Counter(s.label for s in doc.layer("rhetoric"))
    claims = doc.layer("claim")
    ranking = (res.get("claims") or {}).get("ranking") or []
    scores = [float(r["score"]) for r in ranking if "score" in r] or [s.score for s in claims]
    entities: dict[str, list[str]] = {col: [] for col in ENTITY_COLUMNS.values()}
    for span in doc.layer("entity"):
        col = ENTITY_COLUMNS.get(span.label)
        surface = " ".join(doc.text[span.start:span.end].split())
        if col and surface not in entities[col] and len(entities[col]) < MAX_ENTITIES:
            entities[col].append(surface)
    row: dict[str, Any] = {
        "seq": seq,
        "key": doc.key,
        "origin": doc.meta.origin,
        "post_id": doc.meta.extra.get("id"),
        "speaker": doc.meta.speaker,
        "date": doc.meta.date,
        "source": doc.meta.source,
        "language": (res.get("language") or {}).get("code"),
        "chars": len(doc.text),
        "sentences": len(doc.layer("sentence")),
        "words": tone.get("words", len(doc.text.split())),
        "intensity": tone.get("intensity"),
        "valence": tone.get("valence"),
        "rhetoric_spans": sum(techniques.values()),
        "top_techniques": [t for t, _ in sorted(techniques.items(),
                                                key=lambda kv: (-kv[1], kv[0]))][:TOP_TECHNIQUES],
        "claims": len(claims),
        "check_worthy_claims": sum(1 for s in claims if s.label == "check_worthy"),
        "max_checkworthiness": max(scores) if scores else None,
        **entities,
    }
    if full:
        row["document_json"] = json.dumps(doc.to_dict(), ensure_ascii=False, default=str)
    return row


def _error(rec: Record, message: str) -> dict[str, Any]:
    return {"seq": rec.seq, "origin": rec.origin, "line": rec.line, "error": message}


def analyse_chunk(task: ChunkTask) -> ChunkResult:
    """Parse, analyse, optionally store, and summarise one chunk (runs on the worker)."""
    t0 = time.perf_counter()
    settings = task.settings
    out = ChunkResult(task.chunk_id, task.records[0].seq if task.records else 0,
                      worker=f"{socket.gethostname()}:{os.getpid()}")
    docs: list[tuple[Record, Document]] = []
    for rec in task.records:
        try:
            docs.append((rec, to_document(rec, settings.max_input_bytes)))
        except InputError as exc:
            out.errors.append(_error(rec, str(exc)))
    pipe = _pipeline(settings)
    try:
        analysed = list(zip([r for r, _ in docs], pipe.pipe([d for _, d in docs]), strict=True))
    except Exception:  # isolate the one post that breaks the batch
        analysed = []
        for rec, doc in docs:
            try:
                analysed.append((rec, pipe(doc)))
            except Exception as exc:
                out.errors.append(_error(rec, f"analysis failed: {type(exc).__name__}: {exc}"))
    if task.store_url and analysed:
        saved = _store(task.store_url).save_many([d for _, d in analysed], version=task.version)
        out.stored = sum(1 for s in saved if s.created)
    out.rows = [document_row(doc, rec.seq, task.full) for rec, doc in analysed]
    out.errors.sort(key=lambda e: e["seq"])
    out.seconds = time.perf_counter() - t0
    return out
