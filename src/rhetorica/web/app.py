"""The FastAPI application factory.

``create_app(settings)`` builds everything once: the pipeline worker, the store, the job
runner, the middlewares. Tests create as many apps as they like, each with its own store;
``rhetorica serve`` creates one and hands it to uvicorn.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from rhetorica import __version__
from rhetorica.ingest.errors import InputError
from rhetorica.store.base import StoreError
from rhetorica.web.core import Services
from rhetorica.web.jobs import JobQueueFull, JobRunner
from rhetorica.web.security import (
    AccessMiddleware,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    wants_json,
)
from rhetorica.web.services import AnalysisService, ServiceBusy, StoreAccess
from rhetorica.web.settings import WebSettings
from rhetorica.web.uploads import ParseLimits, UploadParser

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "too_large", 422: "invalid", 503: "unavailable",
         500: "internal"}


def _error(request: Request, status: int, message: str) -> JSONResponse | HTMLResponse:
    message = " ".join(message.split())  # one line, whatever the user's input contained
    if wants_json(request.scope):
        return JSONResponse({"error": {"status": status, "code": CODES.get(status, "error"),
                                       "message": message}}, status_code=status)
    from rhetorica.web.render import render

    return render("error.html.j2", status=status, status_code=status, message=message,
                  title=f"Error {status}")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body",)) or "request"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    more = len(exc.errors()) - 5
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def create_app(settings: WebSettings | None = None, *, pipeline: Any = None) -> FastAPI:
    """Build the app. ``pipeline`` lets tests share one loaded Pipeline between apps."""
    settings = settings or WebSettings()
    settings.check()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.services.close()

    app = FastAPI(
        title="Rhetorica", version=__version__, lifespan=lifespan,
        description="Analyse political statements: claims, rhetoric, entities and more. "
                    "Errors are JSON: {\"error\": {\"status\", \"code\", \"message\"}}.",
        openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None,
    )
    app.state.services = Services(
        settings=settings,
        analysis=AnalysisService(settings.core, pipeline, max_batch=settings.max_batch,
                                 processes=settings.analysis_processes,
                                 max_queue=settings.max_queued_analyses,
                                 max_queue_chars=settings.max_queued_chars),
        store=StoreAccess(settings.core.db),
        jobs=JobRunner(settings.job_workers, max_pending=settings.max_pending_jobs,
                       max_pending_chars=settings.max_pending_job_chars),
        uploads=UploadParser(ParseLimits(seconds=settings.upload_parse_seconds,
                                         memory_bytes=settings.upload_parse_memory,
                                         max_chars=settings.upload_max_chars),
                             workers=settings.upload_workers),
    )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return _error(request, 422, _validation_message(exc))

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):
        return _error(request, 400, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        return _error(request, 503, str(exc))

    @app.exception_handler(ServiceBusy)
    async def busy(request: Request, exc: ServiceBusy):
        response = _error(request, 503, f"server busy: {exc}")
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(JobQueueFull)
    async def jobs_full(request: Request, exc: JobQueueFull):
        response = _error(request, 503, f"server busy: {exc}")
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        return _error(request, 500, f"internal error ({type(exc).__name__}); the server log "
                                    "has the details")

    from rhetorica.web.routes import api, evidence, pages

    app.include_router(api.router)
    app.include_router(evidence.api)
    app.include_router(pages.router)
    app.include_router(evidence.pages)
    from importlib import resources

    app.mount("/static", StaticFiles(directory=str(resources.files("rhetorica.web") / "static")),
              name="static")

    # Outermost first: headers on every response, then the body cap, then access control.
    app.add_middleware(AccessMiddleware, settings=settings)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
