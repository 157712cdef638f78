"""`matchday teams`: list teams, merge two that are one club."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from matchday.cli.common import JsonOpt, app, console, fail, print_json, store_engine
from matchday.domain.changes import EVERYTHING
from matchday.errors import MatchdayError
from matchday.ingest.apply import writing
from matchday.store import queries
from matchday.store.team_merge import merge_teams, seasons_of

teams_app = typer.Typer(help="List teams, or merge two that are one club.", invoke_without_command=True)
app.add_typer(teams_app, name="teams")


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
        with store_engine().connect() as conn:
            season_id = queries.find_competition_season(conn, league, season)[2] if league and season else None
            rows = queries.list_teams(conn, season_id)
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json(rows)
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
        engine = store_engine()
        with writing(engine) as (conn, changes):
            keep_id, drop_id = queries.find_team(conn, keep), queries.find_team(conn, drop)
            result = merge_teams(conn, keep_id, drop_id)
            changes.tags.add(EVERYTHING)  # every answer naming either team
            changes.seasons |= seasons_of(conn, keep_id)  # a merged twin's result may have moved: rescore
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json({"kept": keep_id, "removed": drop_id, **result})
    else:
        console.print(f"merged team {drop_id} into {keep_id}: {result}")


