"""The response cache is bounded: unknown parameters are refused, memory is capped in bytes, and
If-None-Match follows RFC 9110 on both paths (a miss built by the endpoint, a hit answered before routing)."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from matchday.api.caching import if_none_match
from matchday.cache import MemoryCache

ENDPOINT = "/api/v1/leagues/eng.1/table"


def test_unknown_query_parameters_are_refused_and_never_cached(client: TestClient) -> None:
    backend = client.app.state.cache.backend
    client.get(ENDPOINT, params={"season": "2011-12"})
    before = len(backend._entries)
    for number in range(200):
        response = client.get(ENDPOINT, params={"season": "2011-12", f"junk{number}": "x" * 50})
        assert response.status_code == 422
    body = response.json()
    assert body["error_code"] == "VALIDATION_ERROR" and body["detail"][0]["field"] == "junk199"
    assert "season" in body["detail"][0]["message"]  # says what the endpoint takes
    assert {"detail", "error_code", "timestamp", "path", "trace_id"} <= body.keys()
    assert len(backend._entries) == before
    # declared parameters, including those of shared dependencies (paging), still work
    assert client.get("/api/v1/matches", params={"date": "2011-08-13", "limit": 2, "offset": 1}).status_code == 200


def test_the_memory_cache_is_bounded_by_bytes() -> None:
    cache = MemoryCache(max_entries=100_000, max_bytes=1_000_000)
    body = b"x" * 10_000
    for number in range(1_000):  # 10 MB offered to a 1 MB cache
        cache.set(f"/api/v1/k{number}", body, 60, ["league:1"], 0)
        assert cache.size_bytes <= cache.max_bytes
    assert cache.get("/api/v1/k999") == body  # the newest stay, the oldest left
    assert cache.get("/api/v1/k0") is None
    assert not cache.set("/api/v1/huge", b"x" * 600_000, 60, [], 0)  # one answer may not take the whole cache
    cache.invalidate({"league:1"}, 1)
    assert cache.size_bytes == 0


@pytest.mark.parametrize(("header", "matches"), [
    ('"abc"', True), ('W/"abc"', True), ('"x", "abc"', True), ('"x",, W/"abc" ', True), ("*", True),
    ('xx"abc"yy', False), ('"abcd"', False), ('"ab"', False), ('"abc" junk', False), ("", False), ("abc", False),
])
def test_if_none_match_rules(header: str, matches: bool) -> None:
    assert if_none_match(header, '"abc"') is matches


@pytest.mark.parametrize("path", ["miss", "hit"])
def test_conditional_requests_on_both_paths(client: TestClient, path: str) -> None:
    url = f"/api/v1/leagues?limit={1 if path == 'miss' else 2}"
    etag = client.get(url).headers["etag"]
    if path == "miss":  # let the next request be built by the endpoint again
        client.app.state.cache.backend.reset(client.app.state.cache._seen)
    cases = {etag: 304, f"W/{etag}": 304, f'"other", {etag}': 304, "*": 304, f"xx{etag}yy": 200, '"other"': 200}
    for header, status in cases.items():
        response = client.get(url, headers={"If-None-Match": header})
        assert response.status_code == status, (header, path, response.headers.get("x-cache"))
        if path == "miss":
            client.app.state.cache.backend.reset(client.app.state.cache._seen)


def test_misses_are_built_a_few_at_a_time_and_a_build_inside_a_build_keeps_its_turn(sqlite_engine) -> None:  # noqa: ANN001
    """MATCHDAY_CACHE_BUILDERS: the other misses wait (asleep, off the interpreter lock) for a turn."""
    from concurrent.futures import ThreadPoolExecutor

    from pydantic import BaseModel
    from starlette.requests import Request

    from matchday.api.caching import ResponseCache

    cache = ResponseCache(MemoryCache(), sqlite_engine, builders=2)
    running, most = [0], [0]
    lock = threading.Lock()

    class Answer(BaseModel):
        n: int

    def build(n: int) -> Answer:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return Answer(n=n)

    def ask(n: int) -> bytes:
        request = Request({"type": "http", "method": "GET", "path": f"/api/v1/x/{n}", "query_string": b"",
                           "headers": []})
        return cache.respond(request, 0, [f"x:{n}"], lambda: build(n)).body

    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(ask, range(16)))
    assert bodies == [f'{{"n":{n}}}'.encode() for n in range(16)] and most[0] == 2
    single = ResponseCache(MemoryCache(), sqlite_engine, builders=1)
    outer = Request({"type": "http", "method": "GET", "path": "/api/v1/outer", "query_string": b"", "headers": []})
    inner = Request({"type": "http", "method": "GET", "path": "/api/v1/inner", "query_string": b"", "headers": []})
    nested = single.respond(outer, 0, ["o"], lambda: Answer(n=len(single.respond(inner, 0, ["i"],
                                                                                  lambda: Answer(n=7)).body)))
    assert nested.body == b'{"n":7}'
