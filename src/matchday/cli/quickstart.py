"""`matchday quickstart`: the main job of the README."""

from __future__ import annotations

from typing import Annotated

import typer

from matchday.cli.common import app, console, store_engine
from matchday.cli.loading import _summary_table
from matchday.cli.serving import serve
from matchday.cli.tables import table
from matchday.settings import get_settings
from matchday.sources.base import get_source


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
    from matchday.fetch.client import download_all
    from matchday.ingest.pipeline import load_units

    settings = get_settings()
    engine = store_engine()
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


