"""uvicorn, bounded: every connection has a deadline for its request head, a cap on its size, an idle timeout,
and a WebSocket that the peer stopped reading is really closed.

uvicorn arms its keep-alive timer only after a response, so a connection that sends nothing, or a header a
byte at a time, is held forever; and it closes a WebSocket with ``transport.close()``, which waits for the
peer to read what is buffered: a peer that never reads keeps the socket and its buffers forever. These two
protocol classes add the missing bounds; ``uvicorn_config`` is what ``matchday serve`` runs.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from functools import partial
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

from matchday.settings import Settings, get_settings

_408 = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
        b"content-length: 39\r\n\r\nno complete request head within timeout")
_431 = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
        b"connection: close\r\ncontent-length: 33\r\n\r\nrequest head larger than the limit")


WRITE_RESPONSE = "matchday.http.write_response"  # the scope extension: (status, headers, body) -> bool


def _write_response(cycle_ref: weakref.ref[RequestResponseCycle], status: int, headers: list[tuple[bytes, bytes]],
                    body: bytes) -> bool:
    """Write a whole response (status line, uvicorn's default headers, ``headers``, ``body``) in one write, and
    complete the request as uvicorn's ``send`` does; False, with nothing written, where that path is not plain.

    For the cache-hit path: uvicorn's ``send`` checks each header against two regular expressions and writes the
    head and the body separately, which costs a cache hit more than the rest of its work. ``headers`` must be
    the caller's own (no CR or LF in them: they are not checked here) and include the content-length of
    ``body``. Refused (the caller sends the ASGI way) for HEAD, for a connection that is to close after this
    response (uvicorn adds the header and closes), with uvicorn's access log on, while writing is paused, or once the
    response has started; and by a uvicorn whose request cycle lacks what this reads (its internals, checked
    against 0.54: ``tests/api/test_whole_response.py``), before anything is changed or written."""
    cycle = cycle_ref()
    try:
        if cycle is None or cycle.response_started or cycle.disconnected or not cycle.keep_alive \
                or cycle.flow.write_paused or cycle.scope["method"] == "HEAD" \
                or (cycle.access_log and cycle.access_logger.isEnabledFor(logging.INFO)) \
                or cycle.transport.is_closing():
            return False
        transport, event, on_response = cycle.transport, cycle.message_event, cycle.on_response
        head = [STATUS_LINE[status]]
        for name, value in (*cycle.default_headers, *headers):
            head += (name, b": ", value, b"\r\n")
    except AttributeError:
        return False
    head += (b"\r\n", body)
    cycle.response_started = cycle.response_complete = True
    cycle.waiting_for_100_continue = False  # no "100 Continue" after the response (uvicorn's send does the same)
    transport.write(b"".join(head))
    event.set()  # as uvicorn's send: a receive() waiting for the body learns the response is done
    on_response()  # the keep-alive timer, the next pipelined request
    return True


class BoundedHttpProtocol(HttpToolsProtocol):
    """HTTP/1.1 with a deadline and a size cap on each request head (uvicorn has neither), and a way for the
    application to write a whole response at once (``scope["extensions"][WRITE_RESPONSE]``, see
    ``_write_response``)."""

    header_timeout_s = 10.0
    max_head_bytes = 64 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._in_request = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._in_request:
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes:
                self._refuse(_431)
                return
        super().data_received(data)
        if not self._in_request and self._head_timer is None and not self.transport.is_closing():
            # a head still incomplete after this packet has a deadline from now; a head that arrives whole (the
            # usual case) never arms a timer, which would cost a tenth of a small request
            self._arm_head_timer()

    def on_headers_complete(self) -> None:
        self._in_request = True
        self._cancel_head_timer()
        super().on_headers_complete()
        if self.cycle is not None and self.cycle.scope is self.scope:  # not an upgrade to a WebSocket
            # a weak reference: the cycle holds the scope, a strong one would make every request a reference cycle
            self.scope.setdefault("extensions", {})[WRITE_RESPONSE] = partial(_write_response,
                                                                              weakref.ref(self.cycle))

    def on_response_complete(self) -> None:
        self._in_request = False
        self._head_bytes = 0
        super().on_response_complete()  # arms uvicorn's keep-alive (idle) timer

    def _arm_head_timer(self) -> None:
        self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self._in_request:
            self._refuse(_408)

    def _refuse(self, response: bytes) -> None:
        self._cancel_head_timer()
        if not self.transport.is_closing():
            self.transport.write(response)
            self.transport.close()
        self.loop.call_later(2.0, self.transport.abort)  # a peer that does not read the refusal either


WRITE_TEXT_FRAME = "matchday.websocket.write_text_frame"  # the scope extension: (wire: bytes) -> bool


def text_frame(text: str) -> bytes:
    """``text`` as one unmasked, unfragmented WebSocket text frame (RFC 6455 §5.2), the bytes a server writes
    for it without extensions: encoded once, it can be written to any number of connections."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        return bytes((0x81, size)) + payload
    if size < 1 << 16:
        return b"\x81\x7e" + size.to_bytes(2, "big") + payload
    return b"\x81\x7f" + size.to_bytes(8, "big") + payload


class BoundedWebSocketProtocol(WebSocketsSansIOProtocol):
    """A close that always ends the connection: written without waiting for a peer that stopped reading, and
    the socket aborted (its buffers dropped) when the peer has still not gone after ``abort_after_s``.

    It also offers the application a way to write a frame encoded once for many connections
    (``scope["extensions"][WRITE_TEXT_FRAME]``, see ``write_text_frame``): the hub's fan-out to thousands of
    clients otherwise re-encodes the same message per client through three layers of ``send``."""

    abort_after_s = 5.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._abort_timer: asyncio.TimerHandle | None = None

    async def send(self, message: Any) -> None:
        if message["type"] == "websocket.close" and self.handshake_complete and not self.writable.is_set() \
                and not self.close_sent and not self.disconnected:
            # the peer is not reading: queue the close frame behind what it has not read, and do not wait
            code, reason = message.get("code", 1000), message.get("reason", "") or ""
            self.queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
            self.conn.send_close(code, reason)
            self.transport.write(b"".join(self.conn.data_to_send()))
            self.close_sent = True
            self._abort_later()
            return
        await super().send(message)
        if message["type"] == "websocket.close":
            self._abort_later()

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()
        self._abort_later()

    async def run_asgi(self) -> None:
        self.scope["extensions"][WRITE_TEXT_FRAME] = self.write_text_frame
        try:
            await super().run_asgi()
        finally:  # the bound method in the scope is a reference cycle: broken here and in connection_lost
            self.scope["extensions"].pop(WRITE_TEXT_FRAME, None)
        self._abort_later()

    def write_text_frame(self, wire: bytes) -> bool:
        """Write a frame made by ``text_frame`` now, if the connection is open and the socket takes data without
        waiting; False (nothing written) otherwise, and the caller sends the message the ASGI way, which waits."""
        if self.close_sent or self.disconnected or not self.handshake_complete or self.initial_response is not None \
                or not self.writable.is_set() or self.conn.state is not State.OPEN or self.conn.extensions \
                or self.transport.is_closing():
            return False
        self.transport.write(wire)
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        if self._abort_timer is not None:
            self._abort_timer.cancel()
            self._abort_timer = None
        scope = getattr(self, "scope", None)
        if scope is not None:  # see run_asgi: whichever ends first breaks the cycle
            scope["extensions"].pop(WRITE_TEXT_FRAME, None)
        super().connection_lost(exc)

    def _abort_later(self) -> None:
        if self._abort_timer is None and not self.disconnected:
            self._abort_timer = self.loop.call_later(self.abort_after_s, self._abort)

    def _abort(self) -> None:
        self._abort_timer = None
        if not self.disconnected:
            self.transport.abort()


class SettingsHttpProtocol(BoundedHttpProtocol):
    """The bounds read from the process's own settings: a class worker processes can import (``--workers``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        settings = get_settings()
        self.header_timeout_s, self.max_head_bytes = settings.http_header_timeout_s, settings.http_max_head_bytes
        super().__init__(*args, **kwargs)


def uvicorn_config(app: Any, host: str, port: int, settings: Settings, **extra: Any) -> uvicorn.Config:
    """uvicorn tuned for many small WebSocket frames (no per-message deflate: a zlib stream per connection to
    save a few bytes of ~200-byte JSON) and bounded as described above. With ``workers`` above 1 the config is
    sent to each worker process, so the protocol is one they can import by name."""
    http: type = type("MatchdayHttpProtocol", (BoundedHttpProtocol,), {
        "header_timeout_s": settings.http_header_timeout_s, "max_head_bytes": settings.http_max_head_bytes}) \
        if extra.get("workers", 1) == 1 else SettingsHttpProtocol
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, backlog=4096, server_header=False,
        http=http, ws=BoundedWebSocketProtocol, ws_max_size=65536, ws_per_message_deflate=False,
        ws_ping_interval=settings.ws_ping_interval_s, ws_ping_timeout=settings.ws_ping_interval_s,
        timeout_keep_alive=settings.http_keep_alive_s, h11_max_incomplete_event_size=settings.http_max_head_bytes,
        # X-Forwarded-For believed only from our own proxies, and read right to left (the right-most untrusted hop)
        proxy_headers=True, forwarded_allow_ips=settings.trusted_proxies,
        **extra,
    )
