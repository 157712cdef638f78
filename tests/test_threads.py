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
from matchday.threads import run_to_end


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
