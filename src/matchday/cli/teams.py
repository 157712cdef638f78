"""`matchday teams`: list teams, merge two that are one club."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from matchday.cli.common import JsonOpt, app, console, errors, fail, print_json, store_engine
from matchday.domain.changes import EVERYTHING
from matchday.errors import MatchdayError
from matchday.ingest.apply import writing
from matchday.store import queries
from matchday.store.merge_checks import merge_overlaps, team_profile
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


def _profiles_table(keep: dict, drop: dict) -> Table:
    out = Table(title="Merge these two teams?")
    out.add_column("")
    out.add_column("keep", overflow="fold")
    out.add_column("merge into it and remove", overflow="fold")
    for label, key in (("id", "id"), ("name", "name"), ("country", "country"), ("matches", "matches"),
                       ("first match", "first"), ("last match", "last")):
        out.add_row(label, str(keep.get(key) or "–"), str(drop.get(key) or "–"))
    out.add_row("competitions", ", ".join(keep["competitions"]) or "–", ", ".join(drop["competitions"]) or "–")
    out.add_row("seasons", ", ".join(keep["seasons"]) or "–", ", ".join(drop["seasons"]) or "–")
    return out


@teams_app.command("merge")
def teams_merge(
    keep: Annotated[str, typer.Argument(help="The team to keep (id or name).")],
    drop: Annotated[str, typer.Argument(help="The team merged into it and removed (id or name).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Merge without asking.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Merge even teams whose matches overlap in time "
                                                        "(both played on one day, or they played each other).")]
    = False,
    as_json: JsonOpt = False,
) -> None:
    """Merge team B into team A: matches, aliases, external ids, players and deductions move to A.

    Shows both teams and asks first (--yes skips the question); refuses two teams that played on the same day
    or against each other, which a wrong split never does, unless --force."""
    engine = store_engine()
    try:
        with engine.connect() as conn:
            keep_id, drop_id = queries.find_team(conn, keep), queries.find_team(conn, drop)
            profiles = team_profile(conn, keep_id), team_profile(conn, drop_id)
            overlaps = merge_overlaps(conn, keep_id, drop_id)
    except MatchdayError as exc:
        fail(exc)
    if not as_json:
        console.print(_profiles_table(*profiles))
    if overlaps and not force:
        shown = ", ".join(overlaps[:5]) + (f" and {len(overlaps) - 5} more" if len(overlaps) > 5 else "")
        errors.print(f"[bold red]error:[/] {profiles[0]['name']} and {profiles[1]['name']} are two clubs: both "
                     f"played on {len(overlaps)} day(s) ({shown}). Nothing merged; --force merges them anyway.")
        raise typer.Exit(2)
    if not yes and not typer.confirm(f"Merge {profiles[1]['name']} (id {drop_id}) into {profiles[0]['name']} "
                         f"(id {keep_id})?", default=False, err=True):
        errors.print("nothing merged")
        raise typer.Exit(1)
    try:
        with writing(engine) as (conn, changes):
            result = merge_teams(conn, keep_id, drop_id)
            changes.tags.add(EVERYTHING)  # every answer naming either team
            changes.seasons |= seasons_of(conn, keep_id)  # a merged twin's result may have moved: rescore
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json({"kept": keep_id, "removed": drop_id, **result})
    else:
        console.print(f"merged {profiles[1]['name']} (id {drop_id}) into {profiles[0]['name']} (id {keep_id}): "
                      f"{result['matches_moved']} matches moved, {result['matches_merged']} merged with the "
                      f"same match already stored")
