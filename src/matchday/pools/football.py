"""What prediction leagues read from the football store (possibly another database): competitions, the
matches of a season, a match's kick-off and status, finished results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from matchday.domain.odds import closing_1x2
from matchday.errors import NotFound
from matchday.store import predict_queries, team_queries
from matchday.store.schema import matches, seasons, teams

FINAL_RESULT_STATUSES = ("finished", "awarded")
OPEN_STATUSES = ("scheduled", "postponed")


@dataclass(frozen=True)
class MatchInfo:
    id: int
    competition_id: int
    season: str
    round_number: int
    kickoff_utc: datetime | None
    status: str
    home_goals: int | None
    away_goals: int | None

    def locked(self, now: datetime, locks_at: datetime | None = None) -> bool:
        """Kick-off by the server's clock or by the match's status, whichever comes first; a postponed match
        is open until its new kick-off. ``locks_at``: the prediction league's lock time for the match
        (``pools.locks``), in place of the kick-off."""
        if self.status not in OPEN_STATUSES:
            return True
        closes = locks_at if locks_at is not None else self.kickoff_utc
        return closes is not None and closes <= now


def competition(conn: Connection, key: str) -> Any:
    return team_queries.league_by_id_or_code(conn, key)


def season_id(conn: Connection, competition_id: int, label: str) -> int:
    found = conn.execute(select(seasons.c.id).where(seasons.c.competition_id == competition_id,
                                                    seasons.c.label == label)).scalar()
    if found is None:
        raise NotFound(f"no season {label!r} of league {competition_id}")
    return found


_INFO = [matches.c.id, matches.c.competition_id, seasons.c.label, matches.c.round_number, matches.c.kickoff_utc,
         matches.c.status, matches.c.home_goals, matches.c.away_goals]


def _info(row: Any) -> MatchInfo:
    return MatchInfo(row[0], row[1], row[2], row[3] or 0, row[4], row[5], row[6], row[7])


def match_info(conn: Connection, match_id: int) -> MatchInfo:
    row = conn.execute(select(*_INFO).join(seasons, seasons.c.id == matches.c.season_id)
                       .where(matches.c.id == match_id)).first()
    if row is None:
        raise NotFound(f"no match {match_id}")
    return _info(row)


def season_matches(conn: Connection, competition_id: int, label: str, round_number: int | None = None,
                   ids: list[int] | None = None) -> list[dict[str, Any]]:
    """The season's matches with team names, in kick-off order (for prediction forms and live points)."""
    home, away = teams.alias("home"), teams.alias("away")
    query = (select(*_INFO, home.c.name.label("home_name"), away.c.name.label("away_name"),
                    matches.c.home_team_id, matches.c.away_team_id, matches.c.minute)
             .join(seasons, seasons.c.id == matches.c.season_id)
             .join(home, home.c.id == matches.c.home_team_id).join(away, away.c.id == matches.c.away_team_id)
             .where(matches.c.competition_id == competition_id, seasons.c.label == label))
    if round_number is not None:
        query = query.where(matches.c.round_number == round_number)
    if ids is not None:
        query = query.where(matches.c.id.in_(ids))
    rows = conn.execute(query.order_by(matches.c.kickoff_utc, matches.c.match_date, matches.c.id)).all()
    return [{"info": _info(r), "home_name": r.home_name, "away_name": r.away_name, "home_team_id": r.home_team_id,
             "away_team_id": r.away_team_id, "minute": r.minute} for r in rows]


