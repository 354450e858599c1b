"""Plain ASGI middleware: what every request passes through before and after a route.

From the outside in (``create_app`` adds them in this order):

- :class:`SecurityHeadersMiddleware` puts the security headers and ``Cache-Control: no-store`` on
  every answer, including the 400, 413, 429 and 500 made by the layers below it.
- :class:`ShieldMiddleware` writes the access log (route template, never the path or query, since
  a record id is the only key to a record), turns any unhandled exception into a JSON (or HTML)
  500 whose log line names only the exception type (its message may hold a value the user typed),
  and lets a client that hangs up go quietly.
- Trusted hosts (Starlette), then :class:`BodyLimitMiddleware` (413 over the size, 408 for a body
  that trickles in slower than ``body_timeout``).
- :class:`GuardMiddleware`: a query parameter given twice is refused (422); on writes, the rate
  limit (429 with ``Retry-After``), the Origin check that stops cross-site form posts (CSRF), and
  the content type (JSON API: ``application/json`` only, 415 otherwise).
- :class:`AuditMiddleware` records who created, read or listed which record before it is sent.
"""

from __future__ import annotations

import html
import ipaddress
import json
import logging
import math
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import anyio
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CSP",
    "AUDITED",
    "AuditMiddleware",
    "BodyLimitMiddleware",
    "GuardMiddleware",
    "RateLimiter",
    "SecurityHeadersMiddleware",
    "ShieldMiddleware",
    "client_actor",
    "error_body",
]

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
log = logging.getLogger(__name__)
access_log = logging.getLogger("legdx.access")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
API_KEY_HEADER = b"x-api-key"
AUDITED = "legdx.audited"  # set in the scope by a route that wrote its audit event itself


