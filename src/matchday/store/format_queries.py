"""Queries behind competition formats: play-off finals and conferences of a season."""

from __future__ import annotations

from sqlalchemy import Connection, select

from matchday.domain.records import COUNTED_STATUSES
from matchday.store.schema import competitions, matches, seasons


def playoff_winner(conn: Connection, season_id: int, label: str, spec: dict) -> tuple[int, object] | None:
    """(team id, date) of the winner of a season's play-off final, or None when not decided in the data.

    The play-offs are the season's own non-regular matches (openfootball's "Finals"), else those of the play-off
    competition ``spec["competition"]`` in the same season, limited to one ``division`` (engsoccerdata's
    englandplayoffs). The final is the last counted play-off match; level after extra time, the shoot-out.
    """
    query = select(matches.c.match_date, matches.c.home_team_id, matches.c.away_team_id, matches.c.home_goals,
                   matches.c.away_goals, matches.c.home_penalties, matches.c.away_penalties,
                   matches.c.attributes).where(matches.c.status.in_([s.value for s in COUNTED_STATUSES]),
                                               matches.c.home_goals.is_not(None))
    rows = list(conn.execute(query.where(matches.c.season_id == season_id, matches.c.stage != "regular")
                             .order_by(matches.c.match_date, matches.c.id)))
    if not rows and spec.get("competition"):
        other = query.join(seasons, seasons.c.id == matches.c.season_id).join(
            competitions, competitions.c.id == seasons.c.competition_id).where(
            competitions.c.code == spec["competition"], seasons.c.label == label)
        rows = [r for r in conn.execute(other.order_by(matches.c.match_date, matches.c.id))
                if "division" not in spec or (r.attributes or {}).get("division") == spec["division"]]
    if not rows:
        return None
    final = rows[-1]
    home, away = (final.home_goals, final.away_goals)
    if home == away and final.home_penalties is not None:
        home, away = final.home_penalties, final.away_penalties
    if home == away:
        return None
    return (final.home_team_id if home > away else final.away_team_id), final.match_date


def season_conferences(conn: Connection, season_id: int) -> dict[int, str]:
    """Team → conference, as the source gave it on the season's regular matches (``home_conference``)."""
    found: dict[int, str] = {}
    for home, away, attributes in conn.execute(
            select(matches.c.home_team_id, matches.c.away_team_id, matches.c.attributes)
            .where(matches.c.season_id == season_id, matches.c.stage == "regular")):
        attributes = attributes or {}
        if attributes.get("home_conference"):
            found[home] = attributes["home_conference"]
        if attributes.get("away_conference"):
            found[away] = attributes["away_conference"]
    return found


def season_pairings(conn: Connection, season_id: int) -> list[tuple[int, int]]:
    """(home, away) of every regular-stage match of the season, played or not."""
    return [tuple(r) for r in conn.execute(select(matches.c.home_team_id, matches.c.away_team_id).where(
        matches.c.season_id == season_id, matches.c.stage == "regular"))]
