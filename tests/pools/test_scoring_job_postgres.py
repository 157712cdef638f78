"""The scoring job with the users store in its own PostgreSQL database (the football store on SQLite): two
workers racing for one prediction league, one wins the lease; a crashed sync heals on the sweep; the rate
limiter's state shared through Redis."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from matchday.accounts import users
from matchday.accounts.ratelimit import AttemptLimiter
from matchday.accounts.store import upgrade_users
from matchday.domain.prediction_scoring import rules_for
from matchday.errors import TooManyAttempts
from matchday.pools import football, leaderboard, leagues, predictions, sync
from matchday.store.engine import make_engine
from tests.accounts.conftest import football_store
from tests.conftest import _fresh_postgres_url
from tests.pools.conftest import SEASON, full_time, now, season_records, write


@pytest.mark.postgres
def test_racing_workers_and_a_crash_on_postgres(postgres, tmp_path) -> None:  # noqa: ANN001
    football_engine = football_store(tmp_path / "football.db")
    records = season_records()
    ids = write(football_engine, *records)
    users_engine = make_engine(_fresh_postgres_url(postgres))
    upgrade_users(users_engine)
    with users_engine.begin() as conn:
        owner = users.register(conn, "o@example.org", "owner", "a long passphrase 1")
        with football_engine.connect() as fconn:
            comp = football.competition(fconn, "test.1").id
            match = football.match_info(fconn, ids[2])
        league_id = leagues.create(conn, owner, "pg", comp, SEASON, rules_for("tippspiel2"), "private")
        acc = leagues.access(conn, league_id, owner)
        predictions.put(conn, acc, owner, match, 2, 1, False, lambda _m: False)
    write(football_engine, full_time(records[2], 2, 1))
    with users_engine.begin() as conn:
        sync.mark_outdata(conn, {(comp, SEASON): [ids[2]]})
    t = now()
    results: list[object] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        results.append(sync.sync_league(users_engine, football_engine, league_id, t))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = [r for r in results if r is not None]
    assert len(done) == 1 and done[0].up_to_date and done[0].predictions == 1
    with users_engine.begin() as conn:
        sync.mark_outdata(conn, {(comp, SEASON): [ids[2]]})
    assert sync.claim(users_engine, league_id, t) is not None  # a worker takes it and crashes
    assert sync.sweep(users_engine, football_engine, t + timedelta(seconds=10)) == []  # its lease still holds
    healed = sync.sweep(users_engine, football_engine, t + sync.LEASE + timedelta(seconds=1))
    assert [r.prediction_league_id for r in healed] == [league_id] and healed[0].up_to_date
    with users_engine.connect() as conn:
        board = leaderboard.leaderboard(conn, league_id, rules_for("tippspiel2"))
    assert (board[0]["points"], board[0]["exact"]) == (5, 1)
    users_engine.dispose()
    football_engine.dispose()


def test_rate_limits_are_shared_through_redis(redis_server) -> None:  # noqa: ANN001
    one = AttemptLimiter(redis_server.url, "2/minute", "1/minute")
    other = AttemptLimiter(redis_server.url, "2/minute", "1/minute")  # another server process
    one.hit("login", "account:shared")
    other.hit("login", "account:shared")
    with pytest.raises(TooManyAttempts) as refused:
        one.hit("login", "account:shared")
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60
