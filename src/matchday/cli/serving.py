"""`matchday serve`, `demo` and `replay`: the server, live or not."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import Engine

from matchday.cli.common import app, console, fail, store_engine
from matchday.errors import ConfigError, MatchdayError
from matchday.settings import get_settings

if TYPE_CHECKING:
    from matchday.store.match_queries import Horizon


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default MATCHDAY_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default MATCHDAY_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="API processes sharing the port (more than 1 needs "
                                                     "MATCHDAY_REDIS_URL: one cache, one pub/sub).")] = 1,
) -> None:
    """Serve the REST API (/api/v1, docs at /docs), the web UI (/), /health and /metrics."""
    from matchday.server import create_server

    settings = get_settings()
    if workers > 1 and not settings.redis_url:
        fail(ConfigError("--workers above 1 needs MATCHDAY_REDIS_URL: the processes share the cache, the live "
                         "pub/sub and the rate limits through Redis"))
    engine = store_engine()
    host, port = host or settings.host, port or settings.port
    console.print(f"matchday serving on [bold]http://{host}:{port}/[/] (API docs: http://{host}:{port}/docs)"
                  + (f" with {workers} processes" if workers > 1 else ""))
    if workers > 1:
        engine.dispose()  # each worker process opens its own pool
        _run_uvicorn("matchday.server:asgi_app", host, port, workers=workers)
    else:
        _run_uvicorn(create_server(settings, engine), host, port)


def _serve_live(settings, engine: Engine, sources: list, speed: float, host: str | None, port: int | None,
                open_browser: bool, horizon: Horizon | None = None) -> None:
    from matchday.server import create_server

    host, port = host or settings.host, port or settings.port
    url = f"http://{host}:{port}/"
    console.print(f"matchday live on [bold]{url}[/] (WebSocket ws://{host}:{port}/ws, API docs {url}docs)")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    _run_uvicorn(create_server(settings, engine, sources, speed, horizon=horizon), host, port)


def _run_uvicorn(app, host: str, port: int, workers: int = 1) -> None:  # noqa: ANN001 - the ASGI app
    """uvicorn with the bounds of ``matchday.http_server`` (head deadline and size, idle timeout, WebSocket
    closes that really close). With several workers ``app`` is the factory's import string: each process builds
    its own app."""
    import uvicorn

    from matchday.http_server import uvicorn_config
    from matchday.live import heap

    if workers == 1:
        heap.enable()  # a serving process: short collector pauses with thousands of connections (live.heap)
        uvicorn.Server(uvicorn_config(app, host, port, get_settings())).run()
        return
    _metrics_dir()
    config = uvicorn_config(app, host, port, get_settings(), workers=workers, factory=True)
    _supervisor_class()(config, sockets=[config.bind_socket()]).run()


def _supervisor_class() -> type:
    from prometheus_client import multiprocess
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        """uvicorn's supervisor, which replaces a worker process that died; the dead one's live gauges (its
        WebSocket clients) are then dropped from the metrics, as prometheus_client's multiprocess mode asks."""

        def keep_subprocess_alive(self) -> None:
            before = [process.pid for process in self.processes]
            super().keep_subprocess_alive()
            after = {process.pid for process in self.processes}
            for pid in before:
                if pid is not None and pid not in after:
                    multiprocess.mark_process_dead(pid)

    return Supervisor


def _metrics_dir() -> None:
    """prometheus_client's multiprocess mode for the worker processes: each keeps its counts in files in
    PROMETHEUS_MULTIPROC_DIR (a fresh temporary folder unless set; emptied at start, as the library requires),
    and a scrape of any of them answers the sum."""
    import os
    import tempfile
    from pathlib import Path

    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):  # the library's own files only, whatever else is there
            stale.unlink()
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="matchday-metrics-")


DEMO_LEAGUE = "sim.1"  # the simulated competition `matchday quickstart` loads offline: one, not two alike


