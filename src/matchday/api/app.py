"""The FastAPI application: REST API under /api/v1, web UI at /, /health, /metrics, OpenAPI at /docs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from functools import partial
from typing import TYPE_CHECKING

import structlog
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from sqlalchemy import Engine
from starlette.types import Receive, Scope, Send

from matchday import __version__
from matchday.accounts.deps import AccountsState
from matchday.accounts.live import PrivateChannels
from matchday.accounts.store import users_engine
from matchday.api import docs, errors
from matchday.api.cache_hits import CacheHits
from matchday.api.caching import ResponseCache
from matchday.api.collector_metrics import CollectorMetrics
from matchday.api.observability import Metrics, ObservabilityMiddleware
from matchday.api.params import reject_unknown_query
from matchday.api.routers import (
    admin,
    auth,
    favorites,
    leagues,
    matches,
    notifications,
    prediction_leagues,
    predictions,
    recovery,
    system,
    teams,
)
from matchday.api.schemas import ErrorBody
from matchday.api.security import HttpMethodsMiddleware, SecurityHeadersMiddleware
from matchday.api.stack_metrics import StackMetrics
from matchday.cache import write_position
from matchday.domain.polling import PollingPolicy
from matchday.ingest.live_runner import LiveRunner, load_policy
from matchday.ingest.scheduler import Scheduler
from matchday.live.broker import make_broker
from matchday.live.heap import HeapSteward
from matchday.live.hub import Hub
from matchday.live.ws import WsLimits
from matchday.live.ws import router as ws_router
from matchday.live.ws import serve as serve_feed
from matchday.pools.live import PoolsRuntime
from matchday.runtime import Maintenance, Reminders, ServerPublisher
from matchday.settings import Settings, get_settings
from matchday.sources.live import LiveSource
from matchday.store.engine import make_engine, read_only
from matchday.store.match_queries import Horizon
from matchday.workers.queue import QUEUE

if TYPE_CHECKING:  # the collector (httpx, polars, the load pipeline) is imported when one is built
    from matchday.ingest.collector import Collector


class MatchdayApi(FastAPI):
    """FastAPI that answers cache hits before its middleware stack: a hit skips every layer, routing, the thread
    pool and GZip (``api.cache_hits``). The live WebSocket ``/ws`` goes straight to its endpoint too: no
    middleware does anything for a WebSocket (each passes non-HTTP scopes through), yet every layer would stay
    suspended for the connection's whole life, a dozen coroutines and closures per client (``live.ws.serve``)."""

    cache_hits: CacheHits | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/ws" and not scope.get("root_path"):
            scope["app"] = self
            await serve_feed(scope, receive, send)
        elif self.cache_hits is None:
            await super().__call__(scope, receive, send)
        else:
            await self.cache_hits.serve(scope, receive, send, super().__call__)


def start_collector(app: FastAPI, settings: Settings, engine: Engine) -> Collector | None:
    """The collector for the server's scheduler, when the jobs folder has enabled jobs."""
    if not settings.collect_in_serve or not settings.jobs_dir.exists():
        return None
    from matchday.ingest.collector import Collector  # httpx, polars, the load pipeline: only for a collector

    app.state.collector = Collector.create(settings, engine)
    enabled = app.state.collector.registry.enabled()
    if not enabled:
        return None
    structlog.get_logger(__name__).info("collector started", jobs=len(enabled), jobs_dir=str(settings.jobs_dir))
    return app.state.collector


