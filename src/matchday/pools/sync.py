"""The scoring job: ``participants_scores_status`` outdata → syncing → up-to-date, under a lease.

A finished match or a corrected result (live events, a load's MatchChange list) queues the match for every
prediction league of its competition and season and marks them ``outdata``. A sync claims a league with one
compare-and-set UPDATE (``outdata``, or ``syncing`` whose lease has expired: a crashed worker), so two workers
never score the same league; it copies the queued matches' results, rescores their predictions in one UPDATE
and re-aggregates the affected rounds with one INSERT ... SELECT, then sets ``up-to-date`` only if no new mark
arrived meanwhile (a mark clears the lease token). The periodic sweep picks whatever is left.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Connection, Engine, and_, case, delete, func, insert, inspect, or_, select, update

from matchday.accounts.schema import match_results, prediction_leagues, prediction_scores, predictions, scoring_queue
from matchday.accounts.users import utcnow
from matchday.domain.prediction_scoring import Outcome, ScoringRules
from matchday.pools import football
from matchday.pools.scoring_sql import points_and_outcome, result_columns

log = structlog.get_logger(__name__)
LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class SyncResult:
    prediction_league_id: int
    matches: int
    predictions: int
    rounds: int
    up_to_date: bool


def users_store_ready(users: Engine, table: str = "prediction_leagues") -> bool:
    """Whether the users store has the table (a server started before `matchday users upgrade` has none)."""
    return inspect(users).has_table(table)


def mark_outdata(conn: Connection, by_season: dict[tuple[int, str], list[int]]) -> list[int]:
    """Queue the matches for every prediction league of their season; returns the leagues marked."""
    marked: list[int] = []
    now = utcnow()
    for (competition_id, season), match_ids in by_season.items():
        league_ids = list(conn.execute(select(prediction_leagues.c.id).where(
            prediction_leagues.c.competition_id == competition_id, prediction_leagues.c.season == season)).scalars())
        if not league_ids:
            continue
        conn.execute(insert(scoring_queue), [{"prediction_league_id": league_id, "match_id": match_id,
                                              "queued_at": now} for league_id in league_ids for match_id in match_ids])
        conn.execute(update(prediction_leagues).where(prediction_leagues.c.id.in_(league_ids))
                     .values(participants_scores_status="outdata", sync_token=None))
        marked += league_ids
    return marked


def _claimable(now: datetime):  # noqa: ANN202 - a SQL condition
    status, lease_until = prediction_leagues.c.participants_scores_status, prediction_leagues.c.sync_lease_until
    return or_(status == "outdata", and_(status == "syncing", or_(lease_until.is_(None), lease_until < now)))


def claim(engine: Engine, league_id: int, now: datetime, lease: timedelta = LEASE) -> str | None:
    """Take the league's scoring lease (one compare-and-set UPDATE); None when another worker holds it."""
    token = str(uuid.uuid4())
    with engine.begin() as conn:
        won = conn.execute(update(prediction_leagues).where(prediction_leagues.c.id == league_id, _claimable(now))
                           .values(participants_scores_status="syncing", sync_token=token,
                                   sync_lease_until=now + lease)).rowcount
    return token if won == 1 else None


