"""The outbox's ids follow commit order, so a reader (a cursor, an API process's cache) that has seen id N has seen
every write below N: on PostgreSQL a second writer waits at the outbox until the first commits (real server, two
real transactions)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from matchday.domain.changes import ChangeSet, MatchChange
from matchday.store import outbox
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.conftest import _fresh_postgres_url


@pytest.mark.postgres
def test_a_second_writer_waits_at_the_log_until_the_first_commits(postgres) -> None:  # noqa: ANN001
    engine = make_engine(_fresh_postgres_url(postgres))
    upgrade(engine)
    second_done = threading.Event()

    def second_writer() -> None:
        with engine.begin() as conn:
            outbox.append(conn, ChangeSet([MatchChange(2, True, {}, 1, 1, 1, 1)]))
        second_done.set()

    try:
        with engine.connect() as first:
            transaction = first.begin()
            outbox.append(first, ChangeSet([MatchChange(1, True, {}, 1, 1, 1, 1)]))
            thread = threading.Thread(target=second_writer)
            thread.start()
            with engine.connect() as watcher:  # the second writer is seen waiting on the advisory lock
                deadline = time.monotonic() + 20
                # each look in a transaction of its own: PostgreSQL snapshots pg_stat_activity once per
                # transaction, so a loop inside one transaction never saw a writer that started waiting after its
                # first look (the race behind this test's occasional failure)
                while not watcher.execute(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND wait_event = 'advisory' AND datname = current_database()")).scalar():
                    watcher.rollback()
                    assert time.monotonic() < deadline, "the second writer never waited"
                    time.sleep(0.05)
            assert not second_done.is_set()
            transaction.commit()
        thread.join(timeout=20)
        assert second_done.is_set()
        with engine.connect() as conn:
            order = conn.execute(text("SELECT tag FROM cache_invalidations WHERE tag LIKE 'match:%' ORDER BY id")
                                 ).scalars().all()
            results = conn.execute(text("SELECT results FROM change_sets ORDER BY id")).scalars().all()
        assert order == ["match:1", "match:2"]  # ids in commit order: the cache log
        assert [r["matches"] for r in results] == [[1], [2]]  # and the change sets
    finally:
        engine.dispose()
