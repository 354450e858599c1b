"""The FastAPI application: ``create_app(settings)`` builds it, ``legdx serve`` runs it.

At startup (lifespan) it opens the store (running migrations), purges records past their
retention (then once a day), rebuilds the condition search index from the knowledge base, and
warms the free-text reader. Errors are translated once here:
:class:`~legdx.errors.InvalidCase` -> 422 with the one-line message, StoreError -> 503, unknown
ids -> 404; pages get HTML, ``/api/`` gets JSON. The middleware (``web/middleware.py``) adds
security headers, the access log, rate limits, the CSRF origin check and the audit trail.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from legdx.errors import InvalidCase, StoreError, TextReaderUnavailable
from legdx.kb.compile import CompiledKB
from legdx.store import open_store
from legdx.store.db import Store
from legdx.store.search import rebuild_search_index
from legdx.web.middleware import (
    AuditMiddleware,
    BodyLimitMiddleware,
    GuardMiddleware,
    RateLimiter,
    SecurityHeadersMiddleware,
    ShieldMiddleware,
)
from legdx.web.settings import Settings

__all__ = ["create_app"]

log = logging.getLogger(__name__)
API_PREFIX = "/api/"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/healthz"


class ErrorJSONResponse(JSONResponse):
    """JSON with non-ASCII escaped: an error may quote a lone surrogate, which UTF-8 cannot encode."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _error_json(status: int, field: str | None, problem: str, headers: dict[str, str] | None = None) -> JSONResponse:
    detail = f"{field}: {problem}" if field else problem
    return ErrorJSONResponse(
        {"detail": detail, "field": field, "problem": problem}, status_code=status, headers=headers
    )


def _problems_json(exc: InvalidCase) -> JSONResponse:
    """422 for bad input: ``detail`` is the one ``field: problem`` line, or the list of them when several."""
    lines = exc.lines()
    detail: str | list[str] = lines[0] if len(lines) == 1 else lines
    return ErrorJSONResponse({"detail": detail, "field": exc.field, "problem": exc.problem}, status_code=422)


def _error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "message": message, "status": status}, status_code=status
    )


def _split(detail: str) -> tuple[str | None, str]:
    field, sep, problem = detail.partition(": ")
    return (field, problem) if sep and " " not in field else (None, detail)


