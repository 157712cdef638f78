"""The MCP server through the SDK's own in-process client: every tool, and writes refused by db_query."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from mcp import Client
from sqlalchemy import func, select

from matchday.mcp_server import create_mcp_server
from matchday.store.schema import matches
from tests.collector.conftest import APIF
from tests.collector.fake_provider import Reply
from tests.collector.test_runner import FIXTURES, STANDINGS_JOB
from tests.ports import free_port, wait_for_port

FIXTURES_JOB = {"job_id": "bl-fixtures", "provider": "api-football", "type": "incremental_daily",
                "endpoint": "fixtures", "params": {"league": 78, "season": 2023},
                "interval": {"type": "interval", "seconds": 3600}, "coverage_target": {"min_count": 306}}


@pytest.fixture
def loaded(make_collector, fake):  # noqa: ANN001, ANN201
    collector = make_collector([FIXTURES_JOB, STANDINGS_JOB], mcp_row_limit=50)
    fake.script("/fixtures", Reply.file(FIXTURES))
    fake.script("/standings", Reply.file(APIF / "standings_league-39_season-2022.json"))
    assert collector.run_job("bl-fixtures").status == "ok"
    return collector


def _call(server, calls: list[tuple[str, dict]]) -> list:  # noqa: ANN001
    async def main() -> list:
        async with Client(server) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            assert tools >= {"db_query", "coverage_status", "rate_limit_status", "job_registry", "league_table",
                             "fixtures", "match_details", "team_search", "live_matches"}
            return [await client.call_tool(name, args) for name, args in calls]

    return asyncio.run(main())


def _data(result) -> dict:  # noqa: ANN001
    assert not result.is_error, result.content
    return result.structured_content or json.loads(result.content[0].text)


def test_tools_answer_through_the_sdk_client(loaded, tmp_path: Path) -> None:
    server = create_mcp_server(loaded.settings, loaded.engine)
    results = _call(server, [
        ("db_query", {"sql": "SELECT count(*) AS n FROM matches"}),
        ("db_query", {"sql": "SELECT id FROM matches ORDER BY id"}),
        ("fixtures", {"league": "ger.1", "season": "2023-24", "team": "Bayern Munich", "limit": 5}),
        ("team_search", {"query": "Dortmund"}),
        ("coverage_status", {}),
        ("rate_limit_status", {}),
        ("job_registry", {}),
        ("live_matches", {}),
    ])
    count, capped, fixtures, teams, coverage, quota, registry, live = [_data(r) for r in results]
    assert count["columns"] == ["n"] and count["rows"] == [[71]]
    assert len(capped["rows"]) == 50 and capped["truncated"] is True  # the row cap (settings: 50 in this test)
    assert fixtures["total"] >= 1 and all("Bayern" in (m["home_name"] + m["away_name"]) for m in fixtures["matches"])
    assert any("Dortmund" in t["name"] for t in teams["teams"])
    assert coverage["coverage"][0]["count"] == 71 and coverage["coverage"][0]["status"] == "critical"
    assert any(p["provider"] == "api-football" for p in quota["providers"])
    assert {j["job_id"] for j in registry["jobs"]} == {"bl-fixtures", "pl-standings"}
    assert live == {"total": 0, "matches": []}
    detail = _data(_call(server, [("match_details", {"match_id": fixtures["matches"][0]["id"]})])[0])
    assert detail["league_code"] == "ger.1" and detail["status"] == "scheduled"


def test_league_table_tool(loaded) -> None:
    assert loaded.run_job("pl-standings").status == "ok"
    server = create_mcp_server(loaded.settings, loaded.engine)
    result = _call(server, [("league_table", {"league": "ger.1", "season": "2023-24"})])[0]
    table = _data(result)
    assert table["league"] == "ger.1" and len(table["standings"]) == 18  # the Bundesliga's 18 clubs, unplayed
    assert all(row["played"] == 0 for row in table["standings"])


WRITES = [
    "DELETE FROM matches",
    "UPDATE matches SET home_goals = 9",
    "INSERT INTO teams (name) VALUES ('x')",
    "DROP TABLE matches",
    "CREATE TABLE evil (x int)",
    "PRAGMA journal_mode = DELETE",
    "SELECT 1; DELETE FROM matches",
    "ATTACH DATABASE '{tmp}/evil.db' AS evil",
]


def test_db_query_refuses_every_write(loaded, tmp_path: Path) -> None:
    server = create_mcp_server(loaded.settings, loaded.engine)
    results = _call(server, [("db_query", {"sql": sql.format(tmp=tmp_path)}) for sql in WRITES])
    for sql, result in zip(WRITES, results, strict=True):
        text = result.content[0].text
        assert result.is_error and ("refused" in text or "one statement" in text), (sql, text)
    assert not (tmp_path / "evil.db").exists()
    with loaded.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(matches)).scalar_one() == 71


def test_db_query_stops_a_runaway_query(loaded) -> None:
    loaded.settings.mcp_statement_timeout_s = 0.2
    server = create_mcp_server(loaded.settings, loaded.engine)
    runaway = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")
    result = _call(server, [("db_query", {"sql": runaway})])[0]
    assert result.is_error and "timeout" in result.content[0].text


def test_matchday_mcp_over_streamable_http(loaded, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    from matchday.store import admin_keys
    from tests.conftest import REPO

    _key_id, key = admin_keys.create(loaded.engine, "assistant")  # --http answers admin keys only
    port = free_port()
    env = {**os.environ, "MATCHDAY_DATABASE_URL": str(loaded.engine.url),
           "MATCHDAY_JOBS_DIR": str(loaded.settings.jobs_dir)}
    log = (tmp_path / "mcp.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "matchday.cli", "mcp", "--http", "--port", str(port)],
                               env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, tmp_path / "mcp.log")

        async def main() -> dict:
            http = create_mcp_http_client(headers={"Authorization": f"Bearer {key}"})
            transport = streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http)
            async with http, Client(transport) as client:
                return _data(await client.call_tool("db_query", {"sql": "SELECT count(*) AS n FROM matches"}))

        assert asyncio.run(main())["rows"] == [[71]]
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_read_only_sql_on_both_databases(engine) -> None:  # noqa: ANN001
    from matchday.store.readonly_sql import QueryLimits, QueryRefused, run_read_only

    if engine.dialect.name == "postgresql":  # the owner is refused: the assistant's own read-only role
        from matchday.store.assistant_role import grant
        from matchday.store.engine import make_engine

        with pytest.raises(QueryRefused, match="MATCHDAY_MCP_DATABASE_URL"):
            run_read_only(engine, "SELECT 1", QueryLimits(3, 5.0))
        engine = make_engine(grant(engine, "matchday_assistant"))
    result = run_read_only(engine, "SELECT code FROM competitions ORDER BY code", QueryLimits(3, 5.0))
    assert result.columns == ["code"] and len(result.rows) <= 3
    for sql in ("DELETE FROM competitions", "UPDATE teams SET name = 'x'", "CREATE TABLE evil (x int)"):
        with pytest.raises(QueryRefused):
            run_read_only(engine, sql, QueryLimits(10, 5.0))
    slow = ("SELECT pg_sleep(3)" if engine.dialect.name == "postgresql" else
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")
    with pytest.raises(QueryRefused):
        run_read_only(engine, slow, QueryLimits(10, 0.3))
    engine.dispose()
