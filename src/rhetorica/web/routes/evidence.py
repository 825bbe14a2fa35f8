"""Routes for the optional areas: verification, evidence corpus, speaker baseline, watch.

Each is built by another part of Rhetorica and may be missing from an installation; every
route checks :func:`~rhetorica.web.features.available` first and answers 404 "not available
in this installation" rather than failing on an import. They call the same functions the
CLI commands call (``rhetorica verify``, ``corpus``, ``baseline``, ``watch timeline``), so
the web and the CLI give the same answers.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from rhetorica import __version__
from rhetorica.ingest.errors import InputError
from rhetorica.web.core import Services, baseline_for, clean_text, services
from rhetorica.web.features import available
from rhetorica.web.jobs import JobCancelled
from rhetorica.web.render import render
from rhetorica.web.routes.api import ErrorOut
from rhetorica.web.uploads import upload_name

api = APIRouter(prefix="/api/v1")
pages = APIRouter(include_in_schema=False)
Svc = Annotated[Services, Depends(services)]
DocId = Annotated[str, Path(pattern=r"^[0-9A-Za-z]{1,64}$")]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 404, 413, 422, 503)}


def need(name: str) -> None:
    if not available(name):
        raise HTTPException(404, f"{name} is not available in this installation")


# -- verification ---------------------------------------------------------------------------
class VerifyIn(BaseModel):
    claims: list[str] = Field(..., min_length=1, max_length=50,
                              description="Claim sentences to check against the corpus.")
    k: int = Field(5, ge=1, le=50, description="Passages per claim.")
    since: str | None = Field(None, max_length=40, description="Evidence on/after (ISO date).")
    until: str | None = Field(None, max_length=40, description="Evidence on/before (ISO date).")
    sources: list[str] = Field(default_factory=list, max_length=50)
    mode: str = Field("hybrid", pattern=r"^(hybrid|bm25|dense)$")


def _corpus(svc: Services):
    from rhetorica.store.corpus import corpus_store_for

    # Shares the app's connection, whichever backend it is; never closed here.
    return corpus_store_for(svc.store.store)


@api.post("/verify", tags=["evidence"], responses=ERRORS)
def verify(body: VerifyIn, svc: Svc) -> list[dict[str, Any]]:
    """Verdict, calibrated confidence and cited passages per claim (like `rhetorica verify`)."""
    need("verify")
    from rhetorica.evidence.index import HybridIndex
    from rhetorica.evidence.verify import Verifier
    from rhetorica.ingest.corpus import normalise_date
    from rhetorica.store.corpus import Filters

    claims = [clean_text(c.strip(), "claims", 5000) or "" for c in body.claims]
    if not all(claims):
        raise InputError("claims", "contains an empty claim")
    for name, value in (("since", body.since), ("until", body.until)):
        if value and normalise_date(value) is None:
            raise InputError(name, f"{value!r} is not a date (use YYYY-MM-DD)")
    with svc.store.use():
        corpus = _corpus(svc)
        if corpus.stats()["passages"] == 0:
            raise InputError("corpus", "the evidence corpus is empty; add documents first "
                             "(`rhetorica corpus add` or the Corpus page)")
        verifier = Verifier(HybridIndex(corpus), k=body.k)
        filters = Filters(normalise_date(body.since) if body.since else None,
                          normalise_date(body.until) if body.until else None,
                          tuple(body.sources))
        results = [verifier.verify(c, filters=filters, mode=body.mode) for c in claims]
    return [{"claim": {"text": r.claim, "start": 0, "end": len(r.claim)},
             **{k: v for k, v in r.to_dict().items() if k != "claim"}} for r in results]


MAX_VERIFIED_CLAIMS = 10


@pages.post("/documents/{ref}/verify")
def verify_document(ref: DocId, svc: Svc) -> Response:
    """Verify the statement's top claims against the corpus in the background.

    The reader asked for these claims to be checked, so every claim on the page is verified
    (best first, at most ten), not only those above the ``verify`` component's threshold.
    Results go where that component puts them (``results["evidence"]``, keyed by offsets), so
    the evidence section and the claim cards show them.
    """
    need("verify")
    with svc.store.use() as st:
        doc = st.get(ref)
    if doc is None:
        raise HTTPException(404, f"no stored statement {ref!r}")
    doc_id = doc.results.get("store_id")
    ranked = sorted(doc.layer("claim"), key=lambda c: -c.score)
    claims = ranked[:MAX_VERIFIED_CLAIMS]

    def work(job) -> dict[str, Any]:
        from rhetorica.evidence.index import HybridIndex
        from rhetorica.evidence.verify import Verifier

        job.advance(0, "loading the evidence models")
        with svc.store.use():
            corpus = _corpus(svc)
            if corpus.stats()["passages"] == 0:
                raise InputError("corpus", "the evidence corpus is empty; add documents on the "
                                 "Corpus page first")
            verifier = Verifier(HybridIndex(corpus))
            items = []
            for c in claims:
                job.check()
                res = verifier.verify(c.text_in(doc.text))
                items.append({"claim": {"start": c.start, "end": c.end,
                                        "text": c.text_in(doc.text), "score": c.score},
                              **{k: v for k, v in res.to_dict().items() if k != "claim"}})
                job.advance(1, f"verified {len(items)} of {len(claims)} claim(s)")
        doc.results["evidence"] = items
        # said on the page: which claims were checked, so none looks checked that was not
        doc.results["evidence_scope"] = {"verified": len(claims), "claims": len(ranked),
                                         "limit": MAX_VERIFIED_CLAIMS}
        doc.results.pop("store_id", None)
        with svc.store.use() as st:
            # Onto the statement read above only: deleted meanwhile, it stays deleted.
            if not st.replace_analysis(doc, doc_id, version=__version__):
                raise JobCancelled(f"statement {doc_id} was deleted while it was being "
                                   "verified; the verdicts were discarded")
        return {"document_url": f"/documents/{doc_id}",
                "verdicts": [it["verdict"] for it in items]}

    job = svc.jobs.submit("verify", f"verification of statement {doc_id}", work,
                          total=len(claims), size=len(doc.text))
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# -- baseline -------------------------------------------------------------------------------
@api.get("/speakers/baseline", tags=["store"], responses=ERRORS)
def speaker_baseline(svc: Svc, name: Annotated[str, Query(min_length=1, max_length=500)],
                     statement: Annotated[int | None, Query(ge=1)] = None) -> dict[str, Any]:
    """Compare a statement (default: the latest) with the speaker's own history."""
    need("baseline")
    result = baseline_for(svc, name, statement)
    if result is None:
        raise HTTPException(404, f"no baseline for {name!r}" + (
            f" and statement {statement}" if statement else ""))
    return result