def _validation_message(errors: list[Any]) -> tuple[str, str]:
    err = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
    field = ".".join(loc) or "body"
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    if err.get("type") == "extra_forbidden":
        msg = "is not an allowed field"
    elif err.get("type") == "missing":
        msg = "is required"
    elif "input" in err and err.get("type") not in ("json_invalid",):
        shown = repr(err["input"])
        if len(shown) <= 60:
            msg = f"{msg}, got {shown}"
    return field, msg


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(InvalidCase)
    async def invalid_case(request: Request, exc: InvalidCase) -> Response:
        if _is_api(request):
            return _problems_json(exc)
        return _error_page(request, 422, "That could not be used", "; ".join(exc.lines()))

    async def invalid_input(request: Request, exc: Exception) -> Response:
        """Request-body and model validation errors share one 422 shape (field: problem)."""
        assert isinstance(exc, RequestValidationError | ValidationError)
        field, msg = _validation_message(list(exc.errors()))
        if _is_api(request):
            return _error_json(422, field, msg)
        return _error_page(request, 422, "That could not be used", f"{field}: {msg}")

    app.add_exception_handler(RequestValidationError, invalid_input)
    app.add_exception_handler(ValidationError, invalid_input)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error: %s", exc)
        if _is_api(request):
            return _error_json(503, "database", "temporarily unavailable; nothing was stored, please retry")
        return _error_page(request, 503, "Please try again", "We could not save this just now; nothing was stored.")

    @app.exception_handler(TextReaderUnavailable)
    async def reader_down(request: Request, exc: TextReaderUnavailable) -> Response:
        if _is_api(request):
            return _error_json(503, "text", "the free-text reader is unavailable; send findings instead")
        return _error_page(request, 503, "Please try again", "We could not read your description just now.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # FastAPI's own body parsing (the interview) turns json.loads's ValueError for an
            # integer of more than 4300 digits, or bytes that are not UTF-8, into a bare 400.
            problem = (
                "is not UTF-8 text"
                if isinstance(exc.__cause__, UnicodeDecodeError)
                else "holds an integer of more than 4300 digits or cannot be read as JSON"
            )
            return _error_json(422, "body", problem)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        if _is_api(request):
            field, problem = _split(str(exc.detail))
            return _error_json(exc.status_code, field, problem, headers)
        if exc.status_code == 404:
            return _error_page(
                request, 404, "Not found", "There is nothing at this address. It may have been mistyped."
            )
        return _error_page(request, exc.status_code, "Something was not right", str(exc.detail))


def _allowed_methods(request: Request) -> list[str]:
    """Every method any route serves at this path (Starlette reports only the first route's)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def _questions(ckb: CompiledKB) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every question the interview can ask: id -> (kind, finding ids)."""
    from legdx.interview import question_catalogue

    return {qid: (str(kind), ids) for qid, (kind, ids) in question_catalogue(ckb).items()}


# Answers the middleware or the server itself can give to any write, beside each route's own.
WRITE_ERRORS = {
    "403": "A form or request from another site (Origin check)",
    "408": "The body was not received in time",
    "413": "Request body too large",
    "415": "The body is not `application/json`",
    "429": "Too many requests from this client; see `Retry-After`",
}


def _custom_openapi(app: FastAPI, ckb: CompiledKB, settings: Settings) -> None:
    from fastapi.openapi.utils import get_openapi

    from legdx.web.schemas import case_json_schema, interview_json_schema, interview_state_json_schema

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        questions = _questions(ckb)
        components["CaseIn"] = case_json_schema(ckb.kb)
        components["InterviewStateIn"] = interview_state_json_schema(ckb.kb, list(questions))
        components["InterviewIn"] = interview_json_schema(ckb.kb, questions)
        components.pop("InterviewAnswerIn", None)
        # every error in this API has the ErrorOut shape (one-line detail), not FastAPI's default list
        error_ref = {"$ref": "#/components/schemas/ErrorOut"}

        def error(description: str) -> dict[str, Any]:
            return {"description": description, "content": {"application/json": {"schema": error_ref}}}

        for operations in schema.get("paths", {}).values():
            for method, op in operations.items():
                responses = op.setdefault("responses", {})
                if "422" in responses:
                    responses["422"] = error("Bad input: `detail` names the field and the problem")
                responses.setdefault("400", error("The Host header is not one this server answers to"))
                if method == "post":
                    for code, description in WRITE_ERRORS.items():
                        responses.setdefault(code, error(description))
                for param in op.get("parameters", []):
                    if param.get("name") == "limit" and param.get("in") == "query":
                        param["schema"]["maximum"] = settings.list_limit_max  # the server's real cap
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None, ckb: CompiledKB | None = None) -> FastAPI:
    """Build the web app.

    Args:
        settings: default to the environment (``LEGDX_*``).
        ckb: the knowledge base to serve (tests give a small one); the packaged one when ``None``.
    """
    settings = settings or Settings()
    if ckb is None:
        from legdx.pipeline import default_compiled

        ckb = default_compiled()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings.resolved_database_url)
        _purge(store, settings)
        n = rebuild_search_index(store, ckb.kb)
        log.info("legdx web: %s database, %d conditions indexed, kb %s", store.dialect, n, ckb.version)
        app.state.store = store
        if settings.warm_intake:  # in the background: the app answers at once; a first description waits for it
            threading.Thread(target=_warm_reader, args=(ckb,), name="legdx-warm-reader", daemon=True).start()
        daily = asyncio.create_task(_purge_daily(store, settings))
        try:
            yield
        finally:
            daily.cancel()
            store.dispose()

    from importlib.metadata import PackageNotFoundError, version

    try:
        app_version = version("legdx")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        app_version = "0"
    app = FastAPI(
        title="legdx",
        version=app_version,
        description=(
            "Evidence-based leg-pain assessment. It informs and does not replace a clinician. "
            "Bad input gets 422 with `detail` naming the field and the problem."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        debug=settings.debug,
    )
    app.state.settings = settings
    app.state.ckb = ckb
    web_dir = resources.files("legdx.web")
    templates = Jinja2Templates(directory=str(web_dir / "templates"))
    from legdx.web import render

    render.install(templates, ckb)
    app.state.templates = templates

    _install_handlers(app)
    from legdx.web.routes import api, clinician, kb, pages

    app.include_router(api.router)
    app.include_router(kb.router)
    app.include_router(pages.router)
    app.include_router(clinician.router)
    app.mount("/static", StaticFiles(directory=str(web_dir / "static")), name="static")
    _mount_docs(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "kb_version": ckb.version}

    _custom_openapi(app, ckb, settings)

    def audit(**event: Any) -> None:
        from legdx.store.repo import record_audit

        store: Store = app.state.store
        with store.session(write=True) as s:
            record_audit(s, **event)

    # Added innermost first: the last one added sees the request first (see web/middleware.py).
    app.add_middleware(AuditMiddleware, record=audit)
    app.add_middleware(GuardMiddleware, limiter=RateLimiter(settings.rate_limit))
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes, timeout=settings.body_timeout)
    if "*" not in settings.allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(ShieldMiddleware, debug=settings.debug)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


DOCS_CSP = (  # Swagger UI sets style attributes, so /docs alone allows inline styles; scripts stay 'self'
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _mount_docs(app: FastAPI) -> None:
    """The API documentation at ``/docs``: Swagger UI 5 from the swagger-ui-bundle-v2 package, served
    from this app (no CDN), reading ``/openapi.json``."""
    try:
        from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - the web extra is incomplete
        log.warning("swagger-ui-bundle-v2 is not installed; /docs is unavailable (pip install 'legdx[web]')")
        return
    app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> Response:
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(request, "docs.html", {}, headers={"Content-Security-Policy": DOCS_CSP})


PURGE_EVERY_SECONDS = 24 * 3600


def _purge(store: Store, settings: Settings) -> None:
    from legdx.store.retention import purge

    done = purge(store, retention_days=settings.retention_days, audit_retention_days=settings.audit_retention_days)
    if done.records or done.audit_events:
        log.info("retention: deleted %d assessments and %d audit events", done.records, done.audit_events)


async def _purge_daily(store: Store, settings: Settings) -> None:
    """Purge once a day while the app runs; a failed purge is logged and tried again the next day."""
    while True:
        await asyncio.sleep(PURGE_EVERY_SECONDS)
        try:
            await asyncio.to_thread(_purge, store, settings)
        except Exception as exc:  # the app keeps serving; the next day tries again
            log.error("retention purge failed: %s", type(exc).__name__)


def _warm_reader(ckb: CompiledKB) -> None:
    """Read one short text so the first person's description is not slow."""
    from legdx.case import Case
    from legdx.pipeline import read_text

    try:
        read_text(Case(text="calf pain when walking"), ckb)
    except TextReaderUnavailable:  # the reader is optional; the interview works without it
        log.warning("free-text reader could not be loaded; descriptions will be skipped", exc_info=True)
