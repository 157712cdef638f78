"""`matchday conflicts` and `matchday match`: where sources disagree, and where each value of a match came from."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from matchday.cli.common import JsonOpt, app, console, fail, print_json, store_engine
from matchday.errors import MatchdayError
from matchday.store import match_queries, provenance_queries, queries


@app.command()
def conflicts(
    league: Annotated[str | None, typer.Option(help="Only this league (eng.1, or a provider's code).")] = None,
    season: Annotated[str | None, typer.Option(help="Only this season (needs --league).")] = None,
    include_resolved: Annotated[bool, typer.Option("--all", help="Also the conflicts the sources settled.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Matches whose sources disagree on the result: the stored value, its source, and the other one."""
    if season and not league:
        raise typer.BadParameter("--season needs --league")
    try:
        with store_engine().connect() as conn:
            competition_id = season_id = None
            if league and season:
                comp, _label, season_id = queries.find_competition_season(conn, league, season)
                competition_id = comp.id
            elif league:
                competition_id = queries.find_competition(conn, league).id
            rows = provenance_queries.conflicts(conn, competition_id, season_id, include_resolved=include_resolved)
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json(rows)
        return
    out = Table(title=f"{len(rows)} {'' if include_resolved else 'open '}conflicts",
                caption="the stored value comes from the more trusted source (src/matchday/data/"
                        "source_precedence.json); `matchday match ID --sources` shows every source")
    for column in ("match", "date", "league", "fixture", "stored", "from", "other", "from ", "seen", "resolved"):
        out.add_column(column)
    for row in rows:
        out.add_row(str(row["match_id"]), str(row["match_date"] or ""), f"{row['league']} {row['season']}",
                    f"{row['home']} v {row['away']}", row["chosen_value"], row["chosen_source"], row["other_value"],
                    row["other_source"], str(row["first_seen_at"])[:19], str(row["resolved_at"] or "")[:19])
    console.print(out)


def _score(summary: dict[str, Any]) -> str:
    if summary["home_goals"] is None:
        return "-"
    return f"{summary['home_goals']}-{summary['away_goals']}"


@app.command()
def match(
    match_id: Annotated[int, typer.Argument(help="Internal match id (`matchday fixtures` lists them).")],
    sources: Annotated[bool, typer.Option("--sources", help="Where each value came from, source by source.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """One match: teams, date, status and score; with --sources its provenance and conflicts."""
    try:
        with store_engine().connect() as conn:
            summary = match_queries.match_summary(conn, match_id)
            provenance = provenance_queries.match_provenance(conn, match_id) if sources else None
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json({**summary, **({"provenance": provenance} if provenance else {})})
        return
    console.print(f"[bold]{summary['home_name']} {_score(summary)} {summary['away_name']}[/]  "
                  f"{summary['league_code']} {summary['season']}, {summary['match_date']}, {summary['status']}")
    if provenance is None:
        return
    by_source: dict[str, list[str]] = {}
    for name, source in provenance["fields"].items():
        by_source.setdefault(source, []).append(name)
    out = Table(title="sources (most trusted first)")
    for column in ("#", "source", "stored fields it gave", "where it differs", "statement changed"):
        out.add_column(column)
    for item in provenance["sources"]:
        differs = ", ".join(f"{k}={v}" for k, v in item["differs"].items())
        out.add_row(str(item["rank"]), item["source"], ", ".join(by_source.get(item["source"], [])), differs,
                    str(item["seen_at"])[:19])
    console.print(out)
    for row in provenance["conflicts"]:
        state = f"resolved {str(row['resolved_at'])[:19]}" if row["resolved_at"] else "open"
        console.print(f"conflict ({state}): stored {row['chosen_value']} ({row['chosen_source']}), "
                      f"{row['other_source']} says {row['other_value']}")
