"""The one publish loop delivers each outbox row once and in order, however many publishers race: threads of one
process, and separate processes on one store (a lease per subscriber in the store, a lock within a process)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select

from matchday.domain.changes import MatchChange
from matchday.ingest.apply import writing
from matchday.ingest.publish import Publisher, Subscriber
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import change_sets as change_sets_table
from matchday.store.schema import matches
from tests.conftest import REPO
from tests.ingest.helpers import load

ROWS = 60


def _store(tmp_path: Path) -> tuple[Engine, list[int]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    load(engine, "simulator", teams="4", seed="1", season="2026-27")
    with engine.connect() as conn:
        ids = list(conn.execute(select(matches.c.id).order_by(matches.c.id)).scalars())
    return engine, ids


def _write(engine: Engine, match_ids: list[int], start: int, count: int) -> None:
    """``count`` writes, each with one feed event and one changed result (as a live poll's would be)."""
    for n in range(start, start + count):
        match_id = match_ids[n % len(match_ids)]
        with writing(engine) as (_conn, changes):
            changes.feed.append({"match_id": match_id, "seq": 1000 + n, "type": "match_update", "channels": [],
                                 "payload": {"n": n}, "created_at": datetime(2026, 1, 1), "published_at": None})
            changes.add([MatchChange(match_id, False, {"home_goals": n})])


def _feed_rows(batch: list[dict]) -> list[int]:
    return [message["data"]["n"] for message in batch]


def test_threads_and_publishers_deliver_each_row_once_in_order(tmp_path: Path) -> None:
    engine, ids = _store(tmp_path)
    feed: list[int] = []
    change_sets: list[int] = []
    lock = threading.Lock()

    def on_feed(batch: list[dict]) -> None:
        with lock:
            feed.extend(_feed_rows(batch))

    def on_changes(batch: list[tuple[int, dict]]) -> None:
        with lock:
            change_sets.extend(change_id for change_id, _results in batch)

    subscribers = [Subscriber("feed", "feed", on_feed), Subscriber("changes:test", "changes", on_changes)]
    shared = Publisher(engine, subscribers)
    others = [Publisher(engine, subscribers) for _ in range(2)]  # as two more processes would be
    stop = threading.Event()

    def keep_publishing(publisher: Publisher) -> None:
        while not stop.is_set():
            publisher.publish_once()

    threads = [threading.Thread(target=keep_publishing, args=(p,)) for p in (shared, shared, shared, *others)]
    for thread in threads:
        thread.start()
    try:
        _write(engine, ids, 0, ROWS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    shared.publish_once()  # whatever the racing passes left
    assert feed == list(range(ROWS)), "each feed row once, in order"
    with engine.connect() as conn:  # the season's load wrote one change set before these
        expected = list(conn.execute(select(change_sets_table.c.id).order_by(change_sets_table.c.id)).scalars())
    assert change_sets == expected and len(expected) == ROWS + 1, "each change set once, in order"


WORKER = """
import json, sys
from matchday.ingest.publish import Publisher, Subscriber
from matchday.store.engine import make_engine
engine = make_engine(sys.argv[1])
out = open(sys.argv[2], "a")
def deliver(batch):
    for message in batch:
        out.write(json.dumps(message["data"]["n"]) + "\\n")
    out.flush()
publisher = Publisher(engine, [Subscriber("feed", "feed", deliver)])
open(sys.argv[2] + ".ready", "w").close()
for _ in range(int(sys.argv[3])):
    publisher.publish_once()
"""


def test_two_processes_deliver_each_row_once(tmp_path: Path) -> None:
    engine, ids = _store(tmp_path)
    outputs = [tmp_path / f"worker-{n}.jsonl" for n in (1, 2)]
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(engine.url), str(out), "3000"], cwd=REPO)
               for out in outputs]
    try:
        while not all(Path(f"{out}.ready").exists() for out in outputs):  # both publishing before the writes
            assert all(worker.poll() is None for worker in workers), "a worker died at start"
            time.sleep(0.05)
        for start in range(0, ROWS, 2):  # spread over the workers' passes: they contend for every batch
            _write(engine, ids, start, 2)
            time.sleep(0.03)
    finally:
        for worker in workers:
            assert worker.wait(timeout=120) == 0
    def leftovers(batch: list[dict]) -> None:  # what the workers' last passes left, delivered here
        with outputs[0].open("a") as out:
            out.writelines(json.dumps(m["data"]["n"]) + "\n" for m in batch)

    Publisher(engine, [Subscriber("feed", "feed", leftovers)]).publish_once()
    delivered = [json.loads(line) for out in outputs for line in out.read_text().splitlines()]
    assert sorted(delivered) == list(range(ROWS)), "every row delivered, none twice"
    for out in outputs:  # within each process, in order
        mine = [json.loads(line) for line in out.read_text().splitlines()]
        assert mine == sorted(mine)


def test_rows_written_after_the_newest_were_deleted_are_still_delivered(tmp_path: Path) -> None:
    """A demo restarted clears its season, feed events included; SQLite would hand their ids out again and the
    feed's cursor, already past them, would skip the new run's events. Ids are never reused (AUTOINCREMENT)."""
    from matchday.domain.changes import EVERYTHING
    from matchday.store.ephemeral import clear_season

    engine, ids = _store(tmp_path)
    feed: list[int] = []
    publisher = Publisher(engine, [Subscriber("feed", "feed", lambda batch: feed.extend(_feed_rows(batch)))])
    _write(engine, ids, 0, 5)
    publisher.publish_once()
    with writing(engine) as (conn, changes):  # as `matchday demo` does at its start
        assert clear_season(conn, "sim.1", "2026-27") == len(ids)
        changes.tags.add(EVERYTHING)
    load(engine, "simulator", teams="4", seed="1", season="2026-27")
    with engine.connect() as conn:
        ids = list(conn.execute(select(matches.c.id).order_by(matches.c.id)).scalars())
    _write(engine, ids, 5, 5)
    publisher.publish_once()
    assert feed == list(range(10))


def test_a_subscriber_that_fails_gets_the_same_rows_again(tmp_path: Path) -> None:
    """Delivery is at least once: a subscriber that raises leaves its cursor where it was; the next pass delivers
    the same rows, and nothing after them first."""
    engine, ids = _store(tmp_path)
    feed: list[int] = []
    failures = [RuntimeError("broker away")]

    def deliver(batch: list[dict]) -> None:
        if failures:
            raise failures.pop()
        feed.extend(_feed_rows(batch))

    publisher = Publisher(engine, [Subscriber("feed", "feed", deliver)])
    _write(engine, ids, 0, 3)
    assert publisher.publish_once() == 0 and feed == []
    _write(engine, ids, 3, 2)
    assert publisher.publish_once() == 5 and feed == [0, 1, 2, 3, 4]