def results(conn: Connection, competition_id: int, label: str, ids: list[int] | None = None,
            with_odds: bool = False) -> list[dict[str, Any]]:
    """Rows for ``match_results``: every match asked for (all of the season when ``ids`` is None), with its
    status, so a result taken back (no longer final) unscores its predictions; ``with_odds``: with the closing
    1X2 odds in hundredths (``domain.odds.closing_1x2``), for the odds-scaled preset."""
    query = (select(matches.c.id, matches.c.status, matches.c.finish, matches.c.home_goals, matches.c.away_goals,
                    matches.c.home_penalties, matches.c.away_penalties, matches.c.attributes)
             .join(seasons, seasons.c.id == matches.c.season_id)
             .where(matches.c.competition_id == competition_id, seasons.c.label == label))
    if ids is not None:
        query = query.where(matches.c.id.in_(ids))
    out = []
    for row in conn.execute(query):
        ft_90 = (row.attributes or {}).get("ft_90") or [None, None]
        out.append({"match_id": row.id, "status": row.status, "finish": row.finish, "home_goals": row.home_goals,
                    "away_goals": row.away_goals, "home_goals_90": ft_90[0], "away_goals_90": ft_90[1],
                    "home_penalties": row.home_penalties, "away_penalties": row.away_penalties,
                    "odds_home": None, "odds_draw": None, "odds_away": None})
    if with_odds and out:
        by_match: dict[int, list[tuple[str, bool, float | None, float | None, float | None]]] = {}
        for quote in predict_queries.match_odds(conn, [r["match_id"] for r in out]):
            by_match.setdefault(quote.match_id, []).append((quote.bookmaker, quote.closing, quote.price_home,
                                                            quote.price_draw, quote.price_away))
        for row in out:
            prices = closing_1x2(by_match.get(row["match_id"], []))
            if prices is not None:
                row["odds_home"], row["odds_draw"], row["odds_away"] = prices
    return out


def round_matches(conn: Connection, competition_id: int, label: str, match_ids: list[int]) -> dict[int, list[int]]:
    """The rounds (0: none) the given matches are in → every match of those rounds."""
    in_season = (select(matches.c.id, matches.c.round_number).join(seasons, seasons.c.id == matches.c.season_id)
                 .where(matches.c.competition_id == competition_id, seasons.c.label == label))
    wanted = {r or 0 for _m, r in conn.execute(in_season.where(matches.c.id.in_(match_ids)))}
    found: dict[int, list[int]] = {r: [] for r in wanted}
    for match_id, round_number in conn.execute(in_season):
        if (round_number or 0) in found:
            found[round_number or 0].append(match_id)
    return found


def matches_competitions(conn: Connection, match_ids: list[int]) -> dict[tuple[int, str], list[int]]:
    """(competition id, season label) → the given matches in it."""
    found: dict[tuple[int, str], list[int]] = {}
    for start in range(0, len(match_ids), 5000):  # a big load: keep under every driver's parameter limit
        chunk = match_ids[start:start + 5000]
        for match_id, comp, label in conn.execute(
                select(matches.c.id, matches.c.competition_id, seasons.c.label)
                .join(seasons, seasons.c.id == matches.c.season_id).where(matches.c.id.in_(chunk))):
            found.setdefault((comp, label), []).append(match_id)
    return found


def seasons_competitions(conn: Connection, season_ids: list[int]) -> list[tuple[int, str]]:
    """(competition id, season label) of the given seasons."""
    if not season_ids:
        return []
    return [(comp, label) for comp, label in conn.execute(
        select(seasons.c.competition_id, seasons.c.label).where(seasons.c.id.in_(sorted(set(season_ids)))))]


def upcoming_rounds(conn: Connection, competition_id: int, label: str, now: datetime,
                    until: datetime) -> dict[int, datetime]:
    """Rounds (not 0) of the season whose first kick-off is after ``now`` and at or before ``until``."""
    first = func.min(matches.c.kickoff_utc)
    rows = conn.execute(select(matches.c.round_number, first)
                        .join(seasons, seasons.c.id == matches.c.season_id)
                        .where(matches.c.competition_id == competition_id, seasons.c.label == label,
                               matches.c.round_number.is_not(None), matches.c.round_number > 0)
                        .group_by(matches.c.round_number).having(and_(first > now, first <= until)))
    return {round_number: kickoff for round_number, kickoff in rows}
