"""The one process `matchday serve` runs: the API app with the web UI mounted beside it."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI, Request
from sqlalchemy import Engine
from starlette.responses import Response

from matchday.api.app import create_app
from matchday.api.errors import error_response
from matchday.domain.polling import PollingPolicy
from matchday.errors import MatchdayError
from matchday.live import heap
from matchday.settings import Settings
from matchday.sources.live import LiveSource
from matchday.store.match_queries import Horizon
from matchday.web.account_pages import router as account_pages_router
from matchday.web.calendars import router as calendars_router
from matchday.web.pages import not_found_page, static_files
from matchday.web.pages import router as pages_router
from matchday.web.recovery_pages import router as recovery_pages_router
from matchday.web.sessions import CsrfSeedMiddleware


def create_server(settings: Settings | None = None, engine: Engine | None = None,
                  live_sources: Sequence[LiveSource] = (), speed: float = 1.0,
                  policy: PollingPolicy | None = None, horizon: Horizon | None = None) -> FastAPI:
    app = create_app(settings, engine, live_sources, speed, policy, horizon)
    app.include_router(pages_router)
    app.include_router(account_pages_router)
    app.include_router(recovery_pages_router)
    app.include_router(calendars_router)
    app.add_middleware(CsrfSeedMiddleware, secure=not app.state.accounts.settings.development)
    app.mount("/static", static_files(), name="static")

    @app.exception_handler(MatchdayError)
    async def _errors(request: Request, exc: MatchdayError) -> Response:
        # people get a page, programs get the JSON error body
        if request.url.path.startswith(("/api/", "/calendar/")):  # calendar apps are programs too
            return error_response(request, exc.status_code, exc.error_code, str(exc), getattr(exc, "headers", None))
        return not_found_page(request, exc)

    return app


def asgi_app() -> FastAPI:
    """Factory for ``uvicorn --factory matchday.server:asgi_app`` (each worker process of ``serve --workers``),
    which turns on the collector's management of a serving process (``live.heap``)."""
    heap.enable()
    return create_server()
