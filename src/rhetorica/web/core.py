"""What the API and the pages share: the app's services and the analyse/ingest operations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import Response

from rhetorica import __version__, registry
from rhetorica.document import Document, DocumentMeta
from rhetorica.ingest.errors import InputError
from rhetorica.web.features import available
from rhetorica.web.jobs import Job, JobRunner
from rhetorica.web.services import AnalysisService, StoreAccess
from rhetorica.web.settings import WebSettings
from rhetorica.web.uploads import UploadParser, upload_name

META_FIELDS = ("speaker", "date", "source", "title", "url")
MEDIA_TYPES = {
    "json": ("application/json", "json"),
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "claimreview": ("application/ld+json", "jsonld"),
}


@dataclass
class Services:
    settings: WebSettings
    analysis: AnalysisService
    store: StoreAccess
    jobs: JobRunner
    uploads: UploadParser

    def close(self) -> None:
        """Stop jobs first (they use the pipeline and store), then the worker, then the store."""
        self.jobs.close()
        self.analysis.close()
        self.store.close()


async def services(request: Request) -> Services:
    # async: FastAPI runs a plain ``def`` dependency on its thread pool, a thread hand-off
    # per request for an attribute read
    return request.app.state.services


def clean_text(value: str | None, field: str, limit: int | None = None) -> str | None:
    """Reject what SQLite or a reader would choke on, with a message naming the field."""
    if value is None:
        return None
    if "\x00" in value:
        raise InputError(field, "contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(field, "is not valid Unicode (lone surrogate)") from None
    if limit is not None and len(value) > limit:
        raise InputError(field, f"is longer than {limit:,} characters")
    return value


def make_document(svc: Services, text: str, meta: dict[str, str | None]) -> Document:
    text = clean_text(text, "text") or ""
    if len(text) > svc.settings.max_text_chars:
        raise HTTPException(413, f"text is {len(text):,} characters, above the "
                                 f"{svc.settings.max_text_chars:,} limit for one statement")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("text", "is empty (nothing to analyse)")
    clean = {k: (clean_text(v.strip(), k, 500) or None) if isinstance(v, str) else None
             for k, v in meta.items() if k in META_FIELDS}
    if clean.get("date"):
        # as the CLI's --date: a date that reads as none would later drop the statement
        # from every dated view (timelines, baselines, verify's as-of) without a word
        from rhetorica.ingest.dates import normalise_date

        iso = normalise_date(clean["date"])
        if iso is None:
            raise InputError("date", f"{clean['date']!r} is not a date (use YYYY-MM-DD)")
        clean["date"] = iso
    return Document(text, DocumentMeta(**clean, origin="web"))


def check_pipeline(names: list[str] | None) -> list[str] | None:
    if not names:
        return None
    unknown = [n for n in names if n not in registry.components]
    if unknown:
        raise InputError("pipeline", f"unknown component(s) {', '.join(unknown)}; known: "
                         f"{', '.join(registry.components.names())}")
    return names


def analyze_and_store(svc: Services, docs: list[Document], store: bool = True,
                      pipeline: list[str] | None = None) -> list[tuple[Document, Any]]:
    analysed = svc.analysis.analyze(docs, check_pipeline(pipeline))
    return save(svc, analysed) if store else [(d, None) for d in analysed]


async def analyze_and_store_async(svc: Services, docs: list[Document], store: bool = True,
                                  pipeline: list[str] | None = None
                                  ) -> list[tuple[Document, Any]]:
    """The API's path: no thread is parked while the pipeline worker runs."""
    from starlette.concurrency import run_in_threadpool

    analysed = await svc.analysis.analyze_async(docs, check_pipeline(pipeline))
    if not store:
        return [(d, None) for d in analysed]
    return await run_in_threadpool(save, svc, analysed)


def save(svc: Services, analysed: list[Document]) -> list[tuple[Document, Any]]:
    with svc.store.use() as st:
        saved = st.save_many(analysed, version=__version__)
    for doc, res in zip(analysed, saved, strict=True):
        doc.results["store_id"] = res.document_id
    return list(zip(analysed, saved, strict=True))


