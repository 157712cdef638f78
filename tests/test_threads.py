"""Background work in worker threads ends before a cancelled task does (``matchday.threads``): at shutdown the
server cancels its scheduler and then disposes the engine; an abandoned thread went on using the store (a
psycopg connection left open on a disposed pool, seen in CI as a ResourceWarning in a later test)."""

from __future__ import annotations

import asyncio
import threading
import time
from contextlib import suppress

import anyio
import pytest

from matchday import threads
from matchday.ingest.scheduler import Scheduler
from matchday.runtime import Reminders
from matchday.threads import SharedRead, run_to_end


def _cancel_while_running(call) -> list[str]:  # noqa: ANN001 - an async callable that runs the blocking work
    """Cancel the task running ``call`` while its thread works; what happened, in order."""
    started, events = threading.Event(), []

    def work() -> str:
        started.set()
        time.sleep(0.3)
        events.append("thread ended")
        return "result"

    async def scenario() -> None:
        task = asyncio.create_task(call(work))
        await anyio.to_thread.run_sync(started.wait)
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        events.append("task ended")
        assert task.cancelled()

    asyncio.run(scenario())
    return events


def test_plain_anyio_abandons_the_thread_which_is_why_this_exists() -> None:
    assert _cancel_while_running(anyio.to_thread.run_sync)[0] == "task ended"


def test_a_cancelled_task_ends_after_its_thread() -> None:
    assert _cancel_while_running(run_to_end) == ["thread ended", "task ended"]


def test_a_cancelled_scheduler_waits_for_its_periodic_work() -> None:
    def through_the_scheduler(work):  # noqa: ANN001, ANN202
        async def periodic() -> None:
            await run_to_end(work)
        return Scheduler(tick_s=0.01, periodic=[(60, periodic)]).run()

    assert _cancel_while_running(through_the_scheduler) == ["thread ended", "task ended"]


def test_the_result_and_errors_pass_through_when_not_cancelled() -> None:
    assert asyncio.run(run_to_end(lambda a, b: a + b, 2, 3)) == 5

    def fails() -> None:
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        asyncio.run(run_to_end(fails))


def test_the_servers_reminders_run_to_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """The periodic works the server schedules use it (reminders here; maintenance and scoring alike)."""
    reminders = Reminders.__new__(Reminders)

    def call(work):  # noqa: ANN001, ANN202
        monkeypatch.setattr(reminders, "send_once", work)
        return reminders.run_once()

    assert _cancel_while_running(call) == ["thread ended", "task ended"]


def test_many_who_ask_at_once_share_at_most_two_reads_each_begun_after_they_asked() -> None:
    shared, log = SharedRead(), []

    async def read() -> None:
        log.append(("begin", len(asked)))
        await asyncio.sleep(0.05)
        log.append(("end", len(asked)))

    asked: list[int] = []

    async def ask(i: int) -> int:
        asked.append(i)
        await shared.run(read)
        return i

    async def scenario() -> list[int]:
        first = asyncio.create_task(ask(0))
        await asyncio.sleep(0.01)  # the first read runs: the next 63 ask meanwhile
        rest = [asyncio.create_task(ask(i)) for i in range(1, 64)]
        return [await first] + [await task for task in rest]

    assert asyncio.run(scenario()) == list(range(64))
    # two reads: the first for caller 0, the second begun after all 64 had asked
    assert log == [("begin", 1), ("end", 64), ("begin", 64), ("end", 64)]


def test_a_failed_read_fails_those_it_covered_and_the_next_caller_reads_again() -> None:
    shared, calls = SharedRead(), []

    async def read() -> None:
        calls.append(1)
        await asyncio.sleep(0.02)
        if len(calls) <= 2:
            raise OSError("database away")

    async def scenario() -> list[str]:
        first = asyncio.create_task(shared.run(read))
        await asyncio.sleep(0.005)
        waiting = [asyncio.create_task(shared.run(read)) for _ in range(20)]  # covered by the second read
        outcomes = await asyncio.gather(first, *waiting, return_exceptions=True)
        await shared.run(read)  # asked after both failures: a read of its own, which succeeds
        return [type(o).__name__ for o in outcomes]

    assert asyncio.run(scenario()) == ["OSError"] * 21
    assert len(calls) == 3  # not one read per waiting caller


def test_a_call_stuck_past_the_wait_lets_the_cancellation_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "CANCELLED_WAIT_S", 0.1)
    release, returned = threading.Event(), []

    def stuck() -> None:  # a call on a peer that never answers
        release.wait(30)
        returned.append(True)

    async def scenario() -> list[bool]:
        task = asyncio.create_task(run_to_end(stuck))
        await asyncio.sleep(0.05)
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        ended_while_stuck = list(returned)
        release.set()
        return ended_while_stuck

    assert asyncio.run(scenario()) == []  # the task ended with the call still stuck: left behind after the wait
