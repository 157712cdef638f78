"""The embedded scheduler: one poll loop per live source inside `matchday serve`/`demo`/`replay`.

Each poll: the source's snapshots → the matches the polling policy says are due → ingest (worker thread,
one transaction) → publish the committed feed events → record the job run. A failed poll is retried after the
policy's delays (scaled to the source's clock) before the next regular poll.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import anyio
import structlog
from sqlalchemy import Engine

from matchday.domain.polling import Decision, PollingPolicy, decide
from matchday.ingest.live import ingest_snapshots, mark_published, pending
from matchday.live.broker import Broker
from matchday.sources.live import LiveSource, ScriptedSource
from matchday.store import jobs

log = structlog.get_logger(__name__)


def load_policy() -> PollingPolicy:
    data = json.loads(resources.files("matchday.data").joinpath("polling.json").read_text("utf-8"))
    data.pop("_comment", None)
    data["retry_delays_s"] = tuple(data["retry_delays_s"])
    return PollingPolicy(**data)


async def publish_pending(engine: Engine, broker: Broker) -> int:
    sent = 0
    while True:
        messages = await anyio.to_thread.run_sync(pending, engine)
        if not messages:
            return sent
        for message in messages:
            await broker.publish(message)
        await anyio.to_thread.run_sync(mark_published, engine, messages[-1]["id"])
        sent += len(messages)


@dataclass
class LiveRunner:
    engine: Engine
    broker: Broker
    source: LiveSource
    policy: PollingPolicy
    speed: float = 1.0  # provider seconds per real second (the policy's intervals are provider time)

    def _flag_overdue(self, snapshots: list) -> None:
        now = self.source.clock.now() if isinstance(self.source, ScriptedSource) else datetime.now(UTC)
        for snap in snapshots:
            if decide(self.policy, snap.status, snap.kickoff_utc, None, now.replace(tzinfo=None)) is Decision.FLAG:
                log.warning("match not final long after kick-off: flagged for attention", source=self.source.name,
                            home=snap.home.name, away=snap.away.name, kickoff=str(snap.kickoff_utc))

    async def poll_once(self) -> int:
        run_id, started = await anyio.to_thread.run_sync(jobs.start, self.engine, f"live:{self.source.name}")
        delays = [d / self.speed for d in self.policy.retry_delays_s]
        for attempt in range(len(delays) + 1):
            try:
                snapshots = self.source.poll()
                self._flag_overdue(snapshots)
                result = await anyio.to_thread.run_sync(ingest_snapshots, self.engine, self.source.name, snapshots)
                await publish_pending(self.engine, self.broker)
                await anyio.to_thread.run_sync(jobs.finish, self.engine, run_id, started, "ok",
                                               result.matches_seen)
                return result.events
            except Exception as exc:  # noqa: BLE001 - any failure of a poll is retried, then recorded
                log.warning("live poll failed", source=self.source.name, attempt=attempt + 1, error=repr(exc))
                if attempt == len(delays):
                    await anyio.to_thread.run_sync(jobs.finish, self.engine, run_id, started, "failed", 0, repr(exc))
                    return 0
                await asyncio.sleep(delays[attempt])
        return 0

    async def run(self, stop: asyncio.Event | None = None) -> None:
        while True:
            await self.poll_once()
            if isinstance(self.source, ScriptedSource) and self.source.finished:
                await self.poll_once()  # the final whistle of the last match
                log.info("live source finished", source=self.source.name)
                return
            if stop is not None and stop.is_set():
                return
            await asyncio.sleep(self.source.interval_s)
