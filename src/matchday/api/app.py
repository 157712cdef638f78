"""The FastAPI application: REST API under /api/v1, web UI at /, /health, /metrics, OpenAPI at /docs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from sqlalchemy import Engine

from matchday import __version__
from matchday.api import errors
from matchday.api.caching import CacheHitMiddleware, ResponseCache
from matchday.api.observability import Metrics, ObservabilityMiddleware
from matchday.api.routers import leagues, matches, predictions, system, teams
from matchday.api.schemas import ErrorBody
from matchday.domain.polling import PollingPolicy
from matchday.live.broker import make_broker
from matchday.live.hub import Hub
from matchday.live.scheduler import LiveRunner, load_policy, publish_pending
from matchday.live.ws import WsLimits
from matchday.live.ws import router as ws_router
from matchday.settings import Settings, get_settings
from matchday.sources.live import LiveSource
from matchday.store.engine import make_engine, read_only


def create_app(settings: Settings | None = None, engine: Engine | None = None,
               live_sources: Sequence[LiveSource] = (), speed: float = 1.0,
               policy: PollingPolicy | None = None) -> FastAPI:
    """The app; ``live_sources`` are polled by the embedded scheduler while it runs (demo, replay, providers),
    under ``policy`` (default: the packaged data/polling.json)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        broker = app.state.broker
        broker.subscribe(app.state.hub.dispatch)
        await broker.start()
        runners = [LiveRunner(engine, broker, source, policy or load_policy(), speed) for source in live_sources]
        if runners:
            await publish_pending(engine, broker)  # whatever a previous run committed but did not send
        app.state.live_tasks = [asyncio.create_task(runner.run()) for runner in runners]
        try:
            yield
        finally:
            for task in app.state.live_tasks:
                task.cancel()
            for task in app.state.live_tasks:
                with suppress(asyncio.CancelledError):
                    await task
            await broker.stop()
            engine.dispose()

    app = FastAPI(title="matchday", version=__version__, lifespan=lifespan,
                  description="Football data you own: matches, leagues, tables, teams and players.",
                  responses={404: {"model": ErrorBody}, 422: {"model": ErrorBody}})
    app.state.engine = engine
    app.state.read_engine = read_only(engine)
    app.state.cache = ResponseCache.create(settings.redis_url, engine)
    app.state.metrics = Metrics()
    app.state.broker = make_broker(settings.redis_url)
    app.state.hub = Hub(queue_size=settings.ws_queue_size)
    app.state.ws_limits = WsLimits(max_channels=settings.ws_max_channels, idle_timeout_s=settings.ws_idle_timeout_s,
                                   heartbeat_s=settings.ws_heartbeat_s, max_lifetime_s=settings.ws_max_lifetime_s)
    errors.install(app)
    for router in (matches.router, leagues.router, teams.router, predictions.router):
        app.include_router(router, prefix="/api/v1")
    app.include_router(system.router)
    app.include_router(ws_router)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(CacheHitMiddleware, gzip_minimum=1024)  # hits skip routing, the thread pool and GZip
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
    return app
