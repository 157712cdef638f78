"""Cache hits written in one piece by ``matchday serve``'s own protocol (``http_server.WRITE_RESPONSE``), over
real sockets: the same response as uvicorn's ``send`` writes (headers, body, 304s), keep-alive and pipelined
requests answered in order, and the cases the direct write refuses answered the ASGI way."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import pytest

from matchday import http_server
from tests.live.threaded_server import Running, threaded_server

SMALL, LARGE = "/api/v1/matches/today", "/api/v1/teams"  # an empty page, and one over the gzip minimum


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with threaded_server(tmp_path_factory.mktemp("whole") / "store.db", asyncio.new_event_loop()) as running:
        yield running


@pytest.fixture
def direct_writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The statuses of the responses written whole (refusals are not counted)."""
    written: list[int] = []
    real = http_server._write_response

    def counting(cycle_ref, status, headers, body) -> bool:  # noqa: ANN001 - as the real one
        done = real(cycle_ref, status, headers, body)
        if done:
            written.append(status)
        return done

    monkeypatch.setattr(http_server, "_write_response", counting)
    return written


def _request(path: str, *headers: str, method: str = "GET") -> bytes:
    return "\r\n".join([f"{method} {path} HTTP/1.1", "Host: localhost", *headers, "", ""]).encode()


def _responses(sock: socket.socket, count: int, head_only: bool = False) -> list[tuple[int, dict[str, str], bytes]]:
    """Read ``count`` whole responses (status, headers, body) off ``sock``, and check nothing follows them."""
    return [(status, headers, body) for status, headers, body, _head in _raw_responses(sock, count, head_only)]


def _raw_responses(sock: socket.socket, count: int, head_only: bool = False) -> list[tuple[int, dict, bytes, bytes]]:
    """``_responses`` with each response's head as sent (status line and header lines)."""
    data, found = b"", []
    while len(found) < count:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed after {len(found)} responses"
            data += chunk
        head, data = data.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, value = line.split(": ", 1)
            assert name not in headers, f"{name} twice"
            headers[name] = value
        size = 0 if head_only else int(headers.get("content-length", 0))
        while len(data) < size:
            data += sock.recv(65536)
        found.append((int(status_line.split()[1]), headers, data[:size], head))
        data = data[size:]
    sock.settimeout(0.2)
    with contextlib.suppress(TimeoutError):
        data += sock.recv(1)  # b"" when the server closed the connection
    sock.settimeout(10)
    assert data == b"", "bytes after the last response"
    return found


def _connect(served: Running, direct_writes: list[int]) -> socket.socket:
    """A connection, after SMALL and LARGE were answered once (cached from then on)."""
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    for path in (SMALL, LARGE):
        sock.sendall(_request(path))
        assert _responses(sock, 1)[0][0] == 200
    direct_writes.clear()
    return sock


def test_a_hit_written_whole_is_the_response_send_would_write(served: Running, direct_writes: list[int]) -> None:
    with _connect(served, direct_writes) as sock:
        for path, encoding in ((SMALL, "identity"), (LARGE, "identity"), (LARGE, "gzip")):
            sock.sendall(_request(path, f"Accept-Encoding: {encoding}", "X-Request-ID: probe-1"))
            whole = _raw_responses(sock, 1)[0]
            written = len(direct_writes)
            # a connection that asks to be closed after this response is answered through uvicorn's send
            with socket.create_connection(("127.0.0.1", served.port), timeout=10) as other:
                other.sendall(_request(path, f"Accept-Encoding: {encoding}", "X-Request-ID: probe-1",
                                       "Connection: close"))
                sent = _raw_responses(other, 1)[0]
            assert len(direct_writes) == written, "the closing connection's hit was written whole"
            assert whole[1]["x-cache"] == sent[1]["x-cache"] == "hit"
            assert whole[1]["date"][-3:] == sent[1]["date"][-3:] == "GMT"  # uvicorn's default header
            # byte for byte, in order, but for the time and the line uvicorn adds for the closing connection
            lines_of = [[line for line in head.split(b"\r\n") if not line.startswith(b"date: ")]
                        for head in (whole[3], sent[3])]
            assert lines_of[1].pop() == b"connection: close"
            assert lines_of[0] == lines_of[1] and whole[2] == sent[2] and len(lines_of[0]) >= 10
            assert (whole[1].get("content-encoding") == "gzip") == (encoding == "gzip" and path == LARGE)
        assert direct_writes == [200, 200, 200]


def test_keep_alive_pipelined_and_conditional_requests_are_answered_in_order(
        served: Running, direct_writes: list[int]) -> None:
    with _connect(served, direct_writes) as sock:
        sock.sendall(_request(LARGE, "Accept-Encoding: identity"))
        etag = _responses(sock, 1)[0][1]["etag"]
        # three hits, a 304 among them, and a request the app answers (not cached) in one packet
        sock.sendall(_request(SMALL) + _request(LARGE, f"If-None-Match: {etag}") + _request("/health")
                     + _request(LARGE, "Accept-Encoding: identity"))
        answers = _responses(sock, 4)
        assert [status for status, _headers, _body in answers] == [200, 304, 200, 200]
        assert answers[1][2] == b"" and "content-length" not in answers[1][1] and answers[1][1]["etag"] == etag
        assert "x-cache" not in answers[2][1] and answers[3][1]["x-cache"] == "hit"
        assert direct_writes == [200, 200, 304, 200]
        # HEAD is refused (uvicorn sends the head without the body): answered the ASGI way, same connection
        sock.sendall(_request(SMALL, method="HEAD"))
        head = _responses(sock, 1, head_only=True)[0]
        sock.sendall(_request(SMALL))
        get = _responses(sock, 1)[0]
        assert head[0] == get[0] == 200 and head[1]["content-length"] == get[1]["content-length"] != "0"
        assert direct_writes == [200, 200, 304, 200, 200]


def test_a_response_is_written_whole_once_or_not_at_all(served: Running, direct_writes: list[int]) -> None:
    """Called after the response started (or a second time), the write refuses and writes nothing."""
    with _connect(served, direct_writes) as sock:
        results: list[bool] = []
        app = served.app

        async def twice(scope, receive, send) -> None:  # noqa: ANN001 - an ASGI app
            write = scope["extensions"][http_server.WRITE_RESPONSE]
            body = b"{}"
            headers = [(b"content-type", b"application/json"), (b"content-length", b"2")]
            results.append(write(200, headers, body))
            results.append(write(200, headers, body))

        served.server.config.loaded_app.app = twice  # the proxy-headers middleware wraps the app
        try:
            sock.sendall(_request("/anything"))
            status, headers, body = _responses(sock, 1)[0]
        finally:
            served.server.config.loaded_app.app = app
        assert (status, body, headers["content-length"]) == (200, b"{}", "2")
        assert results == [True, False]
