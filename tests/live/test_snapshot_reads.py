"""Subscribers of one public channel share a snapshot read only if it began after they subscribed."""

from __future__ import annotations

import asyncio
import threading

import pytest

from matchday.errors import NotFound
from matchday.live.snapshot_reads import SnapshotReads


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
