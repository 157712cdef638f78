"""The ``matchday`` command: a thin face over the pipeline, the services and the queries."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from matchday.domain.records import Side
from matchday.errors import MatchdayError
from matchday.fetch.client import download_all
from matchday.ingest.pipeline import UnitSummary, load_units
from matchday.ingest.seed import seed_reference_data
from matchday.logs import configure_logging
from matchday.settings import get_settings
from matchday.sources.base import available_sources, get_source
from matchday.store import queries
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.team_merge import merge_teams

app = typer.Typer(help="matchday: football data you own. Load results, compute tables, serve them.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
teams_app = typer.Typer(help="List teams, or merge two that are one club.", invoke_without_command=True)
app.add_typer(teams_app, name="teams")
console = Console()
errors = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.callback()
def _setup() -> None:
    configure_logging(get_settings())


def _engine() -> Engine:
    """The configured store, migrated to the current schema (a no-op when it already is)."""
    engine = make_engine(get_settings().database_url)
    init_store(engine)
    return engine


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=str, ensure_ascii=False, indent=1) + "\n")


def _fail(exc: MatchdayError) -> None:
    errors.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(2)


def init_store(engine: Engine) -> None:
    """Apply migrations and the packaged reference data (deduction ledger). Idempotent."""
    upgrade(engine)
    seed_reference_data(engine)


@app.command()
def init() -> None:
    """Create or upgrade the database (Alembic migrations) and seed reference data."""
    engine = _engine()
    console.print(f"[green]store ready[/] at {engine.url.render_as_string(hide_password=True)}")


def _summary_table(summaries: list[UnitSummary], seconds: float) -> Table:
    table = Table(title="load summary")
    for column in ("files", "ok", "failed", "rows read", "new", "changed", "unchanged", "quarantined", "seconds"):
        table.add_column(column, justify="right")
    ok = [s for s in summaries if s.status == "ok"]
    table.add_row(str(len(summaries)), str(len(ok)), str(len(summaries) - len(ok)),
                  str(sum(s.rows_read for s in ok)), str(sum(s.new for s in ok)), str(sum(s.changed for s in ok)),
                  str(sum(s.unchanged for s in ok)), str(sum(s.quarantined for s in ok)), f"{seconds:.1f}")
    return table


@app.command()
def load(
    source: Annotated[str, typer.Argument(help="football-data-uk, openfootball, engsoccerdata, "
                                               "international-results, simulator (or a plugin)")],
    paths: Annotated[list[str] | None, typer.Argument(help="Files, folders or URLs to load.")] = None,
    league: Annotated[str | None, typer.Option(help="Download this league (eng.1 or the provider's code).")] = None,
    season: Annotated[str | None, typer.Option(help="Season to download or simulate, e.g. 2024-25.")] = None,
    teams: Annotated[int | None, typer.Option(help="simulator: number of teams (even).")] = None,
    seed: Annotated[int | None, typer.Option(help="simulator: random seed.")] = None,
    refresh: Annotated[bool, typer.Option(help="Download again even if the file is cached.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Load data through the pipeline; safe to repeat (a second load changes nothing)."""
    settings = get_settings()
    engine = _engine()
    started = time.perf_counter()
    try:
        plugin = get_source(source)
        local: list[Path] = []
        urls = [p for p in paths or [] if p.startswith(("http://", "https://"))]
        local += [Path(p) for p in paths or [] if p not in urls]
        if urls:
            from matchday.sources.base import Download

            local += download_all([Download(u, f"{source}/url/{Path(u).name}") for u in urls], settings,
                                  refresh=refresh)
        if league and source != "simulator":
            base = {"football-data-uk": settings.football_data_uk_base_url,
                    "openfootball": settings.openfootball_base_url}.get(source, "")
            local += download_all(plugin.downloads(league, season or "", base), settings, refresh=refresh)
        options = {"teams": teams, "seed": seed, "league": league, "season": season}
        units = plugin.plan(local, {k: str(v) for k, v in options.items() if v is not None})
    except MatchdayError as exc:
        _fail(exc)
    if not units:
        errors.print("[yellow]nothing to load[/] (no matching files)")
        raise typer.Exit(1)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=errors, disable=as_json or not errors.is_terminal) as progress:
        task = progress.add_task(f"loading {source}", total=len(units))

        def done(summary: UnitSummary) -> None:
            progress.advance(task)
            if summary.status != "ok":
                errors.print(f"[red]failed[/] {summary.location}: {summary.error}")

        summaries = load_units(engine, plugin, units, done)
    seconds = time.perf_counter() - started
    if as_json:
        _print_json([{k: v for k, v in vars(s).items() if k != "changes"} for s in summaries])
    else:
        console.print(_summary_table(summaries, seconds))
    if any(s.status != "ok" for s in summaries):
        raise typer.Exit(1)


