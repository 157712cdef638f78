"""Trace ids and Prometheus metrics for every request (a plain ASGI middleware: no per-request task hop)."""

from __future__ import annotations

import os
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Metrics:
    """This process's metrics, and the collectors whose figures are the same from every process (they read the
    store or Redis at scrape time).

    Under ``matchday serve --workers N`` (``PROMETHEUS_MULTIPROC_DIR`` set), prometheus_client keeps each
    process's counts in files there, and a scrape of any process answers the sum over all of them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.shared: list[Collector] = []
        self.requests = Counter("matchday_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("matchday_http_request_seconds", "HTTP request latency", ["route"],
                                 registry=self.registry,
                                 buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
        self.cache = Counter("matchday_cache_lookups_total", "Response cache lookups", ["result"],
                             registry=self.registry)
        self.ws_clients = Gauge("matchday_websocket_clients", "WebSocket clients connected", registry=self.registry,
                                multiprocess_mode="livesum")
        self.log_reads = Counter("matchday_cache_write_log_reads_total", "Reads of the write log by the cache's hit "
                                 "path (with Redis: only when a write was announced, or once a recheck interval)",
                                 registry=self.registry)
        self._children: dict[tuple[str, ...], tuple[Any, Any, Any]] = {}

    def register_shared(self, collector: Collector) -> None:
        self.shared.append(collector)
        self.registry.register(collector)

    def exposition(self) -> bytes:
        if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        for collector in self.shared:
            registry.register(collector)
        return generate_latest(registry)

    def observe(self, method: str, route: str, status: int, cache: str | None, seconds: float) -> None:
        """Count one request. The labelled children are looked up once per label set: ``labels()`` costs more
        than the rest of a cache hit's bookkeeping."""
        key = (method, route, str(status), cache or "")
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (self.requests.labels(method, route, key[2]),
                                              self.latency.labels(route),
                                              self.cache.labels(cache) if cache else None)
        children[0].inc()
        children[1].observe(seconds)
        if children[2] is not None:
            children[2].inc()


_ID_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/+=")


def safe_request_id(raw: bytes) -> str:
    """The client's X-Request-ID if it is a plain token (letters, digits, ``-_.:/+=``, at most 64), else ''.

    The id is echoed in a header and in logs: bytes that are not ASCII (not UTF-8 at all, say) or control
    characters are never decoded or echoed; such a request gets an id of our own instead of a 500."""
    if not raw or len(raw) > 64 or not all(byte in _ID_CHARS for byte in raw):
        return ""
    return raw.decode("ascii")


def trace_id(request_id: bytes) -> str:
    """The request's trace id: the client's X-Request-ID when it is safe to echo, else a new random one."""
    return safe_request_id(request_id) or os.urandom(12).hex()


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = b""
        for name, value in scope.get("headers") or ():
            if name == b"x-request-id":
                request_id = value
                break
        trace = trace_id(request_id)
        scope.setdefault("state", {})["trace_id"] = trace
        trace_header = (b"x-trace-id", trace.encode())
        started = time.perf_counter()
        status = 500

        async def send_with_trace(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append(trace_header)
            await send(message)

        try:
            await self.app(scope, receive, send_with_trace)
        finally:
            # hits answered by the cache middleware never reach routing: one label for them all
            route = getattr(scope.get("route"), "path", None) or scope.get("matchday.route") or "unmatched"
            self.metrics.observe(scope["method"], route, status, scope.get("matchday.cache"),
                                 time.perf_counter() - started)
