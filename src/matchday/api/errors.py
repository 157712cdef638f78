"""One error body for every 4xx and 5xx: ``{"detail", "error_code", "timestamp", "path", "trace_id"}``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from matchday.errors import MatchdayError

log = structlog.get_logger(__name__)

HTTP_CODES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
              405: "METHOD_NOT_ALLOWED", 406: "NOT_ACCEPTABLE", 409: "CONFLICT", 415: "UNSUPPORTED_MEDIA_TYPE",
              422: "VALIDATION_ERROR", 429: "RATE_LIMITED"}


def error_response(request: Request, status: int, code: str, detail: Any,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    release = getattr(request.state, "close_resources", None)
    if release is not None:
        release()
    body = {"detail": detail, "error_code": code, "timestamp": datetime.now(UTC).isoformat(),
            "path": request.url.path, "trace_id": getattr(request.state, "trace_id", "")}
    return JSONResponse(body, status_code=status, headers=headers)


def database_unavailable(request: Request, exc: DBAPIError) -> JSONResponse:
    """A lost or refused database connection is the server's trouble, not the request's: 503, and no detail of
    the driver's message (it may name hosts and users)."""
    if _is_nul_in_text(exc):  # PostgreSQL text holds no NUL character; SQLite would have stored it
        if request.method in ("GET", "HEAD"):  # a query for such text: nothing stored can match it
            return error_response(request, 404, "NOT_FOUND", "nothing matches text with the NUL character (\\u0000)")
        return error_response(request, 422, "VALIDATION_ERROR",
                              "text must not contain the NUL character (\\u0000)")
    if not exc.connection_invalidated and not _is_connection_error(exc):
        log.error("database error", path=request.url.path, error=repr(exc),
                  trace_id=getattr(request.state, "trace_id", ""))
        return error_response(request, 500, "INTERNAL_ERROR", "internal error; quote the trace_id when reporting")
    log.warning("database unavailable", path=request.url.path, error=type(exc.orig).__name__)
    response = error_response(request, 503, "DATABASE_UNAVAILABLE", "the database is unavailable; try again shortly")
    response.headers["Retry-After"] = "5"
    return response


def _is_nul_in_text(exc: DBAPIError) -> bool:
    from sqlalchemy.exc import DataError

    return isinstance(exc, DataError) and "NUL (0x00)" in str(exc.orig)


def _is_connection_error(exc: DBAPIError) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def install(app: FastAPI) -> None:
    @app.exception_handler(MatchdayError)
    async def _matchday(request: Request, exc: MatchdayError) -> JSONResponse:
        return error_response(request, exc.status_code, exc.error_code, str(exc), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"field": ".".join(str(p) for p in err["loc"][1:]) or str(err["loc"][0]), "message": err["msg"],
                   "type": err["type"]} for err in exc.errors()]
        return error_response(request, 422, "VALIDATION_ERROR", detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
        detail = "no such endpoint" if exc.status_code == 404 and exc.detail == "Not Found" else exc.detail
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # every method of the path, not only those of the first route matched
            from matchday.api.security import allowed_methods

            known = (headers or {}).get("Allow")
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request.app, request.scope, known))}
        return error_response(request, exc.status_code, code, detail, headers)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        return database_unavailable(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, DBAPIError):  # raised before routing (the cache-hit path): same answer
            return database_unavailable(request, exc)
        log.error("unhandled error", path=request.url.path, error=repr(exc),
                  trace_id=getattr(request.state, "trace_id", ""))
        return error_response(request, 500, "INTERNAL_ERROR", "internal error; quote the trace_id when reporting")
