"""Trace ids and Prometheus metrics for every request (a plain ASGI middleware: no per-request task hop)."""

from __future__ import annotations

import os
import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("matchday_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("matchday_http_request_seconds", "HTTP request latency", ["route"],
                                 registry=self.registry,
                                 buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
        self.cache = Counter("matchday_cache_lookups_total", "Response cache lookups", ["result"],
                             registry=self.registry)


_ID_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/+=")


def safe_request_id(raw: bytes) -> str:
    """The client's X-Request-ID if it is a plain token (letters, digits, ``-_.:/+=``, at most 64), else ''.

    The id is echoed in a header and in logs: bytes that are not ASCII (not UTF-8 at all, say) or control
    characters are never decoded or echoed; such a request gets an id of our own instead of a 500."""
    if not raw or len(raw) > 64 or not all(byte in _ID_CHARS for byte in raw):
        return ""
    return raw.decode("ascii")


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        trace_id = safe_request_id(headers.get(b"x-request-id", b"")) or os.urandom(12).hex()
        scope.setdefault("state", {})["trace_id"] = trace_id
        started = time.perf_counter()
        status = 500

        async def send_with_trace(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-trace-id", trace_id.encode()))
                for name, value in message["headers"]:
                    if name.lower() == b"x-cache":
                        self.metrics.cache.labels(value.decode()).inc()
            await send(message)

        try:
            await self.app(scope, receive, send_with_trace)
        finally:
            # hits answered by the cache middleware never reach routing: one label for them all
            route = getattr(scope.get("route"), "path", None) or scope.get("matchday.route") or "unmatched"
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)
