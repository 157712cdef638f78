"""The FastAPI application: REST API under /api/v1, web UI at /, /health, /metrics, OpenAPI at /docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from sqlalchemy import Engine

from matchday import __version__
from matchday.api import errors
from matchday.api.caching import CacheHitMiddleware, ResponseCache
from matchday.api.observability import Metrics, ObservabilityMiddleware
from matchday.api.routers import leagues, matches, system, teams
from matchday.api.schemas import ErrorBody
from matchday.settings import Settings, get_settings
from matchday.store.engine import make_engine, read_only


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="matchday", version=__version__, lifespan=lifespan,
                  description="Football data you own: matches, leagues, tables, teams and players.",
                  responses={404: {"model": ErrorBody}, 422: {"model": ErrorBody}})
    app.state.engine = engine
    app.state.read_engine = read_only(engine)
    app.state.cache = ResponseCache.create(settings.redis_url, engine)
    app.state.metrics = Metrics()
    errors.install(app)
    for router in (matches.router, leagues.router, teams.router):
        app.include_router(router, prefix="/api/v1")
    app.include_router(system.router)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(CacheHitMiddleware, gzip_minimum=1024)  # hits skip routing, the thread pool and GZip
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
    return app