@app.command()
def demo(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    speed: Annotated[float, typer.Option(help="Simulated seconds per real second (30: a match in ~3 minutes).")]
    = 30.0,
    seed: Annotated[int, typer.Option(help="Makes the match day reproducible.")] = 1,
    teams: Annotated[int, typer.Option(help="Teams in the simulated league (even).")] = 20,
    lead: Annotated[float, typer.Option("--kickoff-in", "--lead",
                                        help="Real seconds from start-up to the first kick-off, and from the end "
                                             "of one match day to the next (time to sign up and predict).")]
    = 180.0,
    match_days: Annotated[int, typer.Option("--match-days", min=1, max=2,
                                            help="Match days played one after the other.")] = 2,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the browser.")] = False,
) -> None:
    """Serve the simulated league's next match days live on a fast clock, pushed over WebSocket: the season so
    far, then (after a window to sign up and predict) a whole round, then after the same window the next."""
    from datetime import UTC, datetime

    from matchday.domain.changes import EVERYTHING
    from matchday.domain.records import ParseResult
    from matchday.domain.seasons import season_for_date
    from matchday.ingest.apply import writing
    from matchday.ingest.pipeline import UnitSummary, write_parsed
    from matchday.sources.live import ScriptedSource, SimulatedClock
    from matchday.sources.simulator.live import live_rounds
    from matchday.store.ephemeral import clear_season, season_of
    from matchday.store.runs import start_run

    settings = get_settings()
    engine = store_engine()
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    season = season_for_date(now.date(), calendar_year=False)
    window = timedelta(seconds=lead * speed)  # simulated time
    first = now + window
    _h, probe, _l = live_rounds(teams, seed, season, [first], league=DEMO_LEAGUE)
    match_length = timedelta(minutes=max(script.duration_minutes for script in probe))  # the longest
    kickoffs = [first + k * (match_length + window) for k in range(match_days)]
    history, scripts, later = live_rounds(teams, seed, season, kickoffs, league=DEMO_LEAGUE)
    with writing(engine) as (conn, changes):
        cleared = season_of(conn, DEMO_LEAGUE, season)
        if clear_season(conn, DEMO_LEAGUE, season):
            changes.tags.add(EVERYTHING)  # the previous run's matches are gone from every answer
            changes.seasons.add(cleared)  # and from its prediction leagues' scores
    location = f"demo:{season}?seed={seed}"
    with engine.begin() as conn:
        run_id = start_run(conn, "simulator", location)
    write_parsed(engine, "simulator", run_id, location, ParseResult(matches=history + later),
                 UnitSummary("demo", duration_s=time.perf_counter()))
    clock = SimulatedClock(start=now, speed=speed)
    source = ScriptedSource("simulator-live", scripts, clock, interval_s=max(0.1, 10 / speed))
    console.print(_demo_banner(scripts, kickoffs, season, lead, speed, match_length))
    _serve_live(settings, engine, [source], speed, host, port, open_browser)


def _demo_banner(scripts: list, kickoffs: list, season: str, lead: float, speed: float,
                 match_length: timedelta) -> str:
    """What a newcomer needs to know: when the first match day kicks off (sign up and predict before it), how
    long a match lasts, when the next match day starts."""
    per_day = len(scripts) // len(kickoffs)
    real_match = match_length.total_seconds() / speed / 60
    lines = [f"demo: {scripts[0].base.competition.name} {season}, {per_day} matches a match day "
             f"(speed {speed:g}x: a match lasts about {real_match:.1f} real minutes)",
             f"  match day 1 kicks off in {_duration(lead)} (simulated {kickoffs[0]:%H:%M} UTC): sign up, create "
             f"a prediction league and predict before then; predictions lock at kick-off"]
    if len(kickoffs) > 1:
        lines.append(f"  match day 2 kicks off {_duration(lead)} after match day 1 ends, in about "
                     f"{_duration(lead * 2 + real_match * 60)} (simulated {kickoffs[1]:%H:%M} UTC)")
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} seconds" if seconds < 120 else f"{seconds / 60:.1f} minutes".replace(".0 ", " ")


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

    from matchday.domain.changes import EVERYTHING
    from matchday.domain.records import CompetitionRef
    from matchday.ingest.apply import writing
    from matchday.sources.live import ScriptedSource, SimulatedClock
    from matchday.sources.replay import matches_on, replay_scripts
    from matchday.store.ephemeral import clear_season, season_of
    from matchday.store.match_queries import Horizon

    settings = get_settings()
    engine = store_engine()
    try:
        day = date.fromisoformat(on)
        found = matches_on(source, [path], day)
    except ValueError:
        raise typer.BadParameter(f"--date must be YYYY-MM-DD, got {on!r}") from None
    except MatchdayError as exc:
        fail(exc)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    today = now.date()
    comps = {m.competition.code: m.competition for m in found}
    renamed = {code: CompetitionRef(f"{code}.replay", f"{comp.name} (replay {day})", comp.country, comp.kind)
               for code, comp in comps.items()}
    season = str(today.year)
    found = [dc_replace(m, competition=renamed[m.competition.code], season=season, match_date=today) for m in found]
    with writing(engine) as (conn, changes):
        for comp in renamed.values():
            cleared = season_of(conn, comp.code, season)
            if clear_season(conn, comp.code, season):
                changes.tags.add(EVERYTHING)
                changes.seasons.add(cleared)
    scripts = replay_scripts(found, now + timedelta(seconds=lead * speed))
    clock = SimulatedClock(start=now, speed=speed)
    live = ScriptedSource(f"replay:{source}", scripts, clock, interval_s=max(0.1, 10 / speed))
    console.print(f"replay of {day}: {len(scripts)} matches, speed {speed:g}x")
    # the store's own record of the day, and everything after it, is ahead of the replay's clock
    horizon = Horizon(day, frozenset(comp.code for comp in renamed.values()))
    _serve_live(settings, engine, [live], speed, host, port, open_browser, horizon)


