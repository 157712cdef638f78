"""Tables, positions and fixtures of a season."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from matchday.cli.common import JsonOpt, app, console, fail, print_json, store_engine, team_table
from matchday.domain.records import Side
from matchday.errors import MatchdayError
from matchday.store import queries, team_queries


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
    check: Annotated[bool, typer.Option("--check", help="Compare with the providers' published tables; exit 1 "
                                                        "where they disagree.")] = False,
    provider: Annotated[str | None, typer.Option(help="With --check: only this provider's table.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Print a league table computed from the stored results, per the league's rules."""
    if check:
        _check(league, season, provider, as_json)
        return
    from matchday.services.tables import league_table

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"--as-of must be YYYY-MM-DD, got {as_of!r}") from None
    try:
        with store_engine().connect() as conn:
            result = league_table(conn, league, season, as_of=day, up_to_round=round_, venue=_parse_venue(venue))
            short = team_queries.short_names(conn)
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json(result.rows)
        return
    caption = f"{result.matches_counted} matches counted"
    if result.status:
        caption += f" · season {result.status}: {result.note or ''}"
    out = team_table(f"{result.league_name} {result.season}", caption=caption)
    per_game = result.ranking == "points_per_game"
    with_conference = any(row["conference"] for row in result.rows)
    columns = ["#", "team", "P", "W", "D", "L", "GF", "GA", "GD", "Pts", *["PPG"] * per_game,
               *["conf"] * with_conference, "form", "zone", "tie-break"]
    names = [short.get(row["team_name"], row["team_name"]) for row in result.rows]
    for column in columns:
        if column == "team":  # never cut: the other columns wrap first
            out.add_column(column, no_wrap=True, min_width=max(map(len, names), default=4))
        elif column in ("zone", "tie-break", "conf"):  # words: they wrap
            out.add_column(column, overflow="fold", min_width=5)
        else:
            out.add_column(column, justify="left" if column == "form" else "right", no_wrap=True)
    for index, row in enumerate(result.rows):
        heading = row["group"] or row["split"]
        previous = result.rows[index - 1] if index else None
        if heading and (previous is None or (previous["group"] or previous["split"]) != heading):
            out.add_section()
            out.add_row("", f"[bold]{heading}[/]")
        points = f"{row['points']}" + (f" (-{row['points_deducted']})" if row["points_deducted"] else "")
        extra = [f"{row['points_per_game']:.3f}"] if per_game else []
        if with_conference:
            extra.append(f"{row['conference'] or ''} {row['conference_position'] or ''}".strip())
        out.add_row(str(row["position"]), names[index], *(str(row[k]) for k in (
            "played", "won", "drawn", "lost", "goals_for", "goals_against", "goal_difference")), points,
            *extra, row["form"], row["zone"] or "", _tiebreak(row["decided_by"]))
    console.print(out)


# the tie-break column in the table's own short forms (GD, GF, GA, PPG are its column headings)
_TIEBREAK = {"goal_difference": "GD", "goals_for": "GF", "goals_against": "GA", "points_per_game": "PPG"}


def _tiebreak(decided_by: str | None) -> str:
    if not decided_by:
        return ""
    return _TIEBREAK.get(decided_by, decided_by.replace("head_to_head", "H2H").replace("_", " "))


def _check(league: str, season: str, provider: str | None, as_json: bool) -> None:
    from matchday.services.table_check import check_table

    try:
        with store_engine().connect() as conn:
            checks = check_table(conn, league, season, provider)
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json([c.as_dict() for c in checks])
    for c in checks if not as_json else ():
        if c.agrees:
            console.print(f"[green]{c.source}[/]: the computed table agrees with the published one "
                          f"({c.rows_compared} rows{', as of ' + c.published_at if c.published_at else ''})")
            continue
        out = Table(title=f"{league} {season}: computed vs {c.source}", caption=f"{len(c.differences)} rows differ")
        for column in ("team", "field", "computed", "published"):
            out.add_column(column)
        for diff in c.differences:
            for name, pair in diff["fields"].items():
                out.add_row(diff["team_name"], name, str(pair["computed"]), str(pair["published"]))
        console.print(out)
    if not all(c.agrees for c in checks):
        raise typer.Exit(1)


@app.command()
def positions(
    league: Annotated[str, typer.Argument(help="League code.")],
    season: Annotated[str, typer.Argument(help="Season.")],
    as_json: JsonOpt = False,
) -> None:
    """Each team's league position after every match date of the season."""
    from matchday.services.tables import season_position_history

    try:
        with store_engine().connect() as conn:
            history = season_position_history(conn, league, season)
            short = team_queries.short_names(conn)
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json(history)
        return
    dates = history["dates"]
    longest = max((len(short.get(t, t)) for t in history["teams"]), default=4)
    fit = max(2, min(12, (console.width - longest - 1) // 6))  # "MM-DD" columns the terminal holds
    step = max(1, -(-len(dates) // fit))
    shown = list(range(0, len(dates), step))
    if shown[-1] != len(dates) - 1:
        shown.append(len(dates) - 1)
    out = team_table(f"positions {league} {history['season']}")
    out.add_column("team", no_wrap=True, min_width=longest)
    for index in shown:
        out.add_column(dates[index][5:], justify="right", no_wrap=True)
    for team, places in sorted(history["teams"].items(), key=lambda item: item[1][-1]):
        out.add_row(short.get(team, team), *(str(places[i]) for i in shown))
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
        with store_engine().connect() as conn:
            comp, _label, season_id = queries.find_competition_season(conn, league, season)
            team_id = queries.find_team(conn, team) if team else None
            rows = queries.fixtures(conn, season_id, team_id)
            short = team_queries.short_names(conn)
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json([dict(r._mapping) for r in rows])
        return
    out = team_table(f"{comp.name} {season}")
    longest = max((len(short.get(name, name)) for r in rows for name in (r.home, r.away)), default=4)
    for column in ("date", "round", "home", "score", "away", "status"):
        if column in ("home", "away"):  # never cut: the other columns wrap first
            out.add_column(column, no_wrap=True, min_width=longest)
        else:
            out.add_column(column, no_wrap=column != "round", overflow="fold")
    for r in rows:
        score = f"{r.home_goals}-{r.away_goals}" if r.home_goals is not None else "v"
        out.add_row(str(r.match_date or "?"), r.round or ("" if r.stage == "regular" else r.stage),
                    short.get(r.home, r.home), score, short.get(r.away, r.away), r.status)
    console.print(out)


