"""Rows from the store's queries → the API's response models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from matchday.api import schemas
from matchday.domain.odds import implied_probabilities
from matchday.services import lineups as lineup_payloads
from matchday.services import match_centre
from matchday.store import match_queries, provenance_queries

OUTCOMES = {"1x2": ("home", "draw", "away"), "over_under": ("over", "under"), "asian_handicap": ("home", "away")}
SUMMARY_BOOKMAKERS = ("pinnacle", "bet365", "market_average", "betbrain_average")


def match_summary(row: dict[str, Any]) -> schemas.MatchSummary:
    return schemas.MatchSummary(
        id=row["id"],
        league=schemas.LeagueRef(id=row["competition_id"], code=row["league_code"], name=row["league_name"],
                                 country=row["league_country"]),
        season=row["season"], match_date=row["match_date"], kickoff_utc=row["kickoff_utc"], status=row["status"],
        period=row["period"], minute=row["minute"], finish=row["finish"], stage=row["stage"], round=row["round"],
        round_number=row["round_number"],
        home=schemas.TeamRef(id=row["home_team_id"], name=row["home_name"]),
        away=schemas.TeamRef(id=row["away_team_id"], name=row["away_name"]),
        score=schemas.Score(home=row["home_goals"], away=row["away_goals"], home_ht=row["home_goals_ht"],
                            away_ht=row["away_goals_ht"], home_et=row["home_goals_et"], away_et=row["away_goals_et"],
                            home_penalties=row["home_penalties"], away_penalties=row["away_penalties"]),
        venue=row["venue"],
    )


def match_kind(summary: schemas.MatchSummary) -> str:
    """Cache class of one match: live ones change by the second, finished ones hardly ever."""
    if summary.status in match_queries.LIVE_STATUSES:
        return "live"
    return "past" if summary.status in ("finished", "awarded", "cancelled", "abandoned") else "today"


def events(conn: Connection, match_id: int, home_id: int, away_id: int,
           rows: list[dict[str, Any]] | None = None) -> list[schemas.MatchEvent]:
    rows = match_queries.events(conn, match_id) if rows is None else rows
    return [schemas.MatchEvent(
        seq=r["seq"], type=r["type"], side=r["side"], team_id=home_id if r["side"] == "home" else away_id,
        minute=r["minute"], added_minute=r["added_minute"],
        player=schemas.PlayerRef(id=r["player_id"], name=r["player_name"]) if r["player_name"] else None,
    ) for r in rows]


def stats(conn: Connection, match_id: int) -> schemas.MatchStats:
    return schemas.MatchStats.model_validate(match_centre.team_stats(conn, match_id))


def lineups(conn: Connection, match_id: int, events: list[dict[str, Any]] | None = None) -> schemas.MatchLineups:
    return schemas.MatchLineups.model_validate(lineup_payloads.lineups(conn, match_id, events))


def odds_quote(row: dict[str, Any]) -> schemas.OddsQuote:
    names = OUTCOMES.get(row["market"], ("home", "draw", "away"))
    prices = {name: row[f"price_{name}"] for name in names}
    probabilities, margin = implied_probabilities(list(prices.values()))
    return schemas.OddsQuote(source=row["source"], bookmaker=row["bookmaker"], market=row["market"],
                             closing=row["closing"], line=row["line"], prices=prices,
                             implied_probabilities=dict(zip(names, probabilities, strict=True)), margin=margin)


def odds_summary(quotes: Iterable[schemas.OddsQuote]) -> schemas.OddsSummary | None:
    """The most trusted 1X2 line: a sharp book's closing price first, else any closing, else any."""
    one_x_two = [q for q in quotes if q.market == "1x2" and all(q.prices.values())]
    if not one_x_two:
        return None
    rank = {name: i for i, name in enumerate(SUMMARY_BOOKMAKERS)}
    best = min(one_x_two, key=lambda q: (not q.closing, rank.get(q.bookmaker, len(rank)), q.bookmaker))
    return schemas.OddsSummary(bookmaker=best.bookmaker, closing=best.closing, home=best.prices["home"],
                               draw=best.prices["draw"], away=best.prices["away"],
                               implied_probabilities=best.implied_probabilities)


def provenance(conn: Connection, match_id: int) -> schemas.MatchProvenance:
    data = provenance_queries.match_provenance(conn, match_id)
    return schemas.MatchProvenance(
        fields=data["fields"], sources=[schemas.SourceClaim(**item) for item in data["sources"]],
        conflicts=[schemas.ResultConflict(**{k: row[k] for k in schemas.ResultConflict.model_fields})
                   for row in data["conflicts"]])


def match_detail(conn: Connection, match_id: int, include_sources: bool = False) -> schemas.MatchDetail:
    row = match_queries.match_summary(conn, match_id)
    summary = match_summary(row)
    quotes = [odds_quote(q) for q in match_queries.odds(conn, match_id)]
    event_rows = match_queries.events(conn, match_id)
    return schemas.MatchDetail(
        **summary.model_dump(), referee=row["referee"], attendance=row["attendance"], neutral=row["neutral"],
        last_checked_at=row["last_checked_at"], updated_at=row["updated_at"],
        events=events(conn, match_id, summary.home.id, summary.away.id, event_rows), statistics=stats(conn, match_id),
        lineups=lineups(conn, match_id, event_rows), odds_summary=odds_summary(quotes),
        sources=provenance(conn, match_id) if include_sources else None,
    )


def head_to_head(conn: Connection, match_id: int, limit: int,
                 horizon: match_queries.Horizon | None = None) -> schemas.HeadToHead:
    summary = match_summary(match_queries.match_summary(conn, match_id))
    rows = match_queries.head_to_head(conn, summary.home.id, summary.away.id, summary.match_date, limit, horizon)
    tally = {"home_wins": 0, "draws": 0, "away_wins": 0}
    for r in rows:
        home_goals, away_goals = ((r["home_goals"], r["away_goals"]) if r["home_team_id"] == summary.home.id
                                  else (r["away_goals"], r["home_goals"]))
        tally["home_wins" if home_goals > away_goals else "draws" if home_goals == away_goals else "away_wins"] += 1
    return schemas.HeadToHead(match_id=match_id, home=summary.home, away=summary.away, summary=tally,
                              matches=[match_summary(r) for r in rows])


def injury(row: dict[str, Any]) -> schemas.Injury:
    return schemas.Injury(player=schemas.PlayerRef(id=row["player_id"], name=row["player_name"]),
                          team_id=row["team_id"], status=row["status"], reason=row["reason"],
                          kickoff_utc=row["kickoff_utc"], match_id=row["match_id"], source=row["source"])
