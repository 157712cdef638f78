"""A fake provider: a real HTTP server on 127.0.0.1 serving recorded payloads, misbehaving on demand.

Each path has a script of replies (the last one repeats). A reply may be a recorded body, an HTTP error, a 429
with ``Retry-After``, a stall longer than the client's timeout, or malformed JSON. With ``daily_limit`` set it
counts the day's requests down in API-Football's headers and, once spent, answers as API-Football does (HTTP 200,
an ``errors`` body); ``over_quota`` counts the requests it received after that, which must stay 0.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    stall_s: float = 0.0  # sleep before answering (longer than the client's timeout: a timeout)
    drop: bool = False  # close the connection without an answer (a connection error)

    @classmethod
    def file(cls, path: Path, **kwargs) -> Reply:  # noqa: ANN003 - Reply fields
        return cls(body=path.read_bytes(), **kwargs)


def too_many(retry_after: int = 1) -> Reply:
    return Reply(429, b'{"message": "Too many requests"}', {"Retry-After": str(retry_after)})


def server_error(status: int = 500) -> Reply:
    return Reply(status, b"<html>internal error</html>", {"Content-Type": "text/html"})


MALFORMED = Reply(200, b'{"get": "fixtures", "response": [{"fixture": ')


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class FakeProvider:
    def __init__(self, daily_limit: int | None = None, minute_limit: int | None = None) -> None:
        self.scripts: dict[str, list[Reply | Callable[[Received], Reply]]] = {}
        self.received: list[Received] = []
        self.daily_limit, self.minute_limit = daily_limit, minute_limit
        self.daily_used = 0
        self.over_quota = 0
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server hook
                fake._handle(self)

            def log_message(self, *args) -> None:  # noqa: ANN002 - silence
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(self, path: str, *replies: Reply | Callable[[Received], Reply]) -> None:
        self.scripts[path] = list(replies)

    def requests_to(self, path: str) -> int:
        return sum(1 for r in self.received if r.path == path)

    def _status(self) -> Reply:
        """``GET /status`` in the shape API-Football documents (``response.requests {current, limit_day}``; no
        recorded capture of it exists in the shared samples): the day as this fake counts it."""
        if self.scripts.get("/status"):
            return self._next(Received("/status", {}, {}))
        if self.daily_limit is None:
            return Reply(404, b'{"message": "no such endpoint"}')
        return Reply(200, json.dumps({
            "get": "status", "parameters": [], "errors": [], "results": 1, "paging": {"current": 1, "total": 1},
            "response": {"account": {"firstname": "Test", "lastname": "Account"},
                         "subscription": {"plan": "Free", "end": "2099-01-01T00:00:00+00:00", "active": True},
                         "requests": {"current": self.daily_used, "limit_day": self.daily_limit}}}).encode())

    def _next(self, request: Received) -> Reply:
        replies = self.scripts.get(request.path)
        if not replies:
            return Reply(404, b'{"message": "no such endpoint"}')
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        return reply(request) if callable(reply) else reply

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        request = Received(parts.path, dict(parse_qsl(parts.query)), {k.lower(): v for k, v in handler.headers.items()})
        with self._lock:
            self.received.append(request)
            quota_headers: dict[str, str] = {}
            spent = False
            if request.path == "/status":  # API-Football's account status: not counted against the day
                status_reply = self._status()
            elif self.daily_limit is not None:
                if self.daily_used >= self.daily_limit:
                    self.over_quota += 1
                    spent = True
                else:
                    self.daily_used += 1
                quota_headers = {"x-ratelimit-requests-limit": str(self.daily_limit),
                                 "x-ratelimit-requests-remaining": str(max(0, self.daily_limit - self.daily_used))}
            reply = status_reply if request.path == "/status" else self._next(request) if not spent else Reply(
                200, json.dumps({
                "get": request.path.strip("/"), "parameters": request.query,
                "errors": {"requests": "You have reached the request limit for the day, Go to "
                                       "https://dashboard.api-football.com to upgrade your plan."},
                "results": 0, "paging": {"current": 1, "total": 1}, "response": []}).encode())
        if reply.stall_s:
            time.sleep(reply.stall_s)
        if reply.drop:
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        try:
            handler.send_response(reply.status)
            headers = {"Content-Type": "application/json", **quota_headers, **reply.headers}
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(reply.body)))
            handler.end_headers()
            handler.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout): nothing to answer
