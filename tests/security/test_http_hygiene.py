"""HTTP basics on every response: security headers, HEAD for every GET route, 405 with Allow, OPTIONS, CORS
closed unless configured, dates only as YYYY-MM-DD."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matchday.server import create_server
from matchday.settings import Settings

HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")
DOCUMENT_HEADERS = ("referrer-policy", "cross-origin-opener-policy")  # pages only: a JSON answer has no links


def _get_routes(client: TestClient) -> list[tuple[str, set[str]]]:
    """Every GET route with ids filled in, and the methods its path answers."""
    routes = []
    for path, operations in client.app.openapi()["paths"].items():
        if "get" in operations:
            url = re.sub(r"\{[^}/]+\}", "1", path)  # /calendar/team/{team_id}.ics -> /calendar/team/1.ics
            routes.append((url, {m.upper() for m in operations}))
    return routes


def _get_paths(client: TestClient) -> list[str]:
    return [url for url, _methods in _get_routes(client)]


def test_security_headers_on_pages_api_errors_and_static(client: TestClient) -> None:
    for path in ("/", "/api/v1/leagues", "/api/v1/matches/999999", "/no-such-page", "/static/style.css", "/health",
                 "/login"):
        response = client.get(path)
        for header in HEADERS:
            assert header in response.headers, (path, header)
        for header in DOCUMENT_HEADERS:
            assert (header in response.headers) == (not path.startswith("/api/")), (path, header)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    script_src = client.get("/").headers["content-security-policy"].split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in script_src
    assert client.get("/api/v1/auth/me").headers["cache-control"] == "no-store"


def test_head_is_answered_on_every_get_route(client: TestClient) -> None:
    paths = _get_paths(client)
    assert len(paths) >= 24
    for path in paths:
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path


def test_405_carries_allow_on_every_read_route(client: TestClient) -> None:
    for path, methods in _get_routes(client):
        method = next(m for m in ("PATCH", "PUT", "DELETE", "POST") if m not in methods)
        response = client.request(method, path)
        assert response.status_code == 405, (method, path)
        allow = {m.strip() for m in response.headers["allow"].split(",")}
        assert allow == methods | {"HEAD", "OPTIONS"}, (path, allow)
        assert response.json()["error_code"] == "METHOD_NOT_ALLOWED"


def test_options_lists_the_methods(client: TestClient) -> None:
    response = client.options("/api/v1/prediction-leagues/1")
    assert response.status_code == 204
    assert response.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH"
    assert client.options("/api/v1/nothing-here").status_code == 404


def test_cors_is_closed_by_default_and_opens_for_configured_origins(client: TestClient, api_store: Engine) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
    closed = client.options("/api/v1/leagues", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    simple = client.get("/api/v1/leagues", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in simple.headers
    settings = Settings(database_url=str(api_store.url), cors_origins="https://app.example")
    with TestClient(create_server(settings, api_store)) as opened:
        allowed = opened.options("/api/v1/leagues", headers=preflight)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        other = opened.options("/api/v1/leagues", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("value", ["0", "20240101", "1700000000", "2024-1-1"])
def test_dates_must_be_iso(client: TestClient, value: str) -> None:
    response = client.get("/api/v1/matches", params={"date": value})
    assert response.status_code == 422 and response.json()["error_code"] == "VALIDATION_ERROR"
    assert client.get("/api/v1/matches", params={"date": "2022-12-18"}).status_code == 200
