"""`matchday load`: files, folders, URLs or downloads through the one pipeline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from matchday.cli.common import JsonOpt, app, console, errors, fail, print_json, store_engine
from matchday.errors import MatchdayError
from matchday.settings import get_settings
from matchday.sources.base import get_source

if TYPE_CHECKING:  # the pipeline (polars), the HTTP client and the runtime are imported by the command itself
    from matchday.ingest.pipeline import UnitSummary


def _summary_table(summaries: list[UnitSummary], seconds: float) -> Table:
    table = Table(title="load summary")
    ok = [s for s in summaries if s.status == "ok"]
    byes = sum(s.not_matches for s in ok)
    columns = ["files", "ok", "failed", "rows read", "new", "changed", "unchanged", "quarantined"]
    columns += ["not matches (byes)"] * bool(byes) + ["seconds"]
    for column in columns:
        table.add_column(column, justify="right")
    table.add_row(str(len(summaries)), str(len(ok)), str(len(summaries) - len(ok)),
                  str(sum(s.rows_read for s in ok)), str(sum(s.new for s in ok)), str(sum(s.changed for s in ok)),
                  str(sum(s.unchanged for s in ok)), str(sum(s.quarantined for s in ok)),
                  *[str(byes)] * bool(byes), f"{seconds:.1f}")
    return table


@app.command()
def load(
    source: Annotated[str, typer.Argument(help="football-data-uk, openfootball, engsoccerdata, "
                                               "international-results, simulator, api-football, "
                                               "football-data-org, espn, sofascore, understat (or a plugin)")],
    paths: Annotated[list[str] | None, typer.Argument(help="Files, folders or URLs to load.")] = None,
    league: Annotated[str | None, typer.Option(help="Download this league (eng.1 or the provider's code).")] = None,
    season: Annotated[str | None, typer.Option(help="Season to download or simulate, e.g. 2024-25.")] = None,
    teams: Annotated[int | None, typer.Option(help="simulator: number of teams (even).")] = None,
    seed: Annotated[int | None, typer.Option(help="simulator: random seed.")] = None,
    refresh: Annotated[bool, typer.Option(help="Download again even if the file is cached.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Load data through the pipeline; safe to repeat (a second load changes nothing)."""
    from matchday.fetch.client import download_all, url_cache_path
    from matchday.ingest.pipeline import load_units
    from matchday.runtime import publish_from_cli

    settings = get_settings()
    engine = store_engine()
    started = time.perf_counter()
    try:
        plugin = get_source(source)
        local: list[Path] = []
        urls = [p for p in paths or [] if p.startswith(("http://", "https://"))]
        local += [Path(p) for p in paths or [] if p not in urls]
        if urls:
            from matchday.sources.base import Download

            local += download_all([Download(u, url_cache_path(source, u)) for u in urls], settings, refresh=refresh)
        if league and source != "simulator":
            base = {"football-data-uk": settings.football_data_uk_base_url,
                    "openfootball": settings.openfootball_base_url}.get(source, "")
            local += download_all(plugin.downloads(league, season or "", base), settings, refresh=refresh)
        options = {"teams": teams, "seed": seed, "league": league, "season": season}
        units = plugin.plan(local, {k: str(v) for k, v in options.items() if v is not None})
    except MatchdayError as exc:
        fail(exc)
    if not units:
        errors.print("[yellow]nothing to load[/] (no matching files)")
        raise typer.Exit(1)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=errors, disable=as_json or not errors.is_terminal) as progress:
        task = progress.add_task(f"loading {source}", total=len(units))

        def done(summary: UnitSummary) -> None:
            progress.advance(task)
            if summary.status != "ok":
                errors.print(f"[red]failed[/] {summary.location}: {summary.error}", soft_wrap=True)

        summaries = load_units(engine, plugin, units, done)
    publish_from_cli(engine, settings)  # what the load changed reaches every subscriber (prediction leagues)
    seconds = time.perf_counter() - started
    if as_json:
        print_json([{k: v for k, v in vars(s).items() if k != "changes"} for s in summaries])
    else:
        console.print(_summary_table(summaries, seconds))
    if any(s.status != "ok" for s in summaries):
        raise typer.Exit(1)


