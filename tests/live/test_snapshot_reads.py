"""Subscribers of one public channel share a snapshot read only if it began after they subscribed."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import create_engine, text

from matchday.errors import NotFound
from matchday.live.snapshot_reads import SnapshotReads
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.sqlite_watch import SqliteWatch


def test_subscribers_before_the_read_share_it_and_later_ones_get_the_next() -> None:
    async def scenario() -> tuple[list, int]:
        reads = SnapshotReads()
        started, release = threading.Event(), threading.Event()
        calls = []

        def read() -> tuple[int, str]:
            number = len(calls) + 1
            calls.append(number)
            started.set()
            release.wait(5)
            return number, f"frame {number}"

        first = [asyncio.create_task(reads.frame("live:all", read)) for _ in range(50)]
        while not started.is_set():  # the shared read is running now
            await asyncio.sleep(0.001)
        late = asyncio.create_task(reads.frame("live:all", read))
        await asyncio.sleep(0.01)
        release.set()
        results = [await task for task in first]
        return [*results, await late], len(calls)

    results, reads_done = asyncio.run(scenario())
    assert results[:50] == [(1, "frame 1")] * 50  # fifty subscribers, one read
    assert results[50] == (2, "frame 2") and reads_done == 2  # began after the read: the next one


def test_a_failed_read_reaches_every_waiting_subscriber() -> None:
    async def scenario() -> list[BaseException | tuple[int, str]]:
        reads = SnapshotReads()

        def read() -> tuple[int, str]:
            raise NotFound("no match 7")

        tasks = [asyncio.create_task(reads.frame("match:7", read)) for _ in range(3)]
        return await asyncio.gather(*tasks, return_exceptions=True)

    outcomes = asyncio.run(scenario())
    assert all(isinstance(o, NotFound) and "no match 7" in str(o) for o in outcomes)


@pytest.mark.parametrize("channel", ["match:1", "league:2"])
def test_a_cancelled_subscriber_leaves_the_read_to_the_others(channel: str) -> None:
    async def scenario() -> tuple[int, str]:
        reads = SnapshotReads()
        gate = threading.Event()

        def read() -> tuple[int, str]:
            gate.wait(5)
            return 3, "frame"

        gone = asyncio.create_task(reads.frame(channel, read))
        stays = asyncio.create_task(reads.frame(channel, read))
        await asyncio.sleep(0.01)
        gone.cancel()
        gate.set()
        return await stays

    assert asyncio.run(scenario()) == (3, "frame")



def test_a_finished_read_serves_later_subscribers_while_the_store_is_unchanged() -> None:
    async def scenario() -> tuple[list[tuple[int, str]], list[int]]:
        version, calls = [7], []
        reads = SnapshotReads(store_version=lambda: version[0])

        def read() -> tuple[int, str]:
            calls.append(len(calls) + 1)
            return calls[-1], f"frame {calls[-1]}"

        got = [await reads.frame("live:all", read), await reads.frame("live:all", read)]  # kept: no second read
        got.append(await reads.frame("league:2", read))  # another channel: its own read
        version[0] = 8  # a commit
        got.append(await reads.frame("live:all", read))
        got.append(await reads.frame("live:all", read))
        return got, calls

    got, calls = asyncio.run(scenario())
    assert got == [(1, "frame 1"), (1, "frame 1"), (2, "frame 2"), (3, "frame 3"), (3, "frame 3")]
    assert calls == [1, 2, 3]


def test_a_commit_while_the_read_runs_means_the_next_subscriber_reads_again() -> None:
    async def scenario() -> list[tuple[int, str]]:
        version, calls = [1], []
        reads = SnapshotReads(store_version=lambda: version[0])

        def read() -> tuple[int, str]:
            version[0] += 1  # a commit lands between the version's look and the read (or during it)
            calls.append(len(calls) + 1)
            return calls[-1], f"frame {calls[-1]}"

        return [await reads.frame("match:3", read), await reads.frame("match:3", read)]

    assert asyncio.run(scenario()) == [(1, "frame 1"), (2, "frame 2")]


def test_the_store_version_of_a_sqlite_file_moves_with_every_commit(tmp_path) -> None:  # noqa: ANN001
    engine = make_engine(f"sqlite:///{tmp_path / 'v.db'}")
    upgrade(engine)
    watch = SqliteWatch.open(engine)
    assert watch is not None and SqliteWatch.open(create_engine("sqlite://")) is None
    version = watch.data_version
    before = version()
    assert version() == before  # nothing committed
    with engine.begin() as conn:
        conn.execute(text("UPDATE outbox_cursors SET position = position"))
        conn.execute(text("CREATE TABLE IF NOT EXISTS probe_touch (x INTEGER)"))
    assert version() != before
    after = version()
    watch.close()  # an app's lifespan ended; if it runs again the watch reopens, and says nothing is as it was
    assert version() != after and version() == version()
    watch.close()
    engine.dispose()
