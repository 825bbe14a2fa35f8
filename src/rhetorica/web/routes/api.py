"""The JSON API under ``/api/v1``; its OpenAPI schema is served at ``/api/v1/openapi.json``.

Every error is ``{"error": {"status", "code", "message"}}`` with one readable line, the same
contract the CLI keeps with its one-line errors and exit codes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from rhetorica import __version__, registry
from rhetorica.ingest.errors import InputError
from rhetorica.web.core import (
    Services,
    analyze_and_store_async,
    download,
    make_document,
    parse_upload,
    services,
    start_ingest,
    stored_document,
)
from rhetorica.web.features import features
from rhetorica.web.uploads import upload_name

router = APIRouter(prefix="/api/v1")
Svc = Annotated[Services, Depends(services)]
Ref = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z]+$",
                          description="Numeric id or content key (or a prefix of 8+ chars).")]


# -- models -------------------------------------------------------------------------------
class ErrorBody(BaseModel):
    status: int
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class StatementIn(BaseModel):
    text: str = Field(..., min_length=1, description="The statement, as said or written.")
    speaker: str | None = Field(None, max_length=500)
    date: str | None = Field(None, max_length=500, description="ISO 8601 date, as given.")
    source: str | None = Field(None, max_length=500)
    title: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=500)


class AnalyzeIn(StatementIn):
    store: bool = Field(True, description="Keep the analysis in the store.")
    pipeline: list[str] | None = Field(None, max_length=32,
                                       description="Component names (default: all).")


class SpanOut(BaseModel):
    start: int
    end: int
    label: str
    score: float
    source: str = ""
    explanation: str = ""
    layer: str
    attrs: dict[str, Any] = {}
    text: str = Field(..., description="text[start:end], for convenience.")


class DocumentOut(BaseModel):
    key: str
    text: str
    meta: dict[str, Any]
    spans: list[SpanOut]
    results: dict[str, Any]


class AnalyzeOut(BaseModel):
    id: int | None = Field(None, description="Store id (null when not stored).")
    created: bool | None = None
    document: DocumentOut
    links: dict[str, str] = {}


class ClaimsOut(BaseModel):
    id: int | None = None
    claims: list[SpanOut]


class RhetoricOut(BaseModel):
    id: int | None = None
    spans: list[SpanOut]
    tone: dict[str, Any] | None = None


class EntitiesOut(BaseModel):
    id: int | None = None
    entities: list[SpanOut]


class DocumentRowOut(BaseModel):
    id: int
    key: str
    speaker: str | None
    date: str | None
    source: str | None
    title: str | None
    preview: str
    intensity: float | None = None
    snippet: str | None = Field(None, description="Search only: the matching words in "
                                "context, each match between \\u0002 and \\u0003.")


class SpeakerOut(BaseModel):
    speaker: str
    documents: int


class JobOut(BaseModel):
    id: str
    kind: str
    title: str
    status: str
    done: int
    total: int
    progress: float
    message: str
    result: dict[str, Any]
    error: str | None
    created: float
    started: float | None
    finished: float | None


class IngestIn(BaseModel):
    posts: list[StatementIn] = Field(..., min_length=1, max_length=100_000)
    pipeline: list[str] | None = Field(None, max_length=32)


class InfoOut(BaseModel):
    version: str
    pipeline: list[str]
    components: list[str]
    formats: list[str]
    sections: list[str]
    features: dict[str, bool]


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 404, 413, 422, 503)}


# -- helpers ------------------------------------------------------------------------------
def span_out(doc, span) -> SpanOut:
    return SpanOut(**span.to_dict() | {"attrs": span.attrs}, text=span.text_in(doc.text))


def document_out(doc) -> DocumentOut:
    return DocumentOut(key=doc.key, text=doc.text, meta=doc.meta.to_dict(),
                       spans=[span_out(doc, s) for s in sorted(doc.spans,
                                                               key=lambda s: (s.layer, s.start))],
                       results=doc.results)


async def _analyse(svc: Services, body: AnalyzeIn | StatementIn, store: bool = True,
                   pipeline: list[str] | None = None):
    doc = make_document(svc, body.text, body.model_dump(exclude={"text", "store", "pipeline"}))
    [(doc, saved)] = await analyze_and_store_async(svc, [doc], store=store, pipeline=pipeline)
    return doc, saved


def span_dict(doc, span) -> dict[str, Any]:
    """SpanOut as a plain dict: the hot path skips re-validating what we just built."""
    return {"start": span.start, "end": span.end, "label": span.label, "score": span.score,
            "source": span.source, "explanation": span.explanation, "layer": span.layer,
            "attrs": span.attrs, "text": doc.text[span.start:span.end]}


def document_dict(doc) -> dict[str, Any]:
    return {"key": doc.key, "text": doc.text, "meta": doc.meta.to_dict(),
            "spans": [span_dict(doc, s) for s in sorted(doc.spans,
                                                        key=lambda s: (s.layer, s.start))],
            "results": doc.results}


# -- routes -------------------------------------------------------------------------------
class WorkerHealthOut(BaseModel):
    mode: str = Field(..., description="processes (worker processes) or thread (in process)")
    state: str = Field(..., description="ok, starting, restarting or down")
    workers: int
    alive: int
    restarts: int = Field(..., description="Dead worker pools replaced since start.")
    last_failure: str | None


class HealthOut(BaseModel):
    status: str = Field(..., description="ok, or degraded (then the answer is 503)")
    analysis: WorkerHealthOut


@router.get("/health", tags=["meta"], response_model=HealthOut,
            responses={503: {"model": HealthOut, "description": "analyses cannot run now"}})
def health(svc: Svc) -> JSONResponse:
    """Health probe (open even when a token is required; reveals no ids or paths).

    200 when analyses can run; 503 with ``status: degraded`` while the analysis worker is
    dead, being restarted, or cannot start (a dead worker is replaced automatically)."""
    state = svc.analysis.health()
    return JSONResponse(state, status_code=200 if state["status"] == "ok" else 503)


@router.get("/info", response_model=InfoOut, tags=["meta"], responses=ERRORS)
def info(svc: Svc) -> InfoOut:
    """Version, pipeline, registered components/formats/sections and optional features."""
    return InfoOut(version=__version__, pipeline=svc.analysis.names,
                   components=registry.components.names(), formats=registry.formats.names(),
                   sections=registry.sections.names(), features=features())


@router.post("/analyze", response_model=AnalyzeOut, tags=["analysis"], responses=ERRORS)
async def analyze(body: AnalyzeIn, svc: Svc) -> JSONResponse:
    """Full analysis of one statement (like `rhetorica analyze`), stored unless store=false."""
    doc, saved = await _analyse(svc, body, body.store, body.pipeline)
    links = {}
    if saved is not None:
        links = {"page": f"/documents/{saved.document_id}",
                 **{fmt: f"/api/v1/documents/{saved.document_id}/export/{fmt}"
                    for fmt in registry.formats.names()}}
    return JSONResponse({"id": saved.document_id if saved else None,
                         "created": saved.created if saved else None,
                         "document": document_dict(doc), "links": links})


@router.post("/claims", response_model=ClaimsOut, tags=["analysis"], responses=ERRORS)
async def claims(body: AnalyzeIn, svc: Svc) -> ClaimsOut:
    """Check-worthy claims, ranked best first (stored unless store=false)."""
    doc, saved = await _analyse(svc, body, body.store, body.pipeline)
    ranked = sorted(doc.layer("claim"), key=lambda s: -s.score)
    return ClaimsOut(id=saved.document_id if saved else None,
                     claims=[span_out(doc, s) for s in ranked])


@router.post("/rhetoric", response_model=RhetoricOut, tags=["analysis"], responses=ERRORS)
async def rhetoric(body: AnalyzeIn, svc: Svc) -> RhetoricOut:
    """Rhetoric and framing spans with the tone summary (intensity, valence)."""
    doc, saved = await _analyse(svc, body, body.store, body.pipeline)
    return RhetoricOut(id=saved.document_id if saved else None,
                       spans=[span_out(doc, s) for s in doc.layer("rhetoric")],
                       tone=doc.results.get("tone"))


@router.post("/entities", response_model=EntitiesOut, tags=["analysis"], responses=ERRORS)
async def entities(body: AnalyzeIn, svc: Svc) -> EntitiesOut:
    """Named entities (people, organisations, places, dates, figures)."""
    doc, saved = await _analyse(svc, body, body.store, body.pipeline)
    return EntitiesOut(id=saved.document_id if saved else None,
                       entities=[span_out(doc, s) for s in doc.layer("entity")])


class ResultOut(BaseModel):
    id: int | None = None
    result: Any = Field(None, description="The component's document-level result "
                                          "(null when the component is not in the pipeline).")
    spans: list[SpanOut] = []


async def _component_result(svc: Services, body: AnalyzeIn, key: str, layer: str
                            ) -> ResultOut:
    doc, saved = await _analyse(svc, body, body.store, body.pipeline)
    return ResultOut(id=saved.document_id if saved else None, result=doc.results.get(key),
                     spans=[span_out(doc, s) for s in doc.layer(layer)])


@router.post("/actors", response_model=ResultOut, tags=["analysis"], responses=ERRORS)
async def actors(body: AnalyzeIn, svc: Svc) -> ResultOut:
    """Actors with offices as of the statement's date and their roles (`rhetorica actors`)."""
    return await _component_result(svc, body, "actors", "actor")


