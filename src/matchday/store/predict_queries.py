"""Reads for predictions: a country's league matches as model input, and their 1X2 odds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, select

from matchday.domain.records import COUNTED_STATUSES
from matchday.predict.records import MatchRecord, OddsRecord
from matchday.store.schema import competitions, matches, odds_quotes, seasons

#: a match that will (or may still) be played; finished and awarded ones carry the result
_OPEN_STATUSES = ("scheduled", "live", "halftime", "postponed", "suspended")


def division_tier(code: str) -> int:
    """eng.1 → 1, eng.2 → 2 ...; codes without a number count as top flights."""
    tail = code.rsplit(".", 1)[-1]
    return int(tail) if tail.isdigit() else 1


def league_history(conn: Connection, country: str | None, codes: Sequence[str] = (),
                   since: date | None = None) -> list[MatchRecord]:
    """Regular-stage matches of every league competition of ``country`` (all divisions, so promoted teams
    bring their lower-division results), or of ``codes`` when given; from ``since`` on when given."""
    query = (select(matches.c.id, competitions.c.code, seasons.c.label, matches.c.match_date,
                    matches.c.kickoff_utc, matches.c.home_team_id, matches.c.away_team_id, matches.c.status,
                    matches.c.home_goals, matches.c.away_goals)
             .join(competitions, competitions.c.id == matches.c.competition_id)
             .join(seasons, seasons.c.id == matches.c.season_id)
             .where(matches.c.stage == "regular", competitions.c.kind == "league",
                    matches.c.match_date.is_not(None),
                    matches.c.status.in_([s.value for s in COUNTED_STATUSES] + list(_OPEN_STATUSES))))
    if since is not None:
        query = query.where(matches.c.match_date >= since)
    if codes:
        query = query.where(competitions.c.code.in_(list(codes)))
    elif country is not None:
        query = query.where(competitions.c.country == country)
    counted = {s.value for s in COUNTED_STATUSES}
    out = []
    for row in conn.execute(query):
        played = row.status in counted and row.home_goals is not None and row.away_goals is not None
        out.append(MatchRecord(row.id, row.code, division_tier(row.code), row.label, row.match_date,
                               row.kickoff_utc, row.home_team_id, row.away_team_id,
                               row.home_goals if played else None, row.away_goals if played else None))
    return out


def match_odds(conn: Connection, match_ids: Sequence[int]) -> list[OddsRecord]:
    """Every bookmaker's opening and closing 1X2 prices for these matches."""
    out: list[OddsRecord] = []
    ids = list(match_ids)
    for chunk in range(0, len(ids), 5000):
        rows = conn.execute(select(odds_quotes.c.match_id, odds_quotes.c.bookmaker, odds_quotes.c.closing,
                                   odds_quotes.c.price_home, odds_quotes.c.price_draw, odds_quotes.c.price_away)
                            .where(odds_quotes.c.match_id.in_(ids[chunk:chunk + 5000]),
                                   odds_quotes.c.market == "1x2"))
        out += [OddsRecord(*row) for row in rows if None not in row[3:]]
    return out


def team_names(conn: Connection, team_ids: Sequence[int]) -> dict[int, str]:
    from matchday.store.schema import teams

    ids = sorted({int(t) for t in team_ids})
    return dict(conn.execute(select(teams.c.id, teams.c.name).where(teams.c.id.in_(ids))).all()) if ids else {}


def match_competition(conn: Connection, match_id: int) -> tuple[str, str] | None:
    """(competition code, season label) of a match, or None when there is no such match."""
    row = conn.execute(select(competitions.c.code, seasons.c.label)
                       .join(matches, matches.c.competition_id == competitions.c.id)
                       .join(seasons, seasons.c.id == matches.c.season_id)
                       .where(matches.c.id == match_id)).first()
    return (row.code, row.label) if row else None


def round_match_ids(conn: Connection, code: str, round_number: int) -> list[int]:
    return list(conn.execute(select(matches.c.id).join(competitions, competitions.c.id == matches.c.competition_id)
                             .where(competitions.c.code == code, matches.c.round_number == round_number)).scalars())


def match_day(conn: Connection, match_id: int) -> date | None:
    return conn.execute(select(matches.c.match_date).where(matches.c.id == match_id)).scalar()
