"""HTTP hygiene for every response: security headers, HEAD on every GET route, OPTIONS and 405 with Allow,
CORS only for the origins configured (MATCHDAY_CORS_ORIGINS; closed by default)."""

from __future__ import annotations

import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# team crests are shown from the providers' own image servers (their terms: link, don't copy)
CREST_HOSTS = ("https://media.api-sports.io", "https://crests.football-data.org", "https://a.espncdn.com")
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: {' '.join(CREST_HOSTS)}; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'")
# Swagger UI and ReDoc are served from this origin (matchday.api.docs); ReDoc styles itself inline, draws its
# logos as data: URLs and runs its search in a worker made from a blob
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "font-src 'self'; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            "frame-ancestors 'none'")
PRIVATE_PREFIXES = ("/api/v1/auth", "/api/v1/users", "/api/v1/prediction-leagues", "/account", "/login",
                    "/register", "/profile", "/prediction-leagues")


def _route_table(app: Any) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """(path pattern, methods) of every documented route, from the app's OpenAPI document (built once)."""
    table = getattr(app.state, "allow_table", None)
    if table is None:
        table = []
        for path, operations in app.openapi().get("paths", {}).items():
            pattern = re.compile("^" + re.sub(r"\\\{.*?\\\}", "[^/]+", re.escape(path)) + "$")
            table.append((pattern, frozenset(m.upper() for m in operations if m.upper() in HTTP_METHODS)))
        app.state.allow_table = table
    return table


def allowed_methods(app: Any, scope: Scope, known: str | None = None) -> list[str]:
    """The methods the app answers at this path (HEAD with GET, OPTIONS always); ``known``: an Allow header
    already computed by the router for the route it matched first."""
    methods = {m.strip().upper() for m in (known or "").split(",") if m.strip()}
    if app is not None and hasattr(app, "openapi"):
        for pattern, route_methods in _route_table(app):
            if pattern.match(scope["path"]):
                methods |= route_methods
    if not methods:
        return []
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods | {"OPTIONS"})


# what is not a page needs no sources at all: a JSON answer loads nothing and may not be framed
API_CSP = "default-src 'none'; frame-ancestors 'none'"
_ANY = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"))
# what only a document (a page) can act on: the links it follows and the windows it opens
_DOCUMENT = ((b"referrer-policy", b"strict-origin-when-cross-origin"), (b"cross-origin-opener-policy", b"same-origin"))
_HSTS = ((b"strict-transport-security", b"max-age=31536000; includeSubDomains"),)
_SETS = {(kind, secure): ((b"content-security-policy", csp.encode()), *_ANY, *(_DOCUMENT if kind != "api" else ()),
                          *(_HSTS if secure else ()))
         for kind, csp in (("page", PAGE_CSP), ("docs", DOCS_CSP), ("api", API_CSP)) for secure in (False, True)}


def security_headers(path: str, scheme: str, hsts: bool) -> tuple[tuple[bytes, bytes], ...]:
    """The security headers of a response at ``path`` (built once per kind). HSTS only over HTTPS, as RFC 6797
    §7.2 requires: behind the reverse proxy the scheme is the one it forwards (X-Forwarded-Proto)."""
    kind = "docs" if path in ("/docs", "/redoc") else "api" if path.startswith("/api/") else "page"
    return _SETS[kind, hsts and scheme in ("https", "wss")]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app, self.hsts = app, hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        extra = security_headers(path, scope.get("scheme", "http"), self.hsts)
        private = path.startswith(PRIVATE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _value in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                if private and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HttpMethodsMiddleware:
    """HEAD is answered as GET without the body; OPTIONS (not a CORS preflight) lists the path's methods."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        if scope["method"] == "OPTIONS" and b"access-control-request-method" not in headers:
            allow = allowed_methods(scope.get("app"), scope)
            status = 204 if allow else 404
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"allow", ", ".join(allow).encode())] if allow else []})
            await send({"type": "http.response.body", "body": b""})
            return
        if scope["method"] == "OPTIONS":  # a preflight: CORS (when configured) answers it
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b"", "more_body": message.get("more_body", False)}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