def _is_api(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    return path.startswith("/api/") or path in ("/healthz", "/openapi.json")


def error_body(field: str | None, problem: str) -> bytes:
    """The contract's error JSON. ASCII-escaped, so a lone surrogate in a message cannot break encoding."""
    detail = f"{field}: {problem}" if field else problem
    return json.dumps({"detail": detail, "field": field, "problem": problem}, ensure_ascii=True).encode("ascii")


def _error_page(scope: Scope, status: int, title: str, message: str) -> bytes:
    templates = getattr(getattr(scope.get("app"), "state", None), "templates", None)
    if templates is not None:
        try:
            page: str = templates.get_template("error.html").render(title=title, message=message, status=status)
            return page.encode("utf-8", "replace")
        except Exception:  # the fallback below is enough for an error page
            log.warning("error page template failed; sent the plain one")
    return (
        f"<!doctype html><html lang=en><title>{html.escape(title)}</title>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>"
    ).encode("utf-8", "replace")


async def send_error(
    scope: Scope,
    send: Send,
    status: int,
    *,
    field: str | None,
    problem: str,
    title: str = "Something was not right",
    headers: list[tuple[bytes, bytes]] | None = None,
    page_message: str | None = None,
) -> None:
    """Answer with an error: contract JSON under ``/api/``, an HTML page elsewhere (with
    ``page_message`` in plain words for a person, when given, instead of ``field: problem``)."""
    if _is_api(scope):
        body, ctype = error_body(field, problem), b"application/json"
    else:
        message = page_message or (f"{field}: {problem}" if field else problem)
        body, ctype = _error_page(scope, status, title, message), b"text/html"
    start_headers = [
        (b"content-type", ctype + (b"" if ctype == b"application/json" else b"; charset=utf-8")),
        (b"content-length", str(len(body)).encode()),
        *(headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": start_headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "-"


def client_actor(scope: Scope) -> str:
    """``api_key:<id>`` for a request that carried a valid API key, else ``address:<client ip>``."""
    key_id = scope.get("legdx.api_key_id")
    if key_id is not None:
        return f"api_key:{key_id}"
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


async def _resolve_api_key(scope: Scope) -> None:
    """Look up the X-API-Key once per request; its id goes into the scope for the limiter and the audit."""
    if "legdx.api_key_id" in scope:
        return
    scope["legdx.api_key_id"] = None
    key = _header(scope, API_KEY_HEADER)
    store = getattr(getattr(scope.get("app"), "state", None), "store", None)
    if not key or store is None:
        return
    from legdx.store.repo import find_api_key

    def lookup() -> int | None:
        with store.session() as s:
            record = find_api_key(s, key, touch=False)
            return None if record is None else record.id

    scope["legdx.api_key_id"] = await anyio.to_thread.run_sync(lookup)


# ---------------------------------------------------------------- headers, shield, access log


class SecurityHeadersMiddleware:
    """CSP (no inline script or style), nosniff, no framing, no referrer to other sites, ``no-store`` on
    everything but the static files: pages and answers carry health data and must not be kept
    in a browser or proxy cache."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                names = {bytes(h[0]).lower() for h in headers}
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on
                    # our own form posts, which the CSRF check must refuse; other sites still get nothing
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
                ]
                if not static:
                    extra.append((b"cache-control", b"no-store"))
                headers += [h for h in extra if h[0] not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_headers)


class ShieldMiddleware:
    """Access log without record ids or values, JSON 500s, and quiet client disconnects.

    Args:
        debug: also log the traceback of an unhandled exception (never in production: it may
            quote what a person typed).
    """

    def __init__(self, app: ASGIApp, *, debug: bool = False) -> None:
        self.app = app
        self.debug = debug

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = 0
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = int(message["status"]), True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except (ClientDisconnect, anyio.BrokenResourceError, anyio.ClosedResourceError, ConnectionError):
            status = status or 499  # the client went away; nothing to answer and nothing to worry about
        except Exception as exc:
            # The type only: messages of ValueError, UnicodeError and friends can quote the input.
            log.error(
                "unhandled %s on %s %s", type(exc).__name__, scope.get("method"), _route_template(scope),
                exc_info=self.debug,
            )  # fmt: skip
            if not started:
                status = 500
                await send_error(
                    scope, send, 500, field=None, problem="internal error; nothing was stored, please retry",
                    title="Sorry, something went wrong",
                )  # fmt: skip
        finally:
            access_log.info(
                "%s %s %s %.0fms", scope.get("method"), _route_template(scope), status, (time.perf_counter() - t0) * 1e3
            )


# ---------------------------------------------------------------- body size and slow bodies


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


class BodyLimitMiddleware:
    """Refuse bodies over ``limit`` bytes with 413, whether or not Content-Length is sent, and
    bodies not fully received within ``timeout`` seconds with 408 (a slow client holds a worker)."""

    def __init__(self, app: ASGIApp, *, limit: int, timeout: float = 30.0) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

    async def _reject(self, scope: Scope, send: Send) -> None:
        msg = f"request body is larger than {self.limit} bytes"
        await send_error(
            scope, send, 413, field="body", problem=msg, title="That was too much to send",
            headers=[(b"connection", b"close")],
        )  # fmt: skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.limit
            except ValueError:
                too_big = True
            if too_big:
                await self._reject(scope, send)
                return
        seen = 0
        started = False
        deadline = time.monotonic() + self.timeout

        complete = False

        async def limited_receive() -> Message:
            nonlocal seen, complete
            if complete:  # later receives only wait for a disconnect: no deadline for those
                return await receive()
            try:
                with anyio.fail_after(max(0.0, deadline - time.monotonic())):
                    message = await receive()
            except TimeoutError:
                raise _TooSlow from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
                complete = not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(scope, send)
        except _TooSlow:
            if not started:
                await send_error(
                    scope, send, 408, field="body", problem=f"not received within {self.timeout:g} s",
                    title="That took too long", headers=[(b"connection", b"close")],
                )  # fmt: skip


# ---------------------------------------------------------------- CSRF, content type, rate limit


class RateLimiter:
    """Moving-window limits (the ``limits`` library, in memory) per client address or API key.

    Args:
        spec: ``"60/minute;600/hour"`` style, or ``"off"``.
    """

    def __init__(self, spec: str) -> None:
        from limits import parse_many
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self.off = spec.strip().lower() == "off"
        self.items = [] if self.off else parse_many(spec)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, who: str) -> tuple[bool, int, str]:
        """Count one request for ``who``; returns (allowed, seconds to wait, the limit that was hit)."""
        for item in self.items:
            if not self.limiter.hit(item, who):
                reset, _ = self.limiter.get_window_stats(item, who)
                return False, max(1, math.ceil(reset - time.time())), str(item)
        return True, 0, ""


_JSON_TYPE = re.compile(r"^application/json\s*(;\s*charset=\"?utf-8\"?\s*)?$", re.IGNORECASE)
_FORM_TYPE = re.compile(r"^application/x-www-form-urlencoded\s*(;.*)?$", re.IGNORECASE)


def _repeated_query_name(scope: Scope) -> str | None:
    seen: set[str] = set()
    query: bytes = scope.get("query_string", b"")
    for name, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if name in seen:
            return name[:40].encode("unicode_escape").decode("ascii")
        seen.add(name)
    return None


def _has_route(scope: Scope) -> bool:
    """Whether a route serves this method at this path (Starlette's own matching)."""
    from starlette.routing import Match

    router = getattr(scope.get("app"), "router", None)
    return any(route.matches(scope)[0] is Match.FULL for route in getattr(router, "routes", ()))


def _limit_key(scope: Scope) -> str:
    """Who the rate limit counts: the API key, else the address; an IPv6 address by its /64,
    since one host is usually given a whole /64 and could otherwise change address at will."""
    actor = client_actor(scope)
    if actor.startswith("address:") and ":" in actor[8:]:
        try:
            network = ipaddress.IPv6Network(f"{actor[8:]}/64", strict=False)
        except ValueError:
            return actor
        return f"address:{network}"
    return actor


def _same_origin(scope: Scope, origin: str) -> bool:
    host = _header(scope, b"host")
    return host is not None and origin.lower() == f"{scope.get('scheme', 'http')}://{host}".lower()


class GuardMiddleware:
    """Checks on every write (POST): rate limit, then origin, then content type.

    CSRF: a browser sends ``Sec-Fetch-Site`` with every request (Chromium and Firefox since 2020,
    Safari since 2023) and ``Origin`` with every POST, so a form posted from another site is
    refused with 403 whatever it carries. ``Sec-Fetch-Site`` decides when present, since a page
    cannot set it; otherwise ``Origin`` must be this site (the ``same-origin`` referrer policy
    keeps browsers from sending ``Origin: null`` for our own forms). A request with neither header
    comes from a program, not a browser a third party could steer, and passes. No token is
    needed, so the forms keep working without JavaScript.
    """

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        repeated = _repeated_query_name(scope)
        if repeated is not None:
            # Every parameter here is a single value; Starlette would silently keep the last one.
            await send_error(scope, send, 422, field=repeated, problem="is given more than once")
            return
        if scope.get("method") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if not self.limiter.off:
            await _resolve_api_key(scope)
            allowed, wait, item = self.limiter.hit(_limit_key(scope))
            if not allowed:
                await send_error(
                    scope, send, 429, field="rate_limit",
                    problem=f"more than {item} from this client; retry in {wait} s",
                    title="Please slow down", headers=[(b"retry-after", str(wait).encode())],
                    page_message=f"Many answers came from this connection in a short time. Please wait {wait} "
                    "seconds, then go back with your browser and send the page again; nothing is lost.",
                )  # fmt: skip
                return
        if not _has_route(scope):
            await self.app(scope, receive, send)  # no such route: let the router answer 404 / 405
            return
        origin = _header(scope, b"origin")
        fetch_site = _header(scope, b"sec-fetch-site")
        if fetch_site is not None:  # set by the browser itself; a page cannot forge it
            cross_site = fetch_site not in ("same-origin", "none")
        else:  # older browsers: Origin ("null" from sandboxed frames and privacy redirects is refused)
            cross_site = origin is not None and not _same_origin(scope, origin)
        if cross_site:
            await send_error(
                scope, send, 403, field="origin",
                problem="a form posted from another site is refused; please use this site's own pages",
                title="Refused", page_message="This was sent to legdx from another website, so it was not "
                "used. Please open legdx yourself and fill in the page there.",
            )  # fmt: skip
            return
        ctype = (_header(scope, b"content-type") or "").strip()
        if _is_api(scope):
            if not _JSON_TYPE.match(ctype):
                shown = ctype[:40] or "none"
                await send_error(
                    scope, send, 415, field="content-type", problem=f"expected application/json, got {shown!r}"
                )
                return
        elif ctype and not _FORM_TYPE.match(ctype):  # pages parse forms only (no multipart uploads)
            await send_error(
                scope, send, 415, field="content-type",
                problem="expected a form (application/x-www-form-urlencoded)",
            )  # fmt: skip
            return
        await self.app(scope, receive, send)


# ---------------------------------------------------------------- audit


_READ_ROUTES = ("/api/v1/assessments/{assessment_id}", "/results/{record_id}", "/reports/{record_id}")
_CREATED = re.compile(r"^/(?:api/v1/assessments|results|reports)/([A-Za-z0-9_-]{1,64})$")


class AuditMiddleware:
    """Writes an audit event (who, which record, which route, never the contents) before a record
    is sent: reads of the record pages and API, the clinician form opened from a record, listings,
    and creates (from the Location of a 201 or 303). If the event cannot be written the record is
    not shown (503)."""

    def __init__(self, app: ASGIApp, *, record: Callable[..., None]) -> None:
        self.app = app
        self.record = record

    def _event(self, scope: Scope, message: Message) -> tuple[str, str | None] | None:
        route, method, status = _route_template(scope), scope.get("method"), int(message["status"])
        if method == "GET" and status == 200:
            if route in _READ_ROUTES:
                params = scope.get("path_params") or {}
                return "read", str(next(iter(params.values()), "")) or None
            if route == "/clinician":
                from_id = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("from")
                return ("read", from_id[0]) if from_id else None
            if route == "/api/v1/assessments":
                return "list", None
        if method == "POST" and status in (201, 303):
            headers = dict((bytes(k).lower(), bytes(v)) for k, v in message.get("headers", []))
            match = _CREATED.match(headers.get(b"location", b"").decode("latin-1"))
            if match and not scope.get(AUDITED):
                replay = headers.get(b"idempotent-replayed") == b"true"
                return ("read" if replay else "create"), match.group(1)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = False

        async def audited_send(message: Message) -> None:
            nonlocal refused
            if refused:
                return
            if message["type"] == "http.response.start":
                event = self._event(scope, message)
                if event is not None:
                    await _resolve_api_key(scope)
                    action, record_id = event
                    try:
                        await anyio.to_thread.run_sync(
                            lambda: self.record(
                                action=action, actor=client_actor(scope), record_id=record_id,
                                route=_route_template(scope),
                            )
                        )  # fmt: skip
                    except Exception as exc:
                        log.error("audit event not written (%s); the record was not sent", type(exc).__name__)
                        refused = True
                        await send_error(
                            scope, send, 503, field="database", problem="temporarily unavailable, please retry",
                            title="Please try again",
                        )  # fmt: skip
                        return
            await send(message)

        await self.app(scope, receive, audited_send)
