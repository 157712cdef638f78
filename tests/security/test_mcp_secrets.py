"""The MCP server sees the football store only (issue 17, items 1 and 6): db_query cannot read the users store or
the admin keys, on SQLite (authorizer) and on PostgreSQL (a read-only role); answers are capped in bytes; and
``matchday mcp --http`` answers only requests bearing an admin API key."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from sqlalchemy import Engine

from matchday.accounts.store import upgrade_users
from matchday.accounts.users import register
from matchday.mcp_server import create_mcp_server
from matchday.settings import Settings
from matchday.store import admin_keys
from tests.conftest import REPO
from tests.ports import free_port, wait_for_port

SECRET_QUERIES = [
    "SELECT username, email, password_hash FROM users",
    "SELECT count(*) FROM users",
    "SELECT key_hash FROM admin_api_keys",
    "SELECT * FROM user_sessions",
    "SELECT * FROM predictions",
    "SELECT * FROM bonus_answers",
    "SELECT (SELECT password_hash FROM users LIMIT 1) AS h",
    "WITH u AS (SELECT * FROM users) SELECT email FROM u",
    "SELECT m.id FROM matches m WHERE EXISTS (SELECT 1 FROM users)",
    "SELECT * FROM \"USERS\"",
    "SELECT * FROM main.Users",
]
PG_BYPASSES = [
    "SELECT set_config('role', 'none', true), query_to_xml('SELECT password_hash FROM users', true, false, '')",
    "SELECT query_to_xml('SELECT key_hash FROM admin_api_keys', true, false, '')",
]


def _call(server, calls: list[tuple[str, dict]]) -> list:  # noqa: ANN001
    async def main() -> list:
        async with Client(server) as client:
            return [await client.call_tool(name, args) for name, args in calls]

    return asyncio.run(main())


def _data(result) -> dict:  # noqa: ANN001
    assert not result.is_error, result.content
    return result.structured_content or json.loads(result.content[0].text)


def _with_secrets(engine: Engine) -> None:
    upgrade_users(engine)
    with engine.begin() as conn:
        register(conn, "victim@example.org", "victim", "correct horse battery staple")
    admin_keys.create(engine, "ops")


def _settings(engine: Engine, **overrides: object) -> Settings:
    return Settings(database_url=str(engine.url), redis_url=None, **overrides)


def _assistant_url(engine: Engine) -> str | None:
    if engine.dialect.name != "postgresql":
        return None
    from matchday.store.assistant_role import grant

    return grant(engine, "matchday_assistant")


def test_db_query_never_reads_the_users_store_or_admin_keys(engine: Engine) -> None:
    _with_secrets(engine)
    server = create_mcp_server(_settings(engine, mcp_database_url=_assistant_url(engine)), engine)
    queries = SECRET_QUERIES + (PG_BYPASSES if engine.dialect.name == "postgresql" else [])
    results = _call(server, [("db_query", {"sql": sql}) for sql in queries])
    for sql, result in zip(queries, results, strict=True):
        text = result.content[0].text
        assert result.is_error and ("refused" in text or "does not exist" in text), (sql, text)
        assert "argon2" not in text and "victim" not in text
    football = _data(_call(server, [("db_query", {"sql": "SELECT count(*) AS n FROM competitions"})])[0])
    assert football["rows"][0][0] > 0  # the football tables still answer


@pytest.mark.postgres
def test_postgres_db_query_refuses_the_owners_connection(postgres) -> None:  # noqa: ANN001
    """Without MATCHDAY_MCP_DATABASE_URL, or with one that can read the users store, db_query refuses."""
    from matchday.store.engine import make_engine
    from matchday.store.migrate import upgrade
    from tests.conftest import _fresh_postgres_url

    engine = make_engine(_fresh_postgres_url(postgres))
    upgrade(engine)
    _with_secrets(engine)
    for url in (None, str(engine.url.render_as_string(hide_password=False))):
        server = create_mcp_server(_settings(engine, mcp_database_url=url), engine)
        result = _call(server, [("db_query", {"sql": "SELECT email FROM users"})])[0]
        text = result.content[0].text
        assert result.is_error and "MATCHDAY_MCP_DATABASE_URL" in text and "victim" not in text, text
    engine.dispose()


def test_db_query_caps_the_answer_in_bytes_and_stays_up(engine: Engine) -> None:
    _with_secrets(engine)
    settings = _settings(engine, mcp_database_url=_assistant_url(engine), mcp_max_answer_bytes=200_000,
                         mcp_max_value_bytes=50_000, mcp_row_limit=500)
    server = create_mcp_server(settings, engine)
    huge = ("SELECT repeat('x', 2000000) AS v" if engine.dialect.name == "postgresql"
            else "SELECT replace(hex(zeroblob(100000)), '0', 'x') AS v")
    many = ("SELECT repeat('y', 20000) FROM generate_series(1, 500)" if engine.dialect.name == "postgresql" else
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) "
            "SELECT printf('%.*c', 20000, 'y') FROM n")
    printf = "SELECT printf('%.*c', 200000000, 'x') AS v"  # the probe's: SQLite gives NULL past its length limit
    results = _call(server, [("db_query", {"sql": huge}), ("db_query", {"sql": many}),
                             ("db_query", {"sql": printf}),
                             ("db_query", {"sql": "SELECT count(*) AS n FROM competitions"})])
    value, answer, probe, after = results
    assert probe.is_error or _data(probe)["rows"] == [[None]]
    assert value.is_error and "50000-byte cap per value" in value.content[0].text
    assert answer.is_error and "200000-byte cap" in answer.content[0].text
    assert _data(after)["rows"][0][0] > 0  # the server still answers


def _start_mcp(tmp_path: Path, url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "MATCHDAY_DATABASE_URL": url, "MATCHDAY_JOBS_DIR": str(tmp_path / "jobs")}
    with (tmp_path / "mcp.log").open("wb") as log:
        return subprocess.Popen([sys.executable, "-m", "matchday.cli", "mcp", "--http", "--port", str(port)],
                                env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)


def test_mcp_http_requires_an_admin_key(sqlite_engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "jobs").mkdir()
    url = str(sqlite_engine.url)
    port = free_port()
    refused = _start_mcp(tmp_path, url, port)
    assert refused.wait(timeout=60) == 2  # no admin key yet: it does not start open to anyone
    assert "admin create-key" in (tmp_path / "mcp.log").read_text()
    _with_secrets(sqlite_engine)
    _key_id, key = admin_keys.create(sqlite_engine, "assistant")
    process = _start_mcp(tmp_path, url, port)
    try:
        wait_for_port(port, process, tmp_path / "mcp.log")
        import httpx

        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "db_query", "arguments": {"sql": "SELECT 1"}}}
        for headers in ({}, {"Authorization": "Bearer mdk_not-a-key"}, {"Authorization": f"Basic {key}"}):
            answer = httpx.post(f"http://127.0.0.1:{port}/mcp", json=body, timeout=10,
                                headers={**headers, "Accept": "application/json, text/event-stream"})
            assert answer.status_code == 401, (headers, answer.text)

        async def main() -> dict:
            http = create_mcp_http_client(headers={"Authorization": f"Bearer {key}"})
            async with http, Client(streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http)) as c:
                return _data(await c.call_tool("db_query", {"sql": "SELECT count(*) AS n FROM competitions"}))

        assert asyncio.run(main())["rows"][0][0] > 0
    finally:
        process.terminate()
        process.wait(timeout=20)