def create_app(settings: Settings | None = None, engine: Engine | None = None,
               live_sources: Sequence[LiveSource] = (), speed: float = 1.0,
               policy: PollingPolicy | None = None, horizon: Horizon | None = None) -> FastAPI:
    """The app; ``live_sources`` are polled by the embedded scheduler while it runs (demo, replay, providers),
    under ``policy`` (default: the packaged data/polling.json); a replay's ``horizon`` keeps what it has not
    reached yet out of team and head-to-head answers."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)
    write_position.attach(engine, settings.redis_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        broker = app.state.broker
        broker.subscribe(app.state.hub.dispatch)
        broker.on_reconnect(app.state.hub.resync_all)
        broker.subscribe(app.state.private_channels.on_feed)
        push = app.state.cache.push
        if push is not None:
            broker.subscribe(push.on_feed)
            broker.on_reconnect(push.on_reconnect)
            broker.on_disconnect(push.on_disconnect)
            push.unread = getattr(broker, "has_unread", push.unread)
        await broker.start()
        if push is not None:
            await push.start()
        await app.state.pools.start()
        collector = start_collector(app, settings, engine)  # a bad job file refuses the start
        publisher = app.state.publisher
        await publisher.start()  # sends whatever a previous run committed but did not send
        runners = [LiveRunner(engine, partial(publisher.publish, "feed"), source, policy or load_policy(), speed)
                   for source in live_sources]
        app.state.scheduler = Scheduler(collector, live_runners=runners, periodic=[
            (settings.maintenance_s, app.state.maintenance.run_once),
            (settings.scoring_sweep_s, app.state.pools.sweep),
            (settings.reminder_check_s, app.state.reminders.run_once)])
        app.state.live_tasks = [asyncio.create_task(app.state.scheduler.run(app.state.collector_stop))]
        app.state.heap.start()  # after start-up: what it built is collected once and frozen (serving processes)
        try:
            yield
        finally:
            await app.state.heap.stop()
            app.state.collector_stop.set()
            for task in app.state.live_tasks:
                task.cancel()
            for task in app.state.live_tasks:
                with suppress(asyncio.CancelledError):
                    await task
            await publisher.stop()
            await app.state.pools.stop()
            if push is not None:
                await push.stop()
            await broker.stop()
            await app.state.cache.aclose()
            if app.state.collector is not None:
                app.state.collector.close()
            if app.state.accounts.engine is not engine:
                app.state.accounts.engine.dispose()
            write_position.detach(engine)
            engine.dispose()

    # FastAPI's own OpenTelemetry bridge is off: matchday exports Prometheus metrics, and the bridge's check
    # for a configured provider costs a fifth of a cached answer on every request
    app = MatchdayApi(title="matchday", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  telemetry={"tracing": False, "metrics": False, "logs": False},
                  description="Football data you own: matches, leagues, tables, teams and players.",
                  responses={404: {"model": ErrorBody}, 422: {"model": ErrorBody}})
    app.state.engine = engine
    app.state.horizon = horizon
    app.state.settings = settings
    app.state.collector = None  # built at start when jobs are enabled, or on the first admin request
    app.state.collector_stop = asyncio.Event()
    app.state.read_engine = read_only(engine)
    app.state.cache = ResponseCache.create(settings.redis_url, engine, settings.cache_max_bytes,
                                           settings.cache_recheck_s, settings.cache_builders)
    app.state.metrics = Metrics()
    app.state.broker = make_broker(settings.redis_url)
    app.state.hub = Hub(queue_size=settings.ws_queue_size, queue_bytes=settings.ws_max_queue_bytes)
    watch = app.state.cache.watch  # on a SQLite file: snapshots kept while it is unchanged
    app.state.hub.snapshot_reads.store_version = watch.data_version if watch is not None else None
    app.state.heap = HeapSteward(lambda: len(app.state.hub.clients))
    app.state.ws_limits = WsLimits(max_channels=settings.ws_max_channels, idle_timeout_s=settings.ws_idle_timeout_s,
                                   heartbeat_s=settings.ws_heartbeat_s, max_lifetime_s=settings.ws_max_lifetime_s,
                                   send_timeout_s=settings.ws_send_timeout_s)
    app.state.accounts = AccountsState.create(settings, users_engine(settings, engine))
    app.state.private_channels = PrivateChannels(app.state.hub, app.state.accounts, engine)
    app.state.pools = PoolsRuntime(app.state.accounts.engine, app.state.read_engine, app.state.private_channels,
                                   app.state.broker)
    app.state.publisher = ServerPublisher(engine, app.state.accounts.engine, app.state.broker, settings.outbox_poll_s,
                                          settings)
    app.state.maintenance = Maintenance(engine, settings)
    app.state.reminders = Reminders(app.state.accounts.engine, engine, settings)
    errors.install(app)
    app.state.metrics.register_shared(CollectorMetrics(engine, lambda: app.state.collector))
    app.state.metrics.register_shared(StackMetrics(engine, settings.redis_url, QUEUE))
    app.state.cache.log_reads = app.state.metrics.log_reads.inc
    app.state.hub.clients_gauge = app.state.metrics.ws_clients
    for router in (matches.router, leagues.router, teams.router, admin.router, auth.router, recovery.router,
                   favorites.router, notifications.router, prediction_leagues.router, predictions.router):
        app.include_router(router, prefix="/api/v1", dependencies=[Depends(reject_unknown_query)])
    app.include_router(system.router)
    app.include_router(ws_router)
    docs.install(app)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
    app.add_middleware(SecurityHeadersMiddleware, hsts=not settings.development)
    origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins,
                           allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "X-CSRF-Token"], max_age=600)
    app.add_middleware(HttpMethodsMiddleware)
    app.cache_hits = CacheHits(app.state.cache, app.state.metrics, hsts=not settings.development, cors=bool(origins))
    return app
