"""Read queries about matches: lists with filters and paging, one match in full, head-to-head."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from matchday.domain.live_status import IN_PLAY, LONGEST_MATCH, QUIET_FOR, is_unconfirmed, unconfirmed_from
from matchday.errors import NotFound
from matchday.store.schema import (
    competitions,
    match_events,
    match_lineups,
    matches,
    odds_quotes,
    seasons,
    team_match_stats,
    teams,
)

LIVE_STATUSES = ("live", "halftime")
_home, _away = aliased(teams, name="home_team"), aliased(teams, name="away_team")

SUMMARY_COLUMNS = (
    matches.c.id, matches.c.match_date, matches.c.kickoff_utc, matches.c.status, matches.c.period,
    matches.c.minute, matches.c.finish, matches.c.stage, matches.c.round, matches.c.round_number,
    matches.c.home_goals, matches.c.away_goals, matches.c.home_goals_ht, matches.c.away_goals_ht,
    matches.c.home_goals_et, matches.c.away_goals_et, matches.c.home_penalties, matches.c.away_penalties,
    matches.c.venue, matches.c.neutral, matches.c.updated_at, matches.c.last_checked_at, matches.c.competition_id,
    matches.c.season_id,
    matches.c.home_team_id, matches.c.away_team_id,
    _home.c.name.label("home_name"), _away.c.name.label("away_name"),
    competitions.c.code.label("league_code"), competitions.c.name.label("league_name"),
    competitions.c.country.label("league_country"), seasons.c.label.label("season"),
)


@dataclass(frozen=True)
class Horizon:
    """A replay's point of view: it re-lives ``day``, so every stored match of another competition dated on or
    after that day (the real tournament's own record of it, and what came later) has not happened yet."""

    day: date
    replay_codes: frozenset[str]  # the replay's own competitions, which are played now

    def condition(self) -> ColumnElement[bool]:
        return or_(matches.c.match_date < self.day, competitions.c.code.in_(sorted(self.replay_codes)))

    def table_as_of(self, code: str, as_of: date | None) -> date | None:
        """How far a table of competition ``code`` may count: one the replay does not play stops before its day."""
        if code in self.replay_codes:
            return as_of
        last = self.day - timedelta(days=1)
        return last if as_of is None or as_of > last else as_of


@dataclass(frozen=True)
class MatchFilter:
    on_date: date | None = None
    competition_id: int | None = None
    team_id: int | None = None
    season: str | None = None
    statuses: Sequence[str] = ()
    kickoff_from: datetime | None = None
    kickoff_to: datetime | None = None
    round_number: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    confirmed_at: datetime | None = None  # in play only if still believed in play at this time (naive UTC)
    horizon: Horizon | None = None  # a replay's: nothing it has not reached yet


def _base() -> Select:
    return (select(*SUMMARY_COLUMNS)
            .join(_home, _home.c.id == matches.c.home_team_id).join(_away, _away.c.id == matches.c.away_team_id)
            .join(competitions, competitions.c.id == matches.c.competition_id)
            .join(seasons, seasons.c.id == matches.c.season_id))


def _where(query: Select, flt: MatchFilter) -> Select:
    conditions = []
    if flt.on_date is not None:
        conditions.append(matches.c.match_date == flt.on_date)
    if flt.competition_id is not None:
        conditions.append(matches.c.competition_id == flt.competition_id)
    if flt.team_id is not None:
        conditions.append(or_(matches.c.home_team_id == flt.team_id, matches.c.away_team_id == flt.team_id))
    if flt.season is not None:
        conditions.append(seasons.c.label == flt.season)
    if flt.statuses:
        conditions.append(matches.c.status.in_(list(flt.statuses)))
    if flt.kickoff_from is not None:
        conditions.append(matches.c.kickoff_utc >= flt.kickoff_from)
    if flt.kickoff_to is not None:
        conditions.append(matches.c.kickoff_utc <= flt.kickoff_to)
    if flt.round_number is not None:
        conditions.append(matches.c.round_number == flt.round_number)
    if flt.date_from is not None:
        conditions.append(matches.c.match_date >= flt.date_from)
    if flt.date_to is not None:
        conditions.append(matches.c.match_date <= flt.date_to)
    if flt.confirmed_at is not None:  # domain.live_status.is_unconfirmed, in SQL
        conditions.append(or_(matches.c.status.not_in(list(IN_PLAY)), matches.c.kickoff_utc.is_(None),
                              matches.c.kickoff_utc > flt.confirmed_at - LONGEST_MATCH,
                              matches.c.last_checked_at >= flt.confirmed_at - QUIET_FOR))
    if flt.horizon is not None:
        conditions.append(flt.horizon.condition())
    return query.where(and_(*conditions)) if conditions else query


def list_matches(conn: Connection, flt: MatchFilter, limit: int, offset: int,
                 newest_first: bool = False) -> tuple[list[dict[str, Any]], int]:
    total = conn.execute(_where(select(func.count()).select_from(matches)
                                .join(seasons, seasons.c.id == matches.c.season_id), flt)).scalar_one()
    order = ((matches.c.match_date.desc(), matches.c.kickoff_utc.desc()) if newest_first
             else (matches.c.match_date, matches.c.kickoff_utc))
    query = _where(_base(), flt).order_by(*order, matches.c.id).limit(limit).offset(offset)
    return [_with_confidence(dict(row._mapping)) for row in conn.execute(query)], total


def _with_confidence(row: dict[str, Any]) -> dict[str, Any]:
    """``unconfirmed``: the row says in play, but no source has followed the match since long after it ended;
    ``unconfirmed_from``: when a row in play turns so unless a source checks it again (None: never)."""
    row["unconfirmed"] = is_unconfirmed(row["status"], row["kickoff_utc"], row["last_checked_at"],
                                        datetime.now(UTC).replace(tzinfo=None))
    row["unconfirmed_from"] = unconfirmed_from(row["status"], row["kickoff_utc"], row["last_checked_at"])
    return row


# A match page's statements, built once: built per call, constructing them and computing their cache keys cost
# about as much as running them (a page is 9 small queries); ``match_id`` is bound at execution.
_MATCH_ID = bindparam("match_id")
_SUMMARY = _base().add_columns(matches.c.referee, matches.c.attendance).where(matches.c.id == _MATCH_ID)
_EVENTS = (select(match_events.c.seq, match_events.c.type, match_events.c.side, match_events.c.minute,
                  match_events.c.added_minute, match_events.c.player_id, match_events.c.player_name)
           .where(match_events.c.match_id == _MATCH_ID).order_by(match_events.c.seq))
_STATS = select(team_match_stats).where(team_match_stats.c.match_id == _MATCH_ID)
_LINEUPS = (select(match_lineups.c.side, match_lineups.c.player_id, match_lineups.c.player_name,
                   match_lineups.c.starter, match_lineups.c.position, match_lineups.c.shirt_number,
                   match_lineups.c.grid, match_lineups.c.source)
            .where(match_lineups.c.match_id == _MATCH_ID).order_by(match_lineups.c.id))
_ODDS = (select(odds_quotes).where(odds_quotes.c.match_id == _MATCH_ID)
         .order_by(odds_quotes.c.market, odds_quotes.c.bookmaker, odds_quotes.c.closing))


def match_summary(conn: Connection, match_id: int) -> dict[str, Any]:
    """One match as lists show it, plus what only its own page shows (referee, attendance), in one query."""
    row = conn.execute(_SUMMARY, {"match_id": match_id}).first()
    if row is None:
        raise NotFound(f"no match with id {match_id}")
    return _with_confidence(dict(row._mapping))


def events(conn: Connection, match_id: int) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(_EVENTS, {"match_id": match_id})]


def stats(conn: Connection, match_id: int) -> dict[str, dict[str, Any]]:
    rows = conn.execute(_STATS, {"match_id": match_id}).mappings()
    return {row["side"]: {k: v for k, v in row.items() if k not in ("match_id", "side")} for row in rows}


def lineups(conn: Connection, match_id: int) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(_LINEUPS, {"match_id": match_id})]


def odds(conn: Connection, match_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(_ODDS, {"match_id": match_id}).mappings()]


def head_to_head(conn: Connection, team_a: int, team_b: int, before: date | None, limit: int,
                 horizon: Horizon | None = None) -> list[dict]:
    pair = or_(and_(matches.c.home_team_id == team_a, matches.c.away_team_id == team_b),
               and_(matches.c.home_team_id == team_b, matches.c.away_team_id == team_a))
    query = _base().where(pair, matches.c.home_goals.is_not(None))
    if before is not None:
        query = query.where(matches.c.match_date < before)
    if horizon is not None:
        query = query.where(horizon.condition())
    rows = conn.execute(query.order_by(matches.c.match_date.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]
