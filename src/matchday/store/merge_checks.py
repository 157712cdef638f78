"""What a person needs to see before merging two teams: each team's record in the store, and the matches that
show the two are different clubs (both playing on one day against different opponents, or each other)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, or_, select

from matchday.store.schema import competitions, matches, seasons, teams


def team_profile(conn: Connection, team_id: int) -> dict[str, Any]:
    """Name, country, competitions, seasons, match count and the dates of the first and last match."""
    team = conn.execute(select(teams.c.id, teams.c.name, teams.c.country).where(teams.c.id == team_id)).mappings()
    row = team.first()
    if row is None:
        return {"id": team_id, "missing": True}
    plays = or_(matches.c.home_team_id == team_id, matches.c.away_team_id == team_id)
    counts = conn.execute(select(func.count(), func.min(matches.c.match_date), func.max(matches.c.match_date))
                          .where(plays)).one()
    played_in = conn.execute(
        select(competitions.c.name, seasons.c.label).distinct()
        .select_from(matches.join(seasons, seasons.c.id == matches.c.season_id)
                     .join(competitions, competitions.c.id == matches.c.competition_id))
        .where(plays).order_by(competitions.c.name, seasons.c.label)).all()
    return {"id": row["id"], "name": row["name"], "country": row["country"],
            "competitions": sorted({name for name, _label in played_in}),
            "seasons": sorted({label for _name, label in played_in}),
            "matches": counts[0], "first": counts[1].isoformat() if counts[1] else None,
            "last": counts[2].isoformat() if counts[2] else None}


def _days(conn: Connection, team_id: int) -> dict[Any, set[int]]:
    """Match day -> the opponents the team met that day."""
    out: dict[Any, set[int]] = {}
    for day, home, away in conn.execute(
            select(matches.c.match_date, matches.c.home_team_id, matches.c.away_team_id)
            .where(or_(matches.c.home_team_id == team_id, matches.c.away_team_id == team_id),
                   matches.c.match_date.is_not(None))):
        out.setdefault(day, set()).add(away if home == team_id else home)
    return out


def merge_overlaps(conn: Connection, keep_id: int, drop_id: int) -> list[str]:
    """The days that make two teams two clubs: they met each other, or each played someone else the same day.
    The same match stored under both names (same day, same opponent) is what a merge is for, not an overlap."""
    keep_days, drop_days = _days(conn, keep_id), _days(conn, drop_id)
    return [day.isoformat() for day in sorted(keep_days.keys() & drop_days.keys())
            if drop_id in keep_days[day] or keep_days[day] != drop_days[day]]
