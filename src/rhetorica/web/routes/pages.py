"""Server-rendered pages: paste or upload, read and review the analysis, browse, download.

The document page is a reviewer's workspace: the text with its claims marked (each a link
to its card beside the text) and its rhetoric highlighted, a review form on every claim card,
the claims exported as CSV or JSON, and "edit and analyse again". Pages work without
JavaScript; the one script (``static/app.js``) only adds progress polling for background
jobs, opening the card of a linked claim, and one voice at a time. Forms post back to the same
origin (the CSP's ``form-action 'self'``), and successful posts redirect (POST/redirect/GET)
so a reload never re-submits a statement.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rhetorica import registry
from rhetorica.ingest.errors import InputError
from rhetorica.web.core import (
    Services,
    analyze_and_store,
    baseline_for,
    make_document,
    parse_upload,
    services,
    start_ingest,
    stored_document,
)
from rhetorica.web.core import (
    download as download_file,
)
from rhetorica.web.features import features
from rhetorica.web.render import render
from rhetorica.web.uploads import upload_name
from rhetorica.web.views import baseline_chart, claim_anchor, claim_cards, marked_text

router = APIRouter(include_in_schema=False)
Svc = Annotated[Services, Depends(services)]
DocId = Annotated[str, Path(pattern=r"^[0-9A-Za-z]{1,64}$")]
PAGE_SIZE = 25


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
    revises: Annotated[str, Form(pattern=r"^[0-9]{0,18}$")] = "",
) -> Response:
    """Analyse a pasted statement; ``revises``: the id of the statement this text was
    edited from (the document page's "edit and analyse again"), whose reviews carry over
    to the claims the edit left as they were."""
    form = {"text": text, "speaker": speaker, "date": date, "source": source, "title": title,
            "url": url}
    try:
        doc = make_document(svc, text, {k: v or None for k, v in form.items() if k != "text"})
        [(doc, saved)] = analyze_and_store(svc, [doc])
    except InputError as exc:
        return render("index.html.j2", status=400, recent=_recent(svc), form=form,
                      error=str(exc), formats=registry.formats.names())
    if revises and int(revises) != saved.document_id:
        _carry_reviews(svc, int(revises), doc, saved.document_id)
    return RedirectResponse(f"/documents/{saved.document_id}", status_code=303)


def _carry_reviews(svc: Services, old: int, doc: Any, new: int) -> None:
    """Copy the current review of each claim of statement ``old`` that ``doc`` (stored as
    ``new``) still makes word for word, saying where it came from."""
    from rhetorica.claims.reviews import claims_in_order
    from rhetorica.store.reviews import claim_key, latest_reviews, record_review

    with svc.store.use() as st:
        try:
            reviews = {claim_key(r.claim_text): r for r in latest_reviews(st, old)}
        except InputError:
            return  # the earlier statement was deleted meanwhile: nothing to carry
        for c in claims_in_order(doc):
            r = reviews.get(claim_key(c.text_in(doc.text)))
            if r is not None:
                note = f"{r.note} (carried over from statement {old})".strip()
                record_review(st, new, r.claim_text, r.verdict, r.reviewer, note, r.evidence,
                              c.start, c.end)


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


REVIEWER_COOKIE = "rhetorica_reviewer"  # the name last used to review, to fill the form in


def _cards(svc: Services, doc: Any) -> list[dict[str, Any]]:
    from rhetorica.store.reviews import latest_reviews

    with svc.store.use() as st:
        reviews = latest_reviews(st, doc.results["store_id"])
    return claim_cards(doc, reviews)


@router.get("/documents/{ref}", response_class=HTMLResponse)
def document_page(ref: DocId, svc: Svc, request: Request) -> HTMLResponse:
    from rhetorica.report.html import family_styles, render_document
    from rhetorica.store.reviews import VERDICTS

    doc = stored_document(svc, ref)
    doc_id = doc.results.get("store_id")
    cards = _cards(svc, doc)
    marked = marked_text(doc, cards, *family_styles())
    chart, history, baseline = None, [], None
    if doc.meta.speaker:
        with svc.store.use() as st:
            history = st.speaker_history(doc.meta.speaker)
        chart = baseline_chart(history, current_id=doc_id)
        try:
            baseline = baseline_for(svc, doc.meta.speaker, doc_id)
        except Exception:  # an optional add-on must never break the analysis page
            baseline = None
    return render("document.html.j2", d=render_document(doc, marked), doc=doc,
                  doc_id=doc_id, claims=cards, chart=chart, history=history,
                  baseline=baseline, formats=registry.formats.names(),
                  title=doc.meta.title or "Analysis", review_verdicts=VERDICTS,
                  reviewer=request.cookies.get(REVIEWER_COOKIE, "")[:200],
                  voices=_voices(doc))


def _voices(doc: Any) -> list[dict[str, Any]]:
    """The voices of the text for "one voice at a time": each quoted speaker with the
    spans of their quotes (the author is everything else)."""
    by: dict[str, list[list[int]]] = {}
    for q in doc.layer("quote"):
        who = str(q.attrs.get("speaker") or "unattributed")
        by.setdefault(who, []).append([q.start, q.end])
    return [{"name": k, "spans": v} for k, v in sorted(by.items())]


@router.post("/documents/{ref}/claims/{anchor}/review")
def review_form(
    ref: DocId, svc: Svc,
    anchor: Annotated[str, Path(pattern=r"^claim-[0-9a-f]{12}$")],
    verdict: Annotated[str, Form()] = "",
    reviewer: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
    evidence: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Record a person's verdict on one claim, then back to its card (POST/redirect/GET);
    the reviewer's name is remembered in a cookie to fill the next form in."""
    from rhetorica.store.reviews import record_review

    doc = stored_document(svc, ref)
    span = next((c for c in doc.layer("claim")
                 if claim_anchor(c.text_in(doc.text)) == anchor), None)
    if span is None:
        raise HTTPException(404, "no such claim in this statement (it may have changed)")
    try:
        with svc.store.use() as st:
            record_review(st, doc.results["store_id"], span.text_in(doc.text), verdict,
                          reviewer, note, [e.strip() for e in evidence.splitlines()
                                           if e.strip()], span.start, span.end)
    except InputError as exc:
        return render("error.html.j2", status=400, status_code=400, message=str(exc),
                      back=f"/documents/{ref}#{anchor}")
    resp = RedirectResponse(f"/documents/{ref}#{anchor}", status_code=303)
    resp.set_cookie(REVIEWER_COOKIE, " ".join(reviewer.split())[:200], max_age=365 * 86400,
                    samesite="strict", httponly=True)
    return resp


CLAIM_COLUMNS = ("n", "rank", "start", "end", "claim", "check_worthiness", "check_worthy",
                 "claim_type", "model_verdict", "model_confidence", "review_verdict",
                 "review_note", "review_evidence", "reviewer", "reviewed_at", "link")


def claim_rows(svc: Services, doc: Any, base: str) -> list[dict[str, Any]]:
    """The claims table as exported: one row per claim in text order, the model's verdict
    beside the person's, and the stable link to the claim's card."""
    rows = []
    for c in sorted(_cards(svc, doc), key=lambda c: c["n"]):
        r = c["review"] or {}
        rows.append({
            "n": c["n"], "rank": c["rank"], "start": c["start"], "end": c["end"],
            "claim": c["text"], "check_worthiness": round(float(c["score"]), 4),
            "claim_type": c["type"], "check_worthy": c["label"] == "check worthy",
            "model_verdict": c["model_verdict"],
            "model_confidence": c["confidence"], "review_verdict": r.get("verdict"),
            "review_note": r.get("note"), "review_evidence": r.get("evidence") or [],
            "reviewer": r.get("reviewer"), "reviewed_at": r.get("reviewed_at"),
            "link": f"{base}/documents/{doc.results['store_id']}#{c['anchor']}"})
    return rows


@router.get("/documents/{ref}/claims.{ext}")
def claims_export(ref: DocId, svc: Svc, request: Request,
                  ext: Annotated[str, Path(pattern=r"^(csv|json)$")]) -> Response:
    """The claims with the model's and the reviewers' verdicts, as CSV or JSON."""
    import csv
    import io
    import json

    doc = stored_document(svc, ref)
    rows = claim_rows(svc, doc, str(request.base_url).rstrip("/"))
    name = f"rhetorica-{doc.results.get('store_id')}-claims.{ext}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if ext == "json":
        return Response(json.dumps(rows, ensure_ascii=False, indent=2), headers=headers,
                        media_type="application/json")
    buf = io.StringIO()
    out = csv.DictWriter(buf, CLAIM_COLUMNS)
    out.writeheader()
    for row in rows:
        # a cell a spreadsheet would run as a formula starts with a quote instead
        out.writerow({k: _cell("; ".join(v) if isinstance(v, list) else v)
                      for k, v in row.items()})
    return Response(buf.getvalue(), headers=headers, media_type="text/csv; charset=utf-8")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@router.get("/documents/{ref}/download/{fmt}")
def download(ref: DocId, svc: Svc,
             fmt: Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,32}$")],
             unreviewed: Annotated[bool, Query()] = False) -> Response:
    """A report of the statement with its reviews; ``claimreview`` publishes the reviewed
    claims (``?unreviewed=1`` adds automated verdicts firm enough to rate)."""
    return download_file(svc, stored_document(svc, ref), fmt, unreviewed)


@router.post("/documents/{ref}/delete")
def delete_page(ref: DocId, svc: Svc) -> Response:
    with svc.store.use() as st:
        if not st.delete(ref):
            raise HTTPException(404, f"no stored statement {ref!r}")
    return RedirectResponse("/documents", status_code=303)


SEARCH_CAP = 1000  # matches counted for the heading; more show as "1000+"


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