def rescore(conn: Connection, league_id: int, rules: ScoringRules, match_ids: list[int] | None,
            rounds: dict[int, list[int]] | None = None) -> tuple[int, int]:
    """Points of the predictions on ``match_ids`` (None: all), then the totals of the rounds they are in
    (``rounds``: round → all its matches; needed unless everything is rescored). Returns (predictions rescored,
    rounds re-aggregated)."""
    home, away = result_columns(match_results, rules)
    points, outcome = points_and_outcome(predictions.c.home_goals, predictions.c.away_goals, home, away,
                                         predictions.c.joker, rules,
                                         (match_results.c.odds_home, match_results.c.odds_draw,
                                          match_results.c.odds_away))
    final = and_(match_results.c.status.in_(football.FINAL_RESULT_STATUSES), match_results.c.home_goals.is_not(None),
                 match_results.c.away_goals.is_not(None))
    scope = [predictions.c.prediction_league_id == league_id]
    if match_ids is not None:
        scope.append(predictions.c.match_id.in_(match_ids))
    new_points, new_outcome = case((final, points), else_=None), case((final, outcome), else_=None)
    changed = conn.execute(update(predictions).where(
        *scope, match_results.c.prediction_league_id == league_id, match_results.c.match_id == predictions.c.match_id,
        # rows whose points stay as they are are not written again (a sweep's full rescore is mostly reading)
        or_(predictions.c.points.is_distinct_from(new_points), predictions.c.outcome.is_distinct_from(new_outcome)))
        .values(points=new_points, outcome=new_outcome)).rowcount
    if match_ids is None:  # predictions on matches the season no longer has (a demo restarted) score nothing
        known = select(match_results.c.match_id).where(match_results.c.prediction_league_id == league_id)
        conn.execute(update(predictions).where(predictions.c.prediction_league_id == league_id,
                                               predictions.c.match_id.not_in(known), predictions.c.points.is_not(None))
                     .values(points=None, outcome=None))
    old = delete(prediction_scores).where(prediction_scores.c.prediction_league_id == league_id)

    def count(kind: Outcome):  # noqa: ANN202 - a SQL sum
        return func.sum(case((predictions.c.outcome == kind.value, 1), else_=0))

    totals = (select(predictions.c.prediction_league_id, predictions.c.user_id, predictions.c.round_number,
                     func.coalesce(func.sum(predictions.c.points), 0), count(Outcome.EXACT),
                     count(Outcome.DIFFERENCE), count(Outcome.TENDENCY))
              .where(predictions.c.prediction_league_id == league_id, predictions.c.points.is_not(None))
              # round first: no index has that order, so planners read the key range of the rounds' matches and
              # sort, rather than walk the (league, user) index over the whole season
              .group_by(predictions.c.prediction_league_id, predictions.c.round_number, predictions.c.user_id))
    if match_ids is not None:
        if rounds is None:
            raise ValueError("rescoring some matches needs their rounds' matches")
        in_rounds = [m for ids in rounds.values() for m in ids]
        old = old.where(prediction_scores.c.round_number.in_(list(rounds)))
        totals = totals.where(predictions.c.match_id.in_(in_rounds))  # the key's prefix: contiguous rows
    conn.execute(old)
    conn.execute(insert(prediction_scores).from_select(
        ["prediction_league_id", "user_id", "round_number", "points", "exact", "differences", "tendencies"], totals))
    return changed, len(rounds) if rounds is not None else -1


def sync_league(users: Engine, football_engine: Engine, league_id: int, now: datetime | None = None,
                lease: timedelta = LEASE) -> SyncResult | None:
    """Score one prediction league if it needs it and nobody else holds it; None when there was nothing to take."""
    now = now or utcnow()
    token = claim(users, league_id, now, lease)
    if token is None:
        return None
    with users.connect() as conn:
        league = conn.execute(select(prediction_leagues).where(prediction_leagues.c.id == league_id)).mappings().one()
        queued = conn.execute(select(scoring_queue.c.id, scoring_queue.c.match_id).where(
            scoring_queue.c.prediction_league_id == league_id)).all()
    ids = sorted({m for _q, m in queued})
    full = not ids or 0 in ids
    rules = ScoringRules.from_dict(league["scoring"])
    with football_engine.connect() as fconn:
        rows = football.results(fconn, league["competition_id"], league["season"], None if full else ids,
                                with_odds=rules.odds)
        rounds = None if full else football.round_matches(fconn, league["competition_id"], league["season"], ids)
    with users.begin() as conn:
        scope = [match_results.c.prediction_league_id == league_id]
        conn.execute(delete(match_results).where(*scope, *([] if full else [match_results.c.match_id.in_(ids)])))
        if rows:
            conn.execute(insert(match_results), [{**r, "prediction_league_id": league_id, "updated_at": now}
                                                 for r in rows])
        rescored, rounds_done = rescore(conn, league_id, rules, None if full else ids, rounds)
        if queued:
            conn.execute(delete(scoring_queue).where(scoring_queue.c.prediction_league_id == league_id,
                                                     scoring_queue.c.id <= max(q for q, _m in queued)))
        done = conn.execute(update(prediction_leagues).where(prediction_leagues.c.id == league_id,
                                                             prediction_leagues.c.sync_token == token)
                            .values(participants_scores_status="up-to-date", sync_token=None, sync_lease_until=None,
                                    scores_updated_at=now)).rowcount == 1
    log.info("prediction league scored", prediction_league_id=league_id, matches=len(rows), predictions=rescored,
             up_to_date=done)
    return SyncResult(league_id, len(rows), rescored, rounds_done, done)


