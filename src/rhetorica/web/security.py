"""Defences every response goes through: body size cap, host/origin checks, token, headers.

These are plain ASGI middlewares so they run before FastAPI parses anything: an oversized
upload is refused from its Content-Length (or cut off while streaming) without being read
into memory, and a request without the token never reaches a route.
"""

from __future__ import annotations

import hmac
import json
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from rhetorica.web.settings import (
    LOOPBACK_NAMES,
    WebSettings,
    is_loopback,
    is_loopback_address,
    normalise_host,
)

Scope = dict[str, Any]

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make form POSTs "Origin: null"
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
TOKEN_COOKIE = "rhetorica_token"
OPEN_PATHS = ("/static/", "/api/v1/health")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def wants_json(scope: Scope) -> bool:
    accept = _headers(scope).get("accept", "")
    return scope["path"].startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept)


async def send_error(scope: Scope, send: Any, status: int, code: str, message: str,
                     extra_headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """A one-line error: JSON for API clients, a tiny escaped HTML page for browsers."""
    message = " ".join(message.split())
    if wants_json(scope):
        body = json.dumps({"error": {"status": status, "code": code, "message": message}},
                          ensure_ascii=False).encode()
        ctype = b"application/json"
    else:
        from html import escape

        body = (f"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>{status}</title>"
                f"<h1>{status}</h1><p>{escape(message)}</p><p><a href=\"/\">Home</a></p>"
                ).encode()
        ctype = b"text/html; charset=utf-8"
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
               *SECURITY_HEADERS, *(extra_headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in SECURITY_HEADERS if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_wrapper)


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """413 for bodies above ``limit`` bytes, by Content-Length or while streaming."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _message(self) -> str:
        return (f"request body is larger than the {self.limit:,} byte limit; send a shorter "
                "text, split the upload, or restart the server with a higher --max-body")

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _headers(scope).get("content-length")
        if length is not None:
            try:
                too_big = int(length) > self.limit
            except ValueError:
                await send_error(scope, send, 400, "bad_request", "invalid Content-Length")
                return
            if too_big:
                await send_error(scope, send, 413, "too_large", self._message())
                return
        seen = 0
        exceeded = replaced = started = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: dict[str, Any]) -> None:
            # Frameworks may catch our exception and answer 400 ("cannot parse body");
            # whatever they answer, a body over the limit gets the 413 it deserves.
            nonlocal started, replaced
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    replaced = started = True
                    await send_error(scope, send, 413, "too_large", self._message())
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await send_error(scope, send, 413, "too_large", self._message())


class AccessMiddleware:
    """Host check (DNS rebinding), same-origin check for writes, and the token when set."""

    def __init__(self, app: Any, settings: WebSettings) -> None:
        self.app = app
        self.token = settings.token
        # Bound to loopback: only loopback names and addresses (any of 127.0.0.0/8, ::1) and
        # the --allow-host names are answered. Beyond loopback the check applies once the
        # operator names the hosts they expect (--allow-host), plus the bound address.
        self.check_host = is_loopback(settings.host) or bool(settings.allowed_hosts)
        names = {*LOOPBACK_NAMES, *settings.allowed_hosts}
        if normalise_host(settings.host) not in ("0.0.0.0", "::", ""):
            names.add(settings.host)
        self.allowed_hosts = {normalise_host(h) for h in names}
        shown = settings.host if is_loopback(settings.host) else "127.0.0.1"
        self.shown = f"[{shown}]" if ":" in shown else shown

    def _host_ok(self, hostname: str) -> bool:
        name = normalise_host(hostname)
        return bool(name) and (name in self.allowed_hosts or is_loopback_address(name))

    def _token_ok(self, headers: dict[str, str], candidate: str | None) -> bool:
        if not self.token:
            return True
        offered = []
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            offered.append(auth[7:].strip())
        if headers.get("x-rhetorica-token"):
            offered.append(headers["x-rhetorica-token"])
        if "cookie" in headers:
            cookie = SimpleCookie()
            try:
                cookie.load(headers["cookie"])
            except Exception:  # a malformed cookie header is just no cookie
                cookie = SimpleCookie()
            if TOKEN_COOKIE in cookie:
                offered.append(cookie[TOKEN_COOKIE].value)
        if candidate:
            offered.append(candidate)
        return any(hmac.compare_digest(o.encode(), self.token.encode()) for o in offered)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        host = headers.get("host", "")
        try:
            hostname = urlsplit(f"//{host}").hostname or ""
        except ValueError:  # e.g. an unbalanced "[" in the Host header
            hostname = ""
        if self.check_host and not self._host_ok(hostname):
            await send_error(scope, send, 421, "bad_host",
                             f"unexpected Host header {host!r}; open the app at {self.shown}, "
                             "or start `rhetorica serve` with --allow-host NAME to accept "
                             "that name")
            return
        if scope["method"] in UNSAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and (origin == "null" or urlsplit(origin).netloc != host):
                await send_error(scope, send, 403, "cross_origin",
                                 "cross-origin write refused; use the app's own pages or the API "
                                 "without an Origin header")
                return
        path = scope["path"]
        if self.token and not path.startswith(OPEN_PATHS):
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            candidate = (query.get("token") or [None])[0]
            if not self._token_ok(headers, candidate):
                await send_error(
                    scope, send, 401, "unauthorized",
                    "this server needs its access token: send 'Authorization: Bearer TOKEN' "
                    "or open the URL that `rhetorica serve` printed (it ends in ?token=...)",
                    [(b"www-authenticate", b"Bearer")])
                return
            if candidate and scope["method"] == "GET" and not path.startswith("/api/"):
                # Move the token from the URL into an HttpOnly cookie, then drop it from the URL.
                rest = {k: v for k, v in query.items() if k != "token"}
                location = path + ("?" + urlencode(rest, doseq=True) if rest else "")
                cookie = (f"{TOKEN_COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
                          ).encode("latin-1")
                await send({"type": "http.response.start", "status": 303, "headers": [
                    (b"location", location.encode("latin-1")), (b"set-cookie", cookie),
                    (b"content-length", b"0"), *SECURITY_HEADERS]})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
