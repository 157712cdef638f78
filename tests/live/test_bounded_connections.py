"""A real uvicorn with matchday's bounds, and raw sockets playing the clients that misbehave: one that never
reads its WebSocket, one that sends binary frames, ones that hold HTTP connections without finishing a request.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import socket
import struct
import time
from collections.abc import Iterator

import pytest
from websockets.frames import Frame, Opcode

from matchday.http_server import BoundedWebSocketProtocol, text_frame
from matchday.live import hub as hub_module
from tests.live.threaded_server import Running, threaded_server

SLOW_CONSUMER = 4008


class _LogRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with threaded_server(tmp_path_factory.mktemp("bounded") / "store.db", asyncio.new_event_loop(),
                         ws_queue_size=32, ws_max_queue_bytes=64 * 1024, ws_send_timeout_s=2.0,
                         http_header_timeout_s=0.5, http_keep_alive_s=1, http_max_head_bytes=16 * 1024) as running:
        yield running


def _ws_connect(port: int, receive_buffer: int | None = None) -> socket.socket:
    sock = socket.socket()
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16))
    sock.sendall(b"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def _ws_send(sock: socket.socket, payload: bytes, opcode: int = 1) -> None:
    mask = os.urandom(4)
    header = bytes([0x80 | opcode])
    header += bytes([0x80 | len(payload)]) if len(payload) < 126 else bytes([0x80 | 126]) + struct.pack(
        "!H", len(payload))
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def _split_frames(data: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """The complete frames (opcode, payload) at the start of ``data``, and the bytes after them."""
    frames = []
    while len(data) >= 2:
        length, start = data[1] & 0x7F, 2
        if length == 126:
            length, start = struct.unpack("!H", data[2:4])[0], 4
        elif length == 127:
            length, start = struct.unpack("!Q", data[2:10])[0], 10
        if len(data) < start + length:
            break
        frames.append((data[0] & 0x0F, data[start:start + length]))
        data = data[start + length:]
    return frames, data


def _ws_frames(sock: socket.socket, until_close: bool = True, timeout: float = 15) -> list[tuple[int, bytes]]:
    """Frames (opcode, payload) read until a close frame (or the end of the connection); only the first one
    unless ``until_close``."""
    sock.settimeout(timeout)
    data, frames = b"", []
    while True:
        parsed, data = _split_frames(data)
        for frame in parsed:
            frames.append(frame)
            if not until_close or frame[0] == 8:
                return frames
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            return frames
        if not chunk:
            return frames
        data += chunk


def _n_frames(sock: socket.socket, count: int) -> list[tuple[int, bytes]]:
    """The next ``count`` data frames, however the socket delivers their bytes."""
    sock.settimeout(15)
    data, frames = b"", []
    while len(frames) < count:
        chunk = sock.recv(1 << 20)
        assert chunk, f"the connection ended after {len(frames)} of {count} frames"
        parsed, data = _split_frames(data + chunk)
        frames += [frame for frame in parsed if frame[0] < 8]  # not a keep-alive ping that happened to come
    assert len(frames) == count and data == b"", "more frames than expected"
    return frames


def _wait(condition, seconds: float = 20) -> bool:  # noqa: ANN001 - a callable
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _flood_until(served: Running, condition, seconds: float = 30) -> bool:  # noqa: ANN001 - a callable
    """Frames of 8 kB to live:all, 200 at a time, until ``condition`` holds (a client reading nothing)."""
    message = {"type": "match_update", "channels": ["live:all"], "data": {"match_id": 1, "pad": "x" * 8000}}

    async def batch() -> None:
        for _ in range(200):
            served.app.state.hub.dispatch(message)

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        asyncio.run_coroutine_threadsafe(batch(), served.loop).result(timeout=10)
        if _wait(condition, 0.2):
            return True
    return False


def _subscribed_client(served: Running, receive_buffer: int = 4096):  # noqa: ANN202 - socket, hub client, protocol
    clients, connections = set(served.app.state.hub.clients), set(served.server.server_state.connections)
    sock = _ws_connect(served.port, receive_buffer=receive_buffer)
    _ws_send(sock, b'{"action": "subscribe", "channels": ["live:all"]}')
    assert _wait(lambda: any("live:all" in c.channels for c in served.app.state.hub.clients - clients))
    [client] = served.app.state.hub.clients - clients
    [protocol] = set(served.server.server_state.connections) - connections
    return sock, client, protocol


def test_a_client_that_stops_reading_is_closed_with_4008(served: Running, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(BoundedWebSocketProtocol, "abort_after_s", 10.0)
    sock, client, _protocol = _subscribed_client(served)
    with sock:
        assert _flood_until(served, lambda: client not in served.app.state.hub.clients), "never dropped"
        frames = _ws_frames(sock)  # it reads again before the abort: everything queued, then the close frame
        assert frames[-1][0] == 8 and struct.unpack("!H", frames[-1][1][:2])[0] == SLOW_CONSUMER
        assert b"slow consumer" in frames[-1][1]


def test_a_client_that_never_reads_again_loses_its_socket(served: Running, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(BoundedWebSocketProtocol, "abort_after_s", 0.5)
    sock, client, protocol = _subscribed_client(served)
    with sock:
        assert _flood_until(served, lambda: client not in served.app.state.hub.clients), "never dropped"
        # then the socket is aborted although its buffers are still full: nothing of it stays on the server
        assert _wait(lambda: protocol not in served.server.server_state.connections), "its socket stayed open"
        assert protocol.disconnected


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 200_000])
def test_a_frame_encoded_once_is_the_frame_websockets_writes(size: int) -> None:
    text = "é" * (size // 2) + "x" * (size % 2)  # multi-byte characters: the length is the payload's bytes
    assert text_frame(text) == Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])


def test_a_broadcast_reaches_each_client_as_bytes_encoded_once(served: Running, monkeypatch) -> None:  # noqa: ANN001
    """Every subscriber gets the frames of a broadcast written straight by the protocol, not through the ASGI send
    (which would encode per client), each message encoded once for all of them, whole and in order, in each of
    the three frame-length forms."""
    subscribed = [_subscribed_client(served, receive_buffer=1 << 20) for _ in range(2)]
    asgi_sends: list[str] = []
    for sock, client, _protocol in subscribed:
        assert client.write_frame is not None
        assert [json.loads(p)["type"] for _o, p in _n_frames(sock, 2)] == ["subscribed", "snapshot"]

        async def asgi_send(frame: str) -> None:
            asgi_sends.append(frame)

        monkeypatch.setattr(client.websocket, "send_text", asgi_send)
    encoded: list[str] = []

    def counted_text_frame(text: str) -> bytes:
        encoded.append(text)
        return text_frame(text)

    monkeypatch.setattr(hub_module, "text_frame", counted_text_frame)
    pads = [0, 300, 70_000]  # payloads under 126 bytes, under 64 KiB, and over

    async def broadcast() -> None:
        for n, pad in enumerate(pads):
            served.app.state.hub.dispatch({"id": n + 1, "type": "goal", "channels": ["live:all"], "timestamp": "t",
                                           "data": {"pad": "x" * pad} if pad else {}})

    asyncio.run_coroutine_threadsafe(broadcast(), served.loop).result(timeout=10)
    assert len(encoded) == len(pads) and asgi_sends == []
    for sock, client, _protocol in subscribed:
        with sock:
            got = _n_frames(sock, len(pads))
            assert [opcode for opcode, _payload in got] == [1, 1, 1]
            sizes = [len(payload) for _opcode, payload in got]
            assert sizes[0] < 126 <= sizes[1] < 1 << 16 <= sizes[2]
            messages = [json.loads(payload) for _opcode, payload in got]
            assert [(m["id"], len(m["data"].get("pad", ""))) for m in messages] == list(enumerate(pads, 1))
            assert client in served.app.state.hub.clients and client.writer is None


def test_a_binary_frame_gets_an_error_and_no_traceback(served: Running) -> None:
    records = _LogRecords()
    logging.getLogger("uvicorn.error").addHandler(records)
    try:
        sock = _ws_connect(served.port)
        _ws_send(sock, b"\x00\x01binary", opcode=2)
        [(opcode, payload)] = _ws_frames(sock, until_close=False)
        assert opcode == 1 and b'"UNSUPPORTED_FRAME"' in payload
        _ws_send(sock, b'{"action": "ping"}')
        [(_opcode, pong)] = _ws_frames(sock, until_close=False)
        assert b'"pong"' in pong
        sock.close()
    finally:
        logging.getLogger("uvicorn.error").removeHandler(records)
    assert not [r for r in records.records if r.levelno >= logging.ERROR or r.exc_info]


def _http_connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(10)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def test_a_connection_that_sends_nothing_is_closed(served: Running) -> None:
    with _http_connect(served.port) as sock:
        assert _read_all(sock).startswith(b"HTTP/1.1 408")


def test_a_header_sent_a_byte_at_a_time_is_cut_off(served: Running) -> None:
    with _http_connect(served.port) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        closed = False
        for _ in range(40):  # 4 s of one header byte every 0.1 s, far past the 0.5 s head deadline
            try:
                sock.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.1)
        assert closed or _read_all(sock).startswith(b"HTTP/1.1 408")


def test_an_oversized_head_is_refused(served: Running) -> None:
    with _http_connect(served.port) as sock:
        try:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            return
        assert _read_all(sock).startswith(b"HTTP/1.1 431")


def test_requests_still_work_and_idle_keep_alive_ends(served: Running) -> None:
    with _http_connect(served.port) as sock:
        for _ in range(2):  # two requests on one connection
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while b"\r\n\r\n" not in data:
                data += sock.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            while len(body) < length:
                body += sock.recv(65536)
            assert head.startswith(b"HTTP/1.1 200") and b'"ok"' in body, head
        started = time.monotonic()
        assert _read_all(sock) == b""  # then idle: the server closes it (keep-alive 1 s)
        assert time.monotonic() - started < 9