# -- corpus ---------------------------------------------------------------------------------
@api.get("/corpus", tags=["evidence"], responses=ERRORS)
def corpus_list(svc: Svc, source: Annotated[str | None, Query(max_length=500)] = None,
                since: Annotated[date | None, Query()] = None,
                until: Annotated[date | None, Query()] = None,
                language: Annotated[str | None, Query(max_length=35)] = None,
                group: Annotated[int | None, Query(ge=1)] = None,
                limit: Annotated[int, Query(ge=1, le=500)] = 50,
                offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> list[dict[str, Any]]:
    """Evidence documents, newest first, filtered by source, publication date (inclusive;
    undated documents match no date filter), declared language or wire-copy group (like
    `rhetorica corpus list`)."""
    need("corpus")
    with svc.store.use():
        return _corpus(svc).list_documents(
            source=source, since=since.isoformat() if since else None,
            until=until.isoformat() if until else None, language=language, group=group,
            limit=limit, offset=offset)


@api.get("/corpus/stats", tags=["evidence"], responses=ERRORS)
def corpus_stats(svc: Svc) -> dict[str, Any]:
    """Size of the evidence corpus (like `rhetorica corpus stats`)."""
    need("corpus")
    with svc.store.use():
        return _corpus(svc).stats()


@api.get("/corpus/{ref}", tags=["evidence"], responses=ERRORS)
def corpus_document(svc: Svc, ref: DocId) -> dict[str, Any]:
    """One corpus document by id or key prefix: metadata with each field's provenance, and
    its passages with offsets (like `rhetorica corpus show`)."""
    need("corpus")
    with svc.store.use():
        doc = _corpus(svc).document(int(ref) if ref.isdigit() else ref)
    if doc is None:
        raise HTTPException(404, f"no corpus document {ref!r}")
    return doc


def start_corpus_ingest(svc: Services, data: bytes, filename: str | None, source: str | None):
    """Read the upload now (bad input fails the request), index it in a background job.

    The file is parsed in a worker process with a time, memory and size bound (PDF and HTML
    parsers can be made to work far beyond a file's size); its source, unless given or
    named inside the file, is the file's name, or "upload".
    """
    name = upload_name(filename) or "upload"
    source = clean_text((source or "").strip(), "source", 500) or None
    docs = svc.uploads.read_corpus(data, name if filename else None, source)
    if not docs:
        raise InputError(name, "no documents found in the file")

    def work(job) -> dict[str, Any]:
        from rhetorica.evidence.embed import get_embedder

        job.advance(0, "loading the embedding model")
        model = get_embedder("wordllama")
        with svc.store.use():
            report = _corpus(svc).add_documents(
                docs, model.encode, model.name,
                progress=lambda n: job.advance(n, f"indexed {job.done + n} of {len(docs)}"))
        return {**report.to_dict(), "document_url": "/corpus"}

    return svc.jobs.submit("corpus", f"corpus ingest of {name} ({len(docs)} documents)", work,
                           total=len(docs), size=sum(len(d.text) for d in docs))


@api.post("/corpus/upload", status_code=202, tags=["evidence"], responses=ERRORS)
def corpus_upload(svc: Svc, file: Annotated[UploadFile, File()],
                  source: Annotated[str | None, Form(max_length=500)] = None) -> dict[str, Any]:
    """Add a file (text, Markdown, HTML, PDF, JSON/JSONL, RSS/Atom) to the corpus, in the
    background; poll /jobs/{id}."""
    need("corpus")
    return start_corpus_ingest(svc, file.file.read(), file.filename, source).to_dict()


@pages.get("/corpus", response_class=HTMLResponse)
def corpus_page(svc: Svc, page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    if not available("corpus"):
        return render("unavailable.html.j2", status=404, name="corpus", title="corpus")
    with svc.store.use():
        corpus = _corpus(svc)
        stats = corpus.stats()
        rows = corpus.list_documents(limit=51, offset=50 * (page - 1))
    return render("corpus.html.j2", stats=stats, rows=rows[:50], more=len(rows) > 50,
                  page=page, error=None, title="Evidence corpus")


@pages.get("/corpus/{ref}", response_class=HTMLResponse)
def corpus_document_page(svc: Svc, ref: DocId) -> HTMLResponse:
    """One corpus document down to its passages: what verification retrieves and cites."""
    if not available("corpus"):
        return render("unavailable.html.j2", status=404, name="corpus", title="corpus")
    doc = corpus_document(svc, ref)
    return render("corpus_document.html.j2", doc=doc,
                  title=doc.get("title") or f"Corpus document {doc['id']}")


@pages.post("/corpus/upload")
def corpus_upload_page(svc: Svc, file: Annotated[UploadFile, File()],
                       source: Annotated[str, Form()] = "") -> Response:
    need("corpus")
    try:
        job = start_corpus_ingest(svc, file.file.read(), file.filename,
                                  source.strip()[:500])
    except InputError as exc:
        with svc.store.use():
            corpus = _corpus(svc)
            stats, rows = corpus.stats(), corpus.list_documents(limit=50)
        return render("corpus.html.j2", status=400, stats=stats, rows=rows, more=False, page=1,
                      error=str(exc), title="Evidence corpus")
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# -- watch ----------------------------------------------------------------------------------
def _timeline(svc: Services, topic: str | None, since: str | None, until: str | None):
    from rhetorica.monitor.timeline import build_timeline

    with svc.store.use() as st:
        return build_timeline(st, topic=topic or None, since=since or None, until=until or None)


def _alerts(svc: Services, limit: int = 200) -> list[dict[str, Any]]:
    from rhetorica.monitor.watcher import row_to_alert

    with svc.store.use() as st:
        rows = st.query("SELECT * FROM alerts ORDER BY date DESC, id DESC LIMIT ?", [limit])
        return [{**row_to_alert(r).to_dict(), "delivered_at": r["delivered_at"]} for r in rows]


Topic = Annotated[str | None, Query(max_length=200)]
Day = Annotated[str | None, Query(max_length=40)]


@api.get("/watch/timeline", tags=["watch"], responses=ERRORS)
def watch_timeline(svc: Svc, topic: Topic = None, since: Day = None, until: Day = None
                   ) -> dict[str, Any]:
    """Indicator hits per day and speakers' intensity over time (`rhetorica watch timeline`)."""
    need("watch")
    return _timeline(svc, topic, since, until).to_dict()


@api.get("/watch/alerts", tags=["watch"], responses=ERRORS)
def watch_alerts(svc: Svc, limit: Annotated[int, Query(ge=1, le=1000)] = 100
                 ) -> list[dict[str, Any]]:
    """Alerts the watcher raised, newest first (like `rhetorica watch alerts`)."""
    need("watch")
    return _alerts(svc, limit)


@pages.get("/watch/timeline.svg")
def watch_chart(svc: Svc, topic: Topic = None, since: Day = None, until: Day = None
                ) -> Response:
    """The timeline chart as an image: an <img> cannot run script, whatever labels it holds."""
    need("watch")
    from rhetorica.monitor.timeline import render_chart

    svg = render_chart(_timeline(svc, topic, since, until), "svg")
    return Response(svg, media_type="image/svg+xml",
                    headers={"Content-Security-Policy": "default-src 'none'; "
                             "style-src 'unsafe-inline'"})


@pages.get("/watch", response_class=HTMLResponse)
def watch_page(svc: Svc, topic: Topic = None, since: Day = None, until: Day = None
               ) -> HTMLResponse:
    from urllib.parse import urlencode

    if not available("watch"):
        return render("unavailable.html.j2", status=404, name="watch", title="watch")
    tl = _timeline(svc, topic, since, until)
    query = urlencode({k: v for k, v in (("topic", topic), ("since", since), ("until", until))
                       if v})
    return render("watch.html.j2", tl=tl, alerts=_alerts(svc, 100), topic=topic or "",
                  since=since or "", until=until or "", chart_query=query,
                  title="Watch timeline")
