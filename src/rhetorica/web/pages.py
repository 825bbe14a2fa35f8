"""Server-rendered pages: paste or upload, read the analysis, browse, download.

Pages work without JavaScript; the one script (``static/app.js``) only adds progress polling
for background jobs and click-to-open on claim highlights. Forms post back to the same
origin (the CSP's ``form-action 'self'``), and successful posts redirect (POST/redirect/GET)
so a reload never re-submits a statement.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from rhetorica import __version__, registry
from rhetorica.ingest.errors import InputError
from rhetorica.web.core import (
    Services,
    analyze_and_store,
    export,
    make_document,
    parse_upload,
    services,
    start_ingest,
)
from rhetorica.web.features import features
from rhetorica.web.uploads import upload_name
from rhetorica.web.views import baseline_chart, claim_cards, safe_url

router = APIRouter(include_in_schema=False)
Svc = Annotated[Services, Depends(services)]
DocId = Annotated[str, Path(pattern=r"^[0-9A-Za-z]{1,64}$")]
PAGE_SIZE = 25


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(loader=PackageLoader("rhetorica.web", "templates"),
                    autoescape=select_autoescape(default=True, default_for_string=True),
                    trim_blocks=True, lstrip_blocks=True)
    e.globals.update(version=__version__, safe_url=safe_url)
    e.filters["pathquote"] = lambda v: quote(str(v), safe="")
    e.filters["marks"] = marked_snippet
    return e


def render(_template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("features", features())
    return HTMLResponse(env().get_template(_template).render(**context), status_code=status)


def _recent(svc: Services, n: int = 10):
    with svc.store.use() as st:
        return st.list_documents(limit=n)


@router.get("/", response_class=HTMLResponse)
def index(svc: Svc) -> HTMLResponse:
    return render("index.html.j2", recent=_recent(svc), form={}, error=None,
                  formats=registry.formats.names())


@router.post("/analyze", response_class=HTMLResponse)
def analyze_form(
    svc: Svc,
    text: Annotated[str, Form()] = "",
    speaker: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
) -> Response:
    form = {"text": text, "speaker": speaker, "date": date, "source": source, "title": title,
            "url": url}
    try:
        doc = make_document(svc, text, {k: v or None for k, v in form.items() if k != "text"})
        [(doc, saved)] = analyze_and_store(svc, [doc])
    except InputError as exc:
        return render("index.html.j2", status=400, recent=_recent(svc), form=form,
                      error=str(exc), formats=registry.formats.names())
    return RedirectResponse(f"/documents/{saved.document_id}", status_code=303)


@router.post("/upload", response_class=HTMLResponse)
def upload_form(svc: Svc, file: Annotated[UploadFile, File()],
                speaker: Annotated[str, Form()] = "") -> Response:
    try:
        name = upload_name(file.filename) or "upload"
        docs = parse_upload(file.file.read(), name, svc.settings.max_body_bytes)
    except InputError as exc:
        return render("index.html.j2", status=400, recent=_recent(svc), form={},
                      error=str(exc), formats=registry.formats.names())
    for doc in docs:
        if speaker.strip() and not doc.meta.speaker:
            doc.meta.speaker = speaker.strip()[:500]
    job = start_ingest(svc, docs, f"ingest of {name} ({len(docs)} posts)")
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _load(svc: Services, ref: str):
    with svc.store.use() as st:
        doc = st.get(ref)
    if doc is None:
        raise HTTPException(404, f"no stored statement {ref!r}")
    return doc


@router.get("/documents/{ref}", response_class=HTMLResponse)
def document_page(ref: DocId, svc: Svc) -> HTMLResponse:
    from rhetorica.report.html import render_document

    doc = _load(svc, ref)
    doc_id = doc.results.get("store_id")
    chart, history, baseline = None, [], None
    if doc.meta.speaker:
        with svc.store.use() as st:
            history = st.speaker_history(doc.meta.speaker)
        chart = baseline_chart(history, current_id=doc_id)
        from rhetorica.web.extras import baseline_for

        try:
            baseline = baseline_for(svc, doc.meta.speaker, doc_id)
        except Exception:  # an optional add-on must never break the analysis page
            baseline = None
    return render("document.html.j2", d=render_document(doc), doc=doc, doc_id=doc_id,
                  claims=claim_cards(doc), chart=chart, history=history, baseline=baseline,
                  formats=registry.formats.names(), title=doc.meta.title or "Analysis")


@router.get("/documents/{ref}/download/{fmt}")
def download(ref: DocId, svc: Svc,
             fmt: Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,32}$")]) -> Response:
    doc = _load(svc, ref)
    body, media, ext = export(doc, fmt)
    name = f"rhetorica-{doc.results.get('store_id', 'doc')}.{ext}"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/documents/{ref}/delete")
def delete_page(ref: DocId, svc: Svc) -> Response:
    with svc.store.use() as st:
        if not st.delete(ref):
            raise HTTPException(404, f"no stored statement {ref!r}")
    return RedirectResponse("/documents", status_code=303)


SEARCH_CAP = 1000  # matches counted for the heading; more show as "1000+"


def marked_snippet(snippet: str | None) -> Markup:
    """A search snippet, escaped, with the store's match markers as <mark>."""
    from rhetorica.store.base import MATCH_END, MATCH_START

    text = str(escape(snippet or ""))
    return Markup(text.replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>"))


@router.get("/documents", response_class=HTMLResponse)
def documents_page(
    svc: Svc,
    q: Annotated[str, Query(max_length=500)] = "",
    speaker: Annotated[str, Query(max_length=500)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    with svc.store.use() as st:
        if q.strip():
            # the matches are counted (up to SEARCH_CAP) so the heading says how many there
            # are, not how many statements are stored
            found = st.search(q, limit=SEARCH_CAP)
            total = len(found)
            rows = found[PAGE_SIZE * (page - 1):PAGE_SIZE * page + 1]
        else:
            rows = st.list_documents(speaker=speaker or None, limit=PAGE_SIZE + 1,
                                     offset=PAGE_SIZE * (page - 1))
            total = (dict((k.casefold(), n) for k, n in st.speakers()).get(speaker.casefold(), 0)
                     if speaker else st.stats().get("documents", 0))
    more = len(rows) > PAGE_SIZE
    return render("documents.html.j2", rows=rows[:PAGE_SIZE], q=q, speaker=speaker, page=page,
                  more=more, total=total, capped=bool(q.strip()) and total >= SEARCH_CAP,
                  title="Stored statements")


@router.get("/speakers", response_class=HTMLResponse)
def speakers_page(svc: Svc) -> HTMLResponse:
    with svc.store.use() as st:
        rows = st.speakers()
    return render("speakers.html.j2", rows=rows, title="Speakers")


@router.get("/speakers/{name:path}", response_class=HTMLResponse)
def speaker_page(svc: Svc, name: Annotated[str, Path(min_length=1, max_length=500)]
                 ) -> HTMLResponse:
    with svc.store.use() as st:
        history = st.speaker_history(name)
        rows = st.list_documents(speaker=name, limit=200)
    if not rows:
        raise HTTPException(404, f"no stored statements by {name!r}")
    return render("speaker.html.j2", name=name, chart=baseline_chart(history), rows=rows,
                  history=history, title=name)


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(svc: Svc) -> HTMLResponse:
    return render("jobs.html.j2", jobs=[j.to_dict() for j in svc.jobs.list()], title="Jobs")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(svc: Svc, job_id: Annotated[str, Path(min_length=1, max_length=64)]) -> HTMLResponse:
    job = svc.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id!r}")
    return render("job.html.j2", job=job.to_dict(), title=job.title)


@router.post("/jobs/{job_id}/cancel")
def cancel_job_page(svc: Svc, job_id: Annotated[str, Path(min_length=1, max_length=64)]
                    ) -> Response:
    if svc.jobs.cancel(job_id) is None:
        raise HTTPException(404, f"no job {job_id!r}")
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/features/{name}", response_class=HTMLResponse)
def feature_page(name: Annotated[str, Path(max_length=40)]) -> HTMLResponse:
    """Placeholder for optional areas (corpus, watch lists...) this installation lacks."""
    return render("unavailable.html.j2", status=404 if not features().get(name) else 200,
                  name=name, title=name)


@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request) -> HTMLResponse:
    """The API reference, rendered from the OpenAPI schema (Swagger UI would need a CDN)."""
    schema = request.app.openapi()
    ops = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            ops.append({"method": method.upper(), "path": path,
                        "summary": op.get("description") or op.get("summary", ""),
                        "tags": ", ".join(op.get("tags", []))})
    return render("api.html.j2", ops=ops, title="HTTP API")