def _parse_venue(venue: str | None) -> Side | None:
    if venue is None:
        return None
    try:
        return Side(venue)
    except ValueError:
        raise typer.BadParameter("venue must be 'home' or 'away'") from None


@app.command()
def table(
    league: Annotated[str, typer.Argument(help="League code: eng.1 or a provider's code such as E0.")],
    season: Annotated[str, typer.Argument(help="Season: 2011-12 (or 2022 for calendar-year leagues).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Table after this date (YYYY-MM-DD).")] = None,
    round_: Annotated[int | None, typer.Option("--round", help="Table after this round.")] = None,
    venue: Annotated[str | None, typer.Option(help="home or away: only those matches.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Print a league table computed from the stored results, per the league's rules."""
    from matchday.services.tables import league_table

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"--as-of must be YYYY-MM-DD, got {as_of!r}") from None
    try:
        with _engine().connect() as conn:
            result = league_table(conn, league, season, as_of=day, up_to_round=round_, venue=_parse_venue(venue))
    except MatchdayError as exc:
        _fail(exc)
    if as_json:
        _print_json(result.rows)
        return
    out = Table(title=f"{result.league_name} {result.season}", caption=f"{result.matches_counted} matches counted")
    for column in ("#", "team", "P", "W", "D", "L", "GF", "GA", "GD", "Pts", "form", "zone", "tie-break"):
        out.add_column(column, justify="left" if column in ("team", "form", "zone", "tie-break") else "right")
    for index, row in enumerate(result.rows):
        if row["group"] and (index == 0 or result.rows[index - 1]["group"] != row["group"]):
            out.add_section()
            out.add_row("", f"[bold]{row['group']}[/]")
        points = f"{row['points']}" + (f" (-{row['points_deducted']})" if row["points_deducted"] else "")
        out.add_row(str(row["position"]), row["team_name"], *(str(row[k]) for k in (
            "played", "won", "drawn", "lost", "goals_for", "goals_against", "goal_difference")), points,
            row["form"], row["zone"] or "", row["decided_by"] or "")
    console.print(out)


@app.command()
def positions(
    league: Annotated[str, typer.Argument(help="League code.")],
    season: Annotated[str, typer.Argument(help="Season.")],
    as_json: JsonOpt = False,
) -> None:
    """Each team's league position after every match date of the season."""
    from matchday.services.tables import season_position_history

    try:
        with _engine().connect() as conn:
            history = season_position_history(conn, league, season)
    except MatchdayError as exc:
        _fail(exc)
    if as_json:
        _print_json(history)
        return
    dates = history["dates"]
    step = max(1, len(dates) // 12)
    shown = list(range(0, len(dates), step))
    if shown[-1] != len(dates) - 1:
        shown.append(len(dates) - 1)
    out = Table(title=f"positions {league} {history['season']}")
    out.add_column("team")
    for index in shown:
        out.add_column(dates[index][5:], justify="right")
    for team, places in sorted(history["teams"].items(), key=lambda item: item[1][-1]):
        out.add_row(team, *(str(places[i]) for i in shown))
    console.print(out)


@app.command()
def fixtures(
    league: Annotated[str, typer.Argument(help="League code.")],
    season: Annotated[str, typer.Argument(help="Season.")],
    team: Annotated[str | None, typer.Option(help="Only this team's matches (name or id).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the fixtures and results of a season."""
    try:
        with _engine().connect() as conn:
            comp, _label, season_id = queries.find_competition_season(conn, league, season)
            team_id = queries.find_team(conn, team) if team else None
            rows = queries.fixtures(conn, season_id, team_id)
    except MatchdayError as exc:
        _fail(exc)
    if as_json:
        _print_json([dict(r._mapping) for r in rows])
        return
    out = Table(title=f"{comp.name} {season}")
    for column in ("date", "round", "home", "score", "away", "status"):
        out.add_column(column)
    for r in rows:
        score = f"{r.home_goals}-{r.away_goals}" if r.home_goals is not None else "v"
        out.add_row(str(r.match_date or "?"), r.round or ("" if r.stage == "regular" else r.stage), r.home, score,
                    r.away, r.status)
    console.print(out)


@teams_app.callback()
def teams_list(
    ctx: typer.Context,
    league: Annotated[str | None, typer.Option(help="Only teams of this league's season.")] = None,
    season: Annotated[str | None, typer.Option(help="Season (with --league).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List teams with their external ids."""
    if ctx.invoked_subcommand is not None:
        return
    if league and not season:
        raise typer.BadParameter("--league needs --season")
    try:
        with _engine().connect() as conn:
            season_id = queries.find_competition_season(conn, league, season)[2] if league and season else None
            rows = queries.list_teams(conn, season_id)
    except MatchdayError as exc:
        _fail(exc)
    if as_json:
        _print_json(rows)
        return
    out = Table(title=f"{len(rows)} teams")
    for column in ("id", "name", "country", "external ids"):
        out.add_column(column)
    for row in rows:
        out.add_row(str(row["id"]), row["name"], row["country"] or "", ", ".join(row["external_ids"]))
    console.print(out)


@teams_app.command("merge")
def teams_merge(
    keep: Annotated[str, typer.Argument(help="The team to keep (id or name).")],
    drop: Annotated[str, typer.Argument(help="The team merged into it and removed (id or name).")],
    as_json: JsonOpt = False,
) -> None:
    """Merge team B into team A: matches, aliases, external ids, players and deductions move to A."""
    try:
        with _engine().begin() as conn:
            keep_id, drop_id = queries.find_team(conn, keep), queries.find_team(conn, drop)
            result = merge_teams(conn, keep_id, drop_id)
    except MatchdayError as exc:
        _fail(exc)
    if as_json:
        _print_json({"kept": keep_id, "removed": drop_id, **result})
    else:
        console.print(f"merged team {drop_id} into {keep_id}: {result}")


@app.command()
def status(as_json: JsonOpt = False) -> None:
    """Counts, recent load and job runs, quarantined rows, matches flagged for attention."""
    with _engine().connect() as conn:
        data = queries.status(conn)
    if as_json:
        _print_json(data)
        return
    counts = Table(title="store")
    for key in ("competitions", "seasons", "teams", "matches", "quarantined_rows"):
        counts.add_column(key, justify="right")
    counts.add_row(*(str(data[k]) for k in ("competitions", "seasons", "teams", "matches", "quarantined_rows")))
    console.print(counts)
    runs = Table(title="recent load runs")
    for column in ("id", "source", "location", "status", "rows", "new", "changed", "quarantined", "seconds",
                   "error"):
        runs.add_column(column)
    for run in data["recent_load_runs"]:
        runs.add_row(str(run["id"]), run["source"], run["location"][-60:], run["status"], str(run["rows_read"]),
                     str(run["matches_new"]), str(run["matches_changed"]), str(run["rows_quarantined"]),
                     f"{run['duration_s'] or 0:.2f}", (run["error"] or "")[:60])
    console.print(runs)
    job_runs = Table(title="recent job runs (live polling)")
    for column in ("job", "started", "seconds", "items", "status", "error"):
        job_runs.add_column(column)
    for run in data["recent_job_runs"]:
        job_runs.add_row(run["job"], str(run["started_at"])[:19], f"{run['duration_s'] or 0:.2f}", str(run["items"]),
                         run["status"], (run["error"] or "")[:60])
    console.print(job_runs)
    if data["flagged_matches"]:
        attention = Table(title="matches flagged for attention (no longer polled)")
        for column in ("id", "match", "kick-off", "status", "last checked", "why"):
            attention.add_column(column)
        for item in data["flagged_matches"]:
            attention.add_row(str(item["id"]), f"{item['home']} v {item['away']}", str(item["kickoff_utc"])[:16],
                              item["status"], str(item["last_checked_at"])[:19], item["attention"])
        console.print(attention)
    if data["quarantine_by_file"]:
        quarantine = Table(title="quarantined rows by file")
        for column in ("source", "file", "rows"):
            quarantine.add_column(column)
        for item in data["quarantine_by_file"]:
            quarantine.add_row(item["source"], item["location"][-70:], str(item["rows"]))
        console.print(quarantine)


@app.command()
def sources() -> None:
    """List the installed sources (built-in and plugins)."""
    for name, plugin in sorted(available_sources().items()):
        console.print(f"[bold]{name}[/]: {plugin.description}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default MATCHDAY_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default MATCHDAY_PORT).")] = None,
) -> None:
    """Serve the REST API (/api/v1, docs at /docs), the web UI (/), /health and /metrics."""
    from matchday.server import create_server

    settings = get_settings()
    engine = _engine()
    host, port = host or settings.host, port or settings.port
    console.print(f"matchday serving on [bold]http://{host}:{port}/[/] (API docs: http://{host}:{port}/docs)")
    _run_uvicorn(create_server(settings, engine), host, port)


def _serve_live(settings, engine: Engine, sources: list, speed: float, host: str | None, port: int | None,
                open_browser: bool) -> None:
    from matchday.server import create_server

    host, port = host or settings.host, port or settings.port
    url = f"http://{host}:{port}/"
    console.print(f"matchday live on [bold]{url}[/] (WebSocket ws://{host}:{port}/ws, API docs {url}docs)")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    _run_uvicorn(create_server(settings, engine, sources, speed), host, port)


def _run_uvicorn(app, host: str, port: int) -> None:  # noqa: ANN001 - the ASGI app
    """uvicorn tuned for many small WebSocket frames: per-message deflate costs a zlib stream per connection
    (memory) and a compression per client per frame (CPU) to save a few bytes of ~200-byte JSON."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, ws_max_size=65536,
                ws_per_message_deflate=False, backlog=4096)


@app.command()
def demo(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    speed: Annotated[float, typer.Option(help="Simulated seconds per real second (30: a match in ~3 minutes).")]
    = 30.0,
    seed: Annotated[int, typer.Option(help="Makes the match day reproducible.")] = 1,
    teams: Annotated[int, typer.Option(help="Teams in the simulated league (even).")] = 20,
    lead: Annotated[float, typer.Option(help="Real seconds from start-up to kick-off.")] = 10.0,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the browser.")] = False,
) -> None:
    """Serve a simulated live match day: a whole round played on a fast clock, pushed over WebSocket."""
    from datetime import UTC, datetime, timedelta

    from matchday.domain.records import ParseResult
    from matchday.domain.seasons import season_for_date
    from matchday.ingest.pipeline import UnitSummary, write_parsed
    from matchday.sources.live import ScriptedSource, SimulatedClock
    from matchday.sources.simulator.live import live_round
    from matchday.store.ephemeral import clear_season
    from matchday.store.runs import start_run

    settings = get_settings()
    engine = _engine()
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    season = season_for_date(now.date(), calendar_year=False)
    kickoff = now + timedelta(seconds=lead * speed)
    history, scripts = live_round(teams, seed, season, kickoff, league="demo.1")
    clear_season(engine, "demo.1", season)
    with engine.begin() as conn:
        run_id = start_run(conn, "simulator", f"demo:{season}?seed={seed}")
    write_parsed(engine, "simulator", run_id, f"demo:{season}?seed={seed}", ParseResult(matches=history),
                 UnitSummary("demo", duration_s=time.perf_counter()))
    clock = SimulatedClock(start=now, speed=speed)
    source = ScriptedSource("simulator-live", scripts, clock, interval_s=max(0.1, 10 / speed))
    console.print(f"demo: {len(scripts)} matches of {season} kick off at simulated {kickoff:%H:%M} UTC "
                  f"(speed {speed:g}x: a match lasts about {scripts[0].duration_minutes * 60 / speed / 60:.1f} "
                  f"real minutes)")
    _serve_live(settings, engine, [source], speed, host, port, open_browser)


@app.command()
def replay(
    source: Annotated[str, typer.Argument(help="openfootball (worldcup.json, euro.json) or international-results.")],
    path: Annotated[Path, typer.Argument(help="The file or folder holding the day's matches.")],
    on: Annotated[str, typer.Option("--date", help="The day to re-live, YYYY-MM-DD.")],
    speed: Annotated[float, typer.Option(help="Simulated seconds per real second.")] = 30.0,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    lead: Annotated[float, typer.Option(help="Real seconds from start-up to the first kick-off.")] = 10.0,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the browser.")] = False,
) -> None:
    """Re-live a real match day minute by minute: every goal at its true minute, over WebSocket."""
    from dataclasses import replace as dc_replace
    from datetime import UTC, datetime, timedelta

    from matchday.domain.records import CompetitionRef
    from matchday.sources.live import ScriptedSource, SimulatedClock
    from matchday.sources.replay import matches_on, replay_scripts
    from matchday.store.ephemeral import clear_season

    settings = get_settings()
    engine = _engine()
    try:
        day = date.fromisoformat(on)
        found = matches_on(source, [path], day)
    except ValueError:
        raise typer.BadParameter(f"--date must be YYYY-MM-DD, got {on!r}") from None
    except MatchdayError as exc:
        _fail(exc)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    today = now.date()
    comps = {m.competition.code: m.competition for m in found}
    renamed = {code: CompetitionRef(f"{code}.replay", f"{comp.name} (replay {day})", comp.country, comp.kind)
               for code, comp in comps.items()}
    season = str(today.year)
    found = [dc_replace(m, competition=renamed[m.competition.code], season=season, match_date=today) for m in found]
    for comp in renamed.values():
        clear_season(engine, comp.code, season)
    scripts = replay_scripts(found, now + timedelta(seconds=lead * speed))
    clock = SimulatedClock(start=now, speed=speed)
    live = ScriptedSource(f"replay:{source}", scripts, clock, interval_s=max(0.1, 10 / speed))
    console.print(f"replay of {day}: {len(scripts)} matches, speed {speed:g}x")
    _serve_live(settings, engine, [live], speed, host, port, open_browser)


@app.command()
def quickstart(
    league: Annotated[str, typer.Option(help="League to download when online.")] = "eng.1",
    season: Annotated[str, typer.Option(help="Season to download when online.")] = "2024-25",
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the server afterwards.")] = True,
) -> None:
    """The main job: create the store, load a season (download if online, else simulate), print its table, serve."""
    from datetime import UTC, datetime

    from matchday.domain.seasons import season_for_date
    from matchday.errors import FetchError

    settings = get_settings()
    engine = _engine()
    plugin = get_source("football-data-uk")
    try:
        probe = settings.model_copy(update={"http_timeout_s": min(settings.http_timeout_s, 10), "http_retries": 1})
        paths = download_all(plugin.downloads(league, season, settings.football_data_uk_base_url), probe)
        units = plugin.plan(paths, {})
        console.print(f"downloaded {league} {season} from football-data.co.uk")
    except FetchError as exc:
        now = datetime.now(UTC).replace(tzinfo=None)
        plugin, league, season = get_source("simulator"), "sim.1", season_for_date(now.date(), calendar_year=False)
        console.print(f"[yellow]offline[/] ({exc}); simulating the {season} season up to now instead")
        units = plugin.plan([], {"league": league, "season": season, "teams": "20", "seed": "1",
                                 "played_until": now.isoformat()})
    summaries = load_units(engine, plugin, units)
    console.print(_summary_table(summaries, sum(s.duration_s for s in summaries)))
    table(league=league, season=season, as_of=None, round_=None, venue=None, as_json=False)
    if serve_after:
        serve(host=None, port=None)


if __name__ == "__main__":
    app()
