"""Prediction-league scoring benchmark: the set-based rescore vs a naive one-query-per-member loop, same run.

    flock /tmp/matchday-heavy.lock .venv/bin/python benchmarks/pools.py [--members 10000] [--no-postgres]

A simulated 20-team season (380 matches, 38 rounds, all played) in the football store; a users store with
``--members`` users, all in one kicktipp prediction league, each with a prediction on every match (3.8 million
predictions for 10,000 members), stored in the order they arrive in a real season: round by round. Two
recomputes, each measured both ways on the same data:

- round: the 10 matches of one round finished (100,000 predictions for 10,000 members);
- season: all 380 matches rescored (3.8 million predictions).

Ours is ``pools.sync.sync_league``: claim the lease, copy the results, one UPDATE ... FROM scoring every
prediction, one INSERT ... SELECT of the round totals. The baseline, per member: one SELECT of their predictions
with the results, scoring in Python (the same pure function), one executemany UPDATE of their points and one
INSERT of their round totals. Both leave identical totals (checked). Runs on SQLite (a file) and on a
PostgreSQL server started for the run (the machine's PostgreSQL binaries, as the tests do).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, bindparam, delete, insert, literal, select, text, true, update

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from matchday.accounts.schema import (  # noqa: E402
    match_results,
    prediction_league_members,
    prediction_leagues,
    prediction_scores,
    predictions,
    scoring_queue,
    users,
)
from matchday.accounts.store import upgrade_users  # noqa: E402
from matchday.domain.prediction_scoring import MatchResult, Outcome, rules_for, score, scored_result  # noqa: E402
from matchday.domain.records import ParseResult  # noqa: E402
from matchday.ingest.pipeline import UnitSummary, write_parsed  # noqa: E402
from matchday.ingest.seed import seed_reference_data  # noqa: E402
from matchday.pools import football  # noqa: E402
from matchday.pools.sync import sync_league  # noqa: E402
from matchday.sources.simulator.generator import generate_season  # noqa: E402
from matchday.store.engine import make_engine  # noqa: E402
from matchday.store.migrate import upgrade  # noqa: E402
from matchday.store.runs import start_run  # noqa: E402

SEASON = "2025-26"
RULES = rules_for("kicktipp")


def football_store(url: str) -> tuple[Engine, int, list[tuple[int, int]]]:
    """The season in the store; returns the engine, the competition id and (match id, round) pairs."""
    engine = make_engine(url)
    upgrade(engine)
    seed_reference_data(engine)
    parsed = generate_season(20, seed=7, league="bench.1", season=SEASON, played_until=datetime(2030, 1, 1))
    with engine.begin() as conn:
        run_id = start_run(conn, "simulator", "bench")
    write_parsed(engine, "simulator", run_id, "bench", ParseResult(matches=parsed.matches), UnitSummary("bench"))
    with engine.connect() as conn:
        comp = football.competition(conn, "bench.1").id
        pairs = [(r["info"].id, r["info"].round_number) for r in football.season_matches(conn, comp, SEASON)]
    return engine, comp, pairs


def users_store(url: str, members: int, competition_id: int, pairs: list[tuple[int, int]]) -> Engine:
    """``members`` users in one prediction league, a deterministic spread of tips on every match."""
    engine = make_engine(url)
    upgrade_users(engine)
    now = datetime(2025, 7, 1)
    with engine.begin() as conn:
        conn.execute(insert(users), [{"id": i, "email": f"u{i}@bench.org", "email_key": f"u{i}@bench.org",
                                      "username": f"u{i}", "username_key": f"u{i}", "password_hash": "-",
                                      "created_at": now} for i in range(1, members + 1)])
        conn.execute(insert(prediction_leagues).values(id=1, name="bench", owner_id=1, competition_id=competition_id,
                                                       season=SEASON, scoring=RULES.as_dict(), visibility="private",
                                                       invite_code="BENCH", created_at=now))
        conn.execute(insert(prediction_league_members), [{"prediction_league_id": 1, "user_id": i, "joined_at": now}
                                                         for i in range(1, members + 1)])
        # the matches as a tiny table, so one INSERT ... SELECT writes every member's tips (portable SQL)
        conn.execute(insert(match_results), [{"prediction_league_id": 1, "match_id": m, "status": "scheduled",
                                              "home_goals": r, "updated_at": now} for m, r in pairs])
        member, match = prediction_league_members.alias("m"), match_results.alias("r")
        conn.execute(insert(predictions).from_select(
            ["prediction_league_id", "user_id", "match_id", "round_number", "home_goals", "away_goals", "joker",
             "created_at", "updated_at"],
            select(literal(1), member.c.user_id, match.c.match_id, match.c.home_goals,
                   (member.c.user_id * 7 + match.c.match_id * 3) % 4, (member.c.user_id * 5 + match.c.match_id) % 3,
                   literal(False), literal(now), literal(now)).select_from(member.join(match, true()))
            .where(member.c.prediction_league_id == 1)
            # in the order people send them: round by round (a round is predicted before it is played)
            .order_by(match.c.home_goals, match.c.match_id, member.c.user_id)))
        conn.execute(delete(match_results))
    return engine


def reset(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(predictions).values(points=None, outcome=None))
        conn.execute(delete(prediction_scores))
        conn.execute(delete(match_results))
        conn.execute(delete(scoring_queue))
        conn.execute(update(prediction_leagues).values(participants_scores_status="up-to-date", sync_token=None))


def ours(users_engine: Engine, football_engine: Engine, match_ids: list[int] | None) -> float:
    with users_engine.begin() as conn:
        conn.execute(insert(scoring_queue), [{"prediction_league_id": 1, "match_id": m} for m in (match_ids or [0])])
        conn.execute(update(prediction_leagues).values(participants_scores_status="outdata"))
    started = time.perf_counter()
    result = sync_league(users_engine, football_engine, 1)
    seconds = time.perf_counter() - started
    assert result is not None and result.up_to_date
    return seconds


def naive(users_engine: Engine, football_engine: Engine, match_ids: list[int]) -> float:
    """Per member: one SELECT of their predictions, Python scoring, one UPDATE batch, one INSERT of totals."""
    started = time.perf_counter()
    with users_engine.connect() as conn:
        comp = conn.execute(select(prediction_leagues.c.competition_id)).scalar()
    with football_engine.connect() as fconn:
        found = {r["match_id"]: r for r in football.results(fconn, comp, SEASON, match_ids)}
    results = {m: scored_result(MatchResult(r["home_goals"], r["away_goals"], r["finish"], r["home_goals_90"],
                                            r["away_goals_90"], r["home_penalties"], r["away_penalties"]), RULES)
               for m, r in found.items()}
    with users_engine.begin() as conn:
        member_ids = list(conn.execute(select(prediction_league_members.c.user_id)).scalars())
        query = select(predictions.c.match_id, predictions.c.match_id, predictions.c.round_number,
                       predictions.c.home_goals, predictions.c.away_goals, predictions.c.joker).where(
            predictions.c.prediction_league_id == 1, predictions.c.user_id == bindparam("uid"),
            predictions.c.match_id.in_(match_ids))
        set_points = update(predictions).where(
            predictions.c.prediction_league_id == 1, predictions.c.match_id == bindparam("pid"),
            predictions.c.user_id == bindparam("uid")).values(
            points=bindparam("p"), outcome=bindparam("o"))
        rounds = sorted({r for (_m, r) in conn.execute(select(predictions.c.match_id, predictions.c.round_number)
                                                       .where(predictions.c.match_id.in_(match_ids),
                                                              predictions.c.user_id == member_ids[0]))})
        conn.execute(delete(prediction_scores).where(prediction_scores.c.round_number.in_(rounds)))
        for user_id in member_ids:
            rows = conn.execute(query, {"uid": user_id}).all()
            scored, totals = [], defaultdict(lambda: [0, 0, 0, 0])
            for pid, match_id, rnd, home, away, joker in rows:
                points, outcome = score((home, away), results[match_id], RULES, joker)
                scored.append({"pid": pid, "uid": user_id, "p": points, "o": outcome.value})
                total = totals[rnd]
                total[0] += points
                total[1] += outcome is Outcome.EXACT
                total[2] += outcome is Outcome.DIFFERENCE
                total[3] += outcome is Outcome.TENDENCY
            conn.execute(set_points, scored)
            conn.execute(insert(prediction_scores), [
                {"prediction_league_id": 1, "user_id": user_id, "round_number": rnd, "points": t[0], "exact": t[1],
                 "differences": t[2], "tendencies": t[3]} for rnd, t in totals.items()])
    return time.perf_counter() - started


def totals(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(select(prediction_scores.c.user_id, prediction_scores.c.round_number,
                                   prediction_scores.c.points, prediction_scores.c.exact,
                                   prediction_scores.c.differences, prediction_scores.c.tendencies)
                            .order_by(prediction_scores.c.user_id, prediction_scores.c.round_number)).all()


def run(name: str, football_url: str, users_url: str, members: int) -> list[tuple]:
    t = time.perf_counter()
    football_engine, comp, pairs = football_store(football_url)
    users_engine = users_store(users_url, members, comp, pairs)
    print(f"[{name}] built: {members} members x {len(pairs)} matches = {members * len(pairs):,} predictions "
          f"in {time.perf_counter() - t:.1f} s", flush=True)
    round_ids = [m for m, r in pairs if r == 20]
    all_ids = [m for m, _r in pairs]
    rows = []
    for label, ids in (("round (10 matches)", round_ids), ("season (380 matches)", all_ids)):
        scored = members * len(ids)
        reset(users_engine)
        ours_s = ours(users_engine, football_engine, ids if len(ids) < len(all_ids) else None)
        expected = totals(users_engine)
        reset(users_engine)
        naive_s = naive(users_engine, football_engine, ids)
        assert totals(users_engine) == expected, "naive and set-based totals differ"
        rows.append((name, label, scored, ours_s, naive_s))
        print(f"[{name}] {label}: ours {ours_s:.2f} s ({scored / ours_s:,.0f} predictions/s), naive {naive_s:.2f} s "
              f"({scored / naive_s:,.0f}/s), naive/ours {naive_s / ours_s:.1f}x", flush=True)
    users_engine.dispose()
    football_engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += run("sqlite", f"sqlite:///{tmp}/football.db", f"sqlite:///{tmp}/users.db", args.members)
    if not args.no_postgres:
        from tests.postgres_server import PostgresServer

        server = PostgresServer()
        server.start()
        try:
            admin = make_engine(server.url())
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text('CREATE DATABASE "bench_football"'))
                conn.execute(text('CREATE DATABASE "bench_users"'))
            admin.dispose()
            rows += run("postgresql", server.url("bench_football"), server.url("bench_users"), args.members)
        finally:
            server.stop()
    print()
    print(f"{'database':<11} {'recompute':<21} {'predictions':>11} {'ours s':>8} {'ours rows/s':>12} "
          f"{'naive s':>8} {'naive rows/s':>12} {'naive/ours':>10}")
    for name, label, scored, ours_s, naive_s in rows:
        print(f"{name:<11} {label:<21} {scored:>11,} {ours_s:>8.2f} {scored / ours_s:>12,.0f} {naive_s:>8.2f} "
              f"{scored / naive_s:>12,.0f} {naive_s / ours_s:>9.1f}x")


if __name__ == "__main__":
    main()