def scores_status(conn: Connection, fconn: Connection, league: Mapping[str, Any]) -> str:
    """The league's status as its members should read it. Between a result's commit and its scoring the stored
    status still says up-to-date; a final result of a predicted match that the league has not scored (or scored
    differently, or a result taken back) makes it ``outdata`` whatever the stored status says."""
    status = league["participants_scores_status"]
    if status != "up-to-date":
        return status
    final = {r["match_id"]: (r["status"], r["home_goals"], r["away_goals"])
             for r in football.results(fconn, league["competition_id"], league["season"])
             if r["status"] in football.FINAL_RESULT_STATUSES}
    scored = {r.match_id: (r.status, r.home_goals, r.away_goals) for r in conn.execute(
        select(match_results.c.match_id, match_results.c.status, match_results.c.home_goals,
               match_results.c.away_goals).where(match_results.c.prediction_league_id == league["id"],
                                                 match_results.c.status.in_(football.FINAL_RESULT_STATUSES)))}
    differ = sorted({m for m in final.keys() | scored.keys() if final.get(m) != scored.get(m)})
    if not differ:  # the season's results (a few hundred rows), not the league's predictions (millions)
        return status
    predicted = conn.execute(select(predictions.c.match_id).where(
        predictions.c.prediction_league_id == league["id"], predictions.c.match_id.in_(differ)).limit(1)).first()
    return "outdata" if predicted is not None else status


def due(users: Engine, now: datetime) -> list[int]:
    with users.connect() as conn:
        return list(conn.execute(select(prediction_leagues.c.id).where(_claimable(now))
                                 .order_by(prediction_leagues.c.id)).scalars())


def sweep(users: Engine, football_engine: Engine, now: datetime | None = None) -> list[SyncResult]:
    """Score every prediction league left out of date (missed events, crashed syncs)."""
    now = now or utcnow()
    results = []
    for league_id in due(users, now):
        result = sync_league(users, football_engine, league_id, now)
        if result is not None:
            results.append(result)
    return results


def results_changed(users: Engine, football_engine: Engine, match_ids: list[int],
                    season_ids: list[int] = ()) -> list[SyncResult]:
    """Matches finished or corrected (or whole seasons loaded): mark their prediction leagues and score them now.
    Idempotent: a result delivered twice scores the same points."""
    with football_engine.connect() as fconn:
        by_season = football.matches_competitions(fconn, sorted(set(match_ids)))
        for key in football.seasons_competitions(fconn, list(season_ids)):
            by_season[key] = [0]  # the queue's "every match of the season"
    with users.begin() as conn:
        marked = mark_outdata(conn, by_season)
    results = []
    for league_id in dict.fromkeys(marked):
        try:
            result = sync_league(users, football_engine, league_id)
        except Exception as exc:  # noqa: BLE001 - left outdata: the sweep scores it; the other leagues go on
            log.warning("prediction league not scored; the sweep retries", prediction_league_id=league_id,
                        error=repr(exc))
            continue
        if result is not None:
            results.append(result)
    return results