@router.post("/context", response_model=ResultOut, tags=["analysis"], responses=ERRORS)
async def context(body: AnalyzeIn, svc: Svc) -> ResultOut:
    """Closest historical precedents for the statement (`rhetorica context`)."""
    return await _component_result(svc, body, "context", "context")


@router.get("/documents", response_model=list[DocumentRowOut], tags=["store"],
            responses=ERRORS)
def list_documents(
    svc: Svc,
    speaker: Annotated[str | None, Query(max_length=500)] = None,
    since: Annotated[str | None, Query(max_length=40, description="ISO date, inclusive")] = None,
    until: Annotated[str | None, Query(max_length=40, description="ISO date, inclusive")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[DocumentRowOut]:
    """Stored statements, newest first (like `rhetorica db list`)."""
    with svc.store.use() as st:
        rows = st.list_documents(speaker=speaker, since=since, until=until, limit=limit,
                                 offset=offset)
    return [DocumentRowOut(**{k: v for k, v in r.__dict__.items() if k != "extra"})
            for r in rows]


@router.get("/documents/search", response_model=list[DocumentRowOut], tags=["store"],
            responses=ERRORS)
def search_documents(svc: Svc, q: Annotated[str, Query(min_length=1, max_length=500)],
                     limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[DocumentRowOut]:
    """Full-text search, best first (like `rhetorica db search`)."""
    with svc.store.use() as st:
        rows = st.search(q, limit=limit)
    return [DocumentRowOut(**{k: v for k, v in r.__dict__.items() if k != "extra"})
            for r in rows]


@router.get("/documents/{ref}", response_model=DocumentOut, tags=["store"], responses=ERRORS)
def get_document(ref: Ref, svc: Svc) -> DocumentOut:
    """One stored statement with its latest analysis (like `rhetorica db show`)."""
    return document_out(stored_document(svc, ref))


@router.delete("/documents/{ref}", tags=["store"], responses=ERRORS)
def delete_document(ref: Ref, svc: Svc) -> dict[str, Any]:
    """Delete a stored statement and its analyses (like `rhetorica db delete`)."""
    with svc.store.use() as st:
        if not st.delete(ref):
            raise HTTPException(404, f"no stored statement {ref!r}")
    return {"deleted": ref}


@router.get("/documents/{ref}/export/{fmt}", tags=["store"], responses=ERRORS,
            response_class=Response)
def export_document(ref: Ref, svc: Svc,
                    fmt: Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,32}$")],
                    unreviewed: Annotated[bool, Query()] = False) -> Response:
    """The statement's report in a registered format (json, markdown, html, claimreview...),
    with its reviews; ClaimReview publishes the reviewed claims, and with
    ``unreviewed=true`` also the automated verdicts firm enough to rate."""
    return download(svc, stored_document(svc, ref), fmt, unreviewed)


class ReviewIn(BaseModel):
    claim: int = Field(..., ge=1, le=100_000, description="The claim's number in text order "
                       "(as GET .../reviews lists them).")
    verdict: Literal["supported", "refuted", "misleading", "not_checkable", "needs_more"]
    reviewer: str = Field(..., min_length=1, max_length=200, description="Who reviews.")
    note: str = Field("", max_length=10_000)
    evidence: list[Annotated[str, Field(max_length=2_000)]] = Field(
        default_factory=list, max_length=50, description="URLs or corpus document ids.")


@router.get("/documents/{ref}/reviews", tags=["review"], responses=ERRORS)
def document_reviews(ref: Ref, svc: Svc) -> list[dict[str, Any]]:
    """The statement's claims in text order, each with its current review (like
    `rhetorica review DOC --json`)."""
    from rhetorica.claims.reviews import claims_with_reviews
    from rhetorica.store.reviews import latest_reviews

    doc = stored_document(svc, ref)
    with svc.store.use() as st:
        reviews = latest_reviews(st, ref)
    return claims_with_reviews(doc, reviews)


@router.post("/documents/{ref}/reviews", tags=["review"], status_code=201, responses=ERRORS)
def add_review(ref: Ref, body: ReviewIn, svc: Svc) -> dict[str, Any]:
    """Record a person's verdict on one claim (like `rhetorica review DOC N --verdict ...`);
    every review is kept, the latest is the claim's verdict."""
    from rhetorica.claims.reviews import pick_claim
    from rhetorica.store.reviews import record_review

    doc = stored_document(svc, ref)
    span = pick_claim(doc, body.claim)
    with svc.store.use() as st:
        done = record_review(st, ref, span.text_in(doc.text), body.verdict, body.reviewer,
                             body.note, body.evidence, span.start, span.end)
    return done.to_dict()


@router.get("/documents/{ref}/reviews/claimreview", tags=["review"], responses=ERRORS)
def reviewed_claimreview(ref: Ref, svc: Svc) -> list[dict[str, Any]]:
    """The statement's reviewed claims as schema.org ClaimReview JSON-LD ("needs more"
    reviews are not published)."""
    from rhetorica.evidence.claimreview import reviewed_claim_reviews
    from rhetorica.store.reviews import latest_reviews

    doc = stored_document(svc, ref)
    with svc.store.use() as st:
        reviews = latest_reviews(st, ref)
    return reviewed_claim_reviews(doc, reviews)


@router.get("/reviews", tags=["review"], responses=ERRORS)
def all_reviews(svc: Svc) -> list[dict[str, Any]]:
    """Every reviewed claim's current verdict, newest first (like `claims --reviewed`)."""
    from rhetorica.store.reviews import latest_reviews

    with svc.store.use() as st:
        return [r.to_dict() for r in latest_reviews(st)]


@router.get("/speakers", response_model=list[SpeakerOut], tags=["store"], responses=ERRORS)
def speakers(svc: Svc) -> list[SpeakerOut]:
    """Speakers with how many statements each (like `rhetorica db speakers`)."""
    with svc.store.use() as st:
        rows = st.speakers()
    return [SpeakerOut(speaker=s, documents=n) for s, n in rows]


@router.get("/speakers/history", tags=["store"], responses=ERRORS)
def speaker_history(svc: Svc, name: Annotated[str, Query(min_length=1, max_length=500)]
                    ) -> list[dict[str, Any]]:
    """Intensity and tone of each of the speaker's statements, by date (their baseline)."""
    with svc.store.use() as st:
        rows = st.speaker_history(name)
    if not rows:
        raise HTTPException(404, f"no stored statements by {name!r}")
    return rows


@router.get("/stats", tags=["store"], responses=ERRORS)
def stats(svc: Svc) -> dict[str, Any]:
    """How much the store holds (like `rhetorica db info`, without the file path)."""
    with svc.store.use() as st:
        data = st.stats()
    data.pop("path", None)
    return data


@router.post("/jobs/ingest", response_model=JobOut, status_code=202, tags=["jobs"],
             responses=ERRORS)
def ingest(body: IngestIn, svc: Svc) -> JobOut:
    """Analyse and store many posts in the background; poll /jobs/{id} for progress."""
    docs = [make_document(svc, p.text, p.model_dump(exclude={"text"})) for p in body.posts]
    job = start_ingest(svc, docs, f"ingest of {len(docs)} posts", body.pipeline)
    return JobOut(**job.to_dict())


@router.post("/jobs/upload", response_model=JobOut, status_code=202, tags=["jobs"],
             responses=ERRORS)
def ingest_upload(svc: Svc, file: Annotated[UploadFile, File(description=".txt/.json/.jsonl")],
                  speaker: Annotated[str | None, Form(max_length=500)] = None) -> JobOut:
    """Upload a file of posts (JSONL, JSON or text) to analyse in the background."""
    name = upload_name(file.filename) or "upload"
    docs = parse_upload(file.file.read(), name, svc.settings.max_body_bytes)
    for doc in docs:
        if speaker and not doc.meta.speaker:
            doc.meta.speaker = speaker
    job = start_ingest(svc, docs, f"ingest of {name} ({len(docs)} posts)")
    return JobOut(**job.to_dict())


@router.get("/jobs", response_model=list[JobOut], tags=["jobs"], responses=ERRORS)
def jobs(svc: Svc) -> list[JobOut]:
    """Recent background jobs, newest first."""
    return [JobOut(**j.to_dict()) for j in svc.jobs.list()]


@router.get("/jobs/{job_id}", response_model=JobOut, tags=["jobs"], responses=ERRORS)
def job(svc: Svc, job_id: Annotated[str, Path(min_length=1, max_length=64)]) -> JobOut:
    """One job's status and progress (the job page polls this)."""
    found = svc.jobs.get(job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id!r}")
    return JobOut(**found.to_dict())


@router.post("/jobs/{job_id}/cancel", response_model=JobOut, tags=["jobs"], responses=ERRORS)
def cancel_job(svc: Svc, job_id: Annotated[str, Path(min_length=1, max_length=64)]) -> JobOut:
    """Ask a running job to stop after its current batch."""
    found = svc.jobs.cancel(job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id!r}")
    return JobOut(**found.to_dict())


__all__ = ["InputError", "router"]
