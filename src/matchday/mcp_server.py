"""The MCP server (`matchday mcp`): the store, the collector's state and football answers for an AI assistant.

Built with the official ``mcp`` SDK, 2.x (``MCPServer``, formerly FastMCP). Tools:
``db_query`` (read-only SQL on the football tables only: a read-only connection, a statement timeout, row and byte
caps; writes refused; see ``store.readonly_sql``),
``coverage_status``, ``rate_limit_status``, ``job_registry``, ``league_table``, ``fixtures``, ``match_details``,
``team_search``, ``live_matches``. Every tool only reads, and nothing reads the users store or the admin keys.
Over HTTP every request must bear an admin API key (the SDK's bearer-token auth, ``AdminKeyVerifier``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import anyio
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from matchday.errors import MatchdayError
from matchday.settings import Settings, get_settings
from matchday.store.engine import make_engine, read_only

INSTRUCTIONS = (
    "matchday is a football data store: competitions (codes such as eng.1, ger.1, fifa.world), seasons "
    "(labels such as 2024-25, or 2026 for calendar-year competitions), teams, matches with events, statistics, "
    "lineups and odds; league tables computed by each competition's rules; and the collector that keeps it "
    "current (jobs, quotas, coverage). Use the football tools first; db_query runs read-only SQL on the store "
    "(tables: competitions, seasons, teams, matches, match_events, team_match_stats, odds_quotes, "
    "published_standings, job_runs, coverage, raw_responses ...; match_provenance: which source gave which "
    "fields of a match)."
)


def _answers_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """matchday's own errors (not found, refused query ...) reach the assistant as readable tool errors."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except MatchdayError as exc:
            raise ToolError(str(exc)) from None
        except ValueError as exc:  # a malformed date and the like
            raise ToolError(f"invalid argument: {exc}") from None

    return wrapper


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class AdminKeyVerifier:
    """Bearer tokens for ``matchday mcp --http``: the store's admin API keys (unrevoked)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def verify_token(self, token: str) -> AccessToken | None:
        from matchday.store import admin_keys

        row = await anyio.to_thread.run_sync(admin_keys.verify, self.engine, token)
        if row is None:
            return None
        return AccessToken(token=token, client_id=f"admin-key-{row['id']}", scopes=[])


def create_mcp_server(settings: Settings | None = None, engine: Engine | None = None,
                      http_url: str | None = None) -> MCPServer:
    """The server; with ``http_url`` (where it is served over HTTP) every request needs an admin API key."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)
    reader = read_only(engine)
    if http_url:
        server = MCPServer("matchday", instructions=INSTRUCTIONS, token_verifier=AdminKeyVerifier(engine),
                           auth=AuthSettings(issuer_url=http_url, resource_server_url=f"{http_url}/mcp"))
    else:
        server = MCPServer("matchday", instructions=INSTRUCTIONS)
    sql_engine = _assistant_engine(settings, engine)
    collector_box: dict[str, Any] = {}

    def collector() -> Any:
        if "c" not in collector_box:
            from matchday.ingest.collector import Collector

            collector_box["c"] = Collector.create(settings, engine, sync_definitions=False)
        return collector_box["c"]

    @server.tool()
    @_answers_errors
    def db_query(sql: str) -> dict[str, Any]:
        """Run one read-only SQL statement (SELECT/WITH/EXPLAIN) on the matchday football store. Writes are refused
        by the connection itself; long queries are stopped; at most the configured number of rows is returned, and
        an answer over the byte cap (or with one value over the per-value cap) is refused: select less."""
        from matchday.store.readonly_sql import QueryLimits, QueryRefused, run_read_only

        if sql_engine is None:
            raise QueryRefused("db_query on PostgreSQL runs as a read-only role of the football tables only: "
                               "create it with `matchday mcp-role` and set MATCHDAY_MCP_DATABASE_URL")
        from matchday.accounts.schema import users_metadata

        limits = QueryLimits(settings.mcp_row_limit, settings.mcp_statement_timeout_s,
                             settings.mcp_max_answer_bytes, settings.mcp_max_value_bytes,
                             frozenset(users_metadata.tables))
        try:
            result = run_read_only(sql_engine, sql, limits)
        except MemoryError:  # a last resort: the caps should refuse first, and the server must stay up
            raise QueryRefused("refused: the query needs more memory than the server has; select less") from None
        return {"columns": result.columns, "rows": result.rows, "truncated": result.truncated,
                "row_limit": settings.mcp_row_limit}

    @server.tool()
    @_answers_errors
    def coverage_status(league: str | None = None, season: str | None = None) -> dict[str, Any]:
        """Coverage per competition, season and endpoint: count vs target, freshness lag, completeness, status."""
        from matchday.ingest import coverage

        targets = {j.job_id: j.coverage_target for j in collector().registry.jobs.values() if j.coverage_target}
        return {"coverage": _jsonable(coverage.report(engine, targets, league, season))}

    @server.tool()
    @_answers_errors
    def rate_limit_status() -> dict[str, Any]:
        """Per provider: requests left today and this minute, limits, reset times, priority floors, breakers."""
        return {"providers": _jsonable(collector().quota_report())}

    @server.tool()
    @_answers_errors
    def job_registry() -> dict[str, Any]:
        """The collector's jobs: provider, type, priority, schedule, enabled, last outcome and retry time."""
        from matchday.store import job_registry as registry_store

        states = registry_store.states(engine)
        jobs = []
        for job_id, job in collector().registry.jobs.items():
            state = states.get(job_id, {})
            jobs.append({"job_id": job_id, "provider": job.provider, "type": str(job.type),
                         "priority": str(job.priority), "enabled": job.enabled, "endpoint": job.endpoint,
                         "params": job.params, "interval": job.interval.model_dump() if job.interval else None,
                         "dependencies": job.dependencies, "last_status": state.get("last_status"),
                         "last_success_at": state.get("last_success_at"), "retry_at": state.get("retry_at")})
        return {"jobs": _jsonable(jobs)}

    @server.tool()
    @_answers_errors
    def league_table(league: str, season: str, as_of: str | None = None) -> dict[str, Any]:
        """A competition's table for a season (league code such as eng.1; season such as 2024-25), optionally as
        of a date (YYYY-MM-DD), computed by the competition's own tie-breakers."""
        from matchday.services.tables import league_table as compute
        from matchday.services.tables import standing_row

        with reader.connect() as conn:
            table = compute(conn, league, season, as_of=date.fromisoformat(as_of) if as_of else None)
        return {"league": table.league_code, "name": table.league_name, "season": table.season,
                "standings": [_jsonable(standing_row(row)) for row in table.rows]}

    @server.tool()
    @_answers_errors
    def fixtures(league: str | None = None, season: str | None = None, on_date: str | None = None,
                 team: str | None = None, status: str | None = None, limit: int = 50) -> dict[str, Any]:
        """Matches filtered by league code, season, date (YYYY-MM-DD), team (any name or alias) and status
        (scheduled, live, halftime, finished, postponed ...); at most ``limit`` (max 200)."""
        from matchday.store import match_queries, queries
        from matchday.store.team_queries import league_by_id_or_code

        with reader.connect() as conn:
            flt = match_queries.MatchFilter(
                on_date=date.fromisoformat(on_date) if on_date else None,
                competition_id=league_by_id_or_code(conn, league).id if league else None,
                team_id=queries.find_team(conn, team) if team else None, season=season,
                statuses=(status,) if status else ())
            rows, total = match_queries.list_matches(conn, flt, max(1, min(limit, 200)), 0)
        return {"total": total, "matches": [_summary(r) for r in rows]}

    @server.tool()
    @_answers_errors
    def match_details(match_id: int) -> dict[str, Any]:
        """One match in full: score parts, status, events (goals, cards), team statistics (each figure with its
        source), lineups (formation, coach, grid places, ratings), shot totals with xG."""
        from matchday.services import lineups, match_centre
        from matchday.store import match_queries

        with reader.connect() as conn:
            summary = match_queries.match_summary(conn, match_id)
            shots = match_centre.shots(conn, match_id)
            detail = {**_summary(summary), "events": match_queries.events(conn, match_id),
                      "statistics": match_centre.team_stats(conn, match_id),
                      "lineups": lineups.lineups(conn, match_id),
                      "shots": {"source": shots["source"], "home": shots["home"], "away": shots["away"]},
                      "referee": summary["referee"]}
        return _jsonable(detail)

    @server.tool()
    @_answers_errors
    def team_search(query: str, limit: int = 20) -> dict[str, Any]:
        """Teams whose name or alias contains ``query``, with their ids in every source."""
        from matchday.store.team_queries import search_teams

        with reader.connect() as conn:
            rows, total = search_teams(conn, query, max(1, min(limit, 100)), 0)
        return {"total": total, "teams": _jsonable(rows)}

    @server.tool()
    @_answers_errors
    def live_matches() -> dict[str, Any]:
        """Matches in play now (live or at half time), with minute and score."""
        from matchday.store import match_queries

        with reader.connect() as conn:
            rows, total = match_queries.list_matches(
                conn, match_queries.MatchFilter(statuses=match_queries.LIVE_STATUSES), 200, 0)
        return {"total": total, "matches": [_summary(r) for r in rows]}

    return server


def _assistant_engine(settings: Settings, engine: Engine) -> Engine | None:
    """The connection db_query runs on: the store's own on SQLite (its authorizer denies the secret tables); on
    PostgreSQL only the assistant's read-only role (MATCHDAY_MCP_DATABASE_URL), never the owner's."""
    if settings.mcp_database_url:
        url = make_url(settings.mcp_database_url)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return create_engine(url, poolclass=NullPool)  # a connection per query, none left open
    return engine if engine.dialect.name == "sqlite" else None


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "league_code", "season", "match_date", "kickoff_utc", "status", "minute", "home_name",
            "away_name", "home_goals", "away_goals", "home_goals_ht", "away_goals_ht", "home_penalties",
            "away_penalties", "round", "venue")
    return _jsonable({k: row.get(k) for k in keep})