def parse_upload(data: bytes, filename: str, max_bytes: int) -> list[Document]:
    """A batch upload (txt, JSON or JSONL of posts), fully validated before any work starts."""
    from rhetorica.ingest.statements import parse_json, parse_jsonl
    from rhetorica.ingest.text import check_size, decode, require_text

    name = upload_name(filename) or "upload"
    check_size(name, len(data), max_bytes)
    text = decode(data, name)
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "txt"
    if suffix in ("jsonl", "ndjson"):
        docs = parse_jsonl(text, name)
    elif suffix == "json":
        docs = parse_json(text, name)
    else:
        require_text(text, name)
        docs = [Document(text, DocumentMeta(origin=name))]
    for doc in docs:
        clean_text(doc.text, f"{doc.meta.origin or name}: text")
    return docs


def start_ingest(svc: Services, docs: list[Document], title: str,
                 pipeline: list[str] | None = None) -> Job:
    """Analyse and store ``docs`` in the background, a batch at a time, with progress."""
    names = check_pipeline(pipeline)
    step = max(1, svc.settings.job_batch)

    def work(job: Job) -> dict[str, Any]:
        created = updated = 0
        ids: list[int] = []
        for i in range(0, len(docs), step):
            job.check()
            chunk = svc.analysis.analyze(docs[i:i + step], names, internal=True)
            with svc.store.use() as st:
                saved = st.save_many(chunk, version=__version__)
            created += sum(1 for s in saved if s.created)
            updated += sum(1 for s in saved if not s.created)
            ids.extend(s.document_id for s in saved)
            job.advance(len(chunk), f"analysed {min(i + step, len(docs))} of {len(docs)}")
        return {"created": created, "updated": updated, "document_ids": ids[:1000]}

    return svc.jobs.submit("ingest", title, work, total=len(docs),
                           size=sum(len(d.text) for d in docs))


def export(doc: Document, fmt: str, include_unreviewed: bool = False
           ) -> tuple[str, str, str]:
    """(body, media type, file extension) for a registered format; ClaimReview publishes
    the reviewed claims (see :func:`rhetorica.evidence.claimreview.claim_reviews`)."""
    if fmt not in registry.formats:
        raise HTTPException(404, f"unknown format {fmt!r}; available: "
                                 f"{', '.join(registry.formats.names())}")
    body = registry.formats.get(fmt)([doc], include_unreviewed=include_unreviewed)
    media, ext = MEDIA_TYPES.get(fmt, ("text/plain; charset=utf-8", "txt"))
    return body, media, ext


def download(svc: Services, doc: Document, fmt: str, include_unreviewed: bool = False
             ) -> Response:
    """The statement's report as a file, with what reviewers decided on its claims (the API
    export and the page's download links alike)."""
    from rhetorica.claims.reviews import attach_reviews

    with svc.store.use() as st:
        attach_reviews(st, [doc])
    body, media, ext = export(doc, fmt, include_unreviewed)
    name = f"rhetorica-{doc.results.get('store_id', doc.key[:12])}.{ext}"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def baseline_for(svc: Services, speaker: str, statement: int | None = None
                 ) -> dict[str, Any] | None:
    """The speaker-baseline comparison (context area), or None when not installed/possible."""
    if not available("baseline"):
        return None
    from rhetorica.context.baseline import compare

    with svc.store.use() as st:
        history = st.speaker_history(speaker)
    if not history:
        return None
    try:
        return compare(history, speaker, statement).to_dict()
    except KeyError:
        return None


def stored_document(svc: Services, ref: str) -> Document:
    """The stored statement ``ref`` (id or key), or 404: pages and API routes alike."""
    with svc.store.use() as st:
        doc = st.get(ref)
    if doc is None:
        raise HTTPException(404, f"no stored statement {ref!r}")
    return doc
