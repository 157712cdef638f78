"""A live source's poll loop inside `matchday serve`/`demo`/`replay` (and the state live-loop jobs keep).

Every ``interval_s`` the runner asks the polling policy (domain.polling) which watched matches are due, by the
source's clock: nothing due, nothing fetched. Due matches are fetched and ingested (``poll_step``: the one poll
step, shared with live-loop jobs; worker thread, one transaction), the process's publisher is asked to deliver the
change stream, and the job run recorded. Discovery (which matches the source covers)
runs at start and every ``discovery_interval_s``. A failed fetch is retried after the policy's delays (scaled to
the source's clock) before the next regular poll; every attempt stamps ``last_checked_at``. A match still not
final hours after kick-off is flagged for attention (``matchday status``) and no longer polled.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources

import structlog
from sqlalchemy import Engine

from matchday.domain.polling import Decision, PollingPolicy, decide
from matchday.domain.records import MatchRecord
from matchday.ingest.live import ingest_snapshots
from matchday.sources.live import LiveSource, ScriptedSource
from matchday.store import jobs
from matchday.store.live_watch import flag_for_attention, mark_checked, watched_states
from matchday.threads import run_to_end

log = structlog.get_logger(__name__)


def load_policy() -> PollingPolicy:
    data = json.loads(resources.files("matchday.data").joinpath("polling.json").read_text("utf-8"))
    data.pop("_comment", None)
    data["retry_delays_s"] = tuple(data["retry_delays_s"])
    return PollingPolicy(**data)


@dataclass
class LiveRunner:
    engine: Engine
    publish: Callable[[], Awaitable[int]] | None  # the process's publisher (None: whoever calls publishes)
    source: LiveSource
    policy: PollingPolicy
    speed: float = 1.0  # provider seconds per real second (the policy's intervals are provider time)
    watched: dict[int, str] = field(default_factory=dict)  # match id → the source's key for it
    discovered_at: datetime | None = None

    def due(self, now: datetime) -> list[str] | None:
        """The keys to fetch now; None means discovery (ask the source for everything it covers)."""
        if self.discovered_at is None or (now - self.discovered_at).total_seconds() >= self.policy.discovery_interval_s:
            return None
        keys = []
        for match in watched_states(self.engine, self.watched):
            decision = decide(self.policy, match.status, match.period, match.kickoff_utc, match.last_checked_at, now)
            if decision is Decision.POLL:
                keys.append(self.watched[match.match_id])
            elif decision is Decision.DONE:
                del self.watched[match.match_id]
            elif decision is Decision.FLAG:
                del self.watched[match.match_id]
                if match.attention is None:
                    reason = (f"not final {self.policy.flag_after_hours:g} h after kick-off "
                              f"(status {match.status}); no longer polled")
                    flag_for_attention(self.engine, match.match_id, reason)
                    log.warning("match flagged for attention", source=self.source.name, match_id=match.match_id,
                                reason=reason)
        return keys

    async def poll_once(self, discover: bool = False) -> int:
        """One look at what is due, and a fetch if anything is; returns the feed events published."""
        now = self.source.now()
        keys = None if discover else await run_to_end(self.due, now)
        if keys == []:
            return 0
        run_id, started = await run_to_end(jobs.start, self.engine, f"live:{self.source.name}")
        delays = [d / self.speed for d in self.policy.retry_delays_s]
        for attempt in range(len(delays) + 1):
            try:
                snapshots, events = await run_to_end(self.poll_step, now, keys)
                if self.publish is not None:
                    await self.publish()
                await run_to_end(jobs.finish, self.engine, run_id, started, "ok", len(snapshots))
                return events
            except Exception as exc:  # noqa: BLE001 - any failure of a poll is retried, then recorded
                log.warning("live poll failed", source=self.source.name, attempt=attempt + 1, error=repr(exc))
                if attempt == len(delays):
                    await run_to_end(jobs.finish, self.engine, run_id, started, "failed", 0, repr(exc))
                    return 0
                await asyncio.sleep(delays[attempt])
        return 0

    def poll_step(self, now: datetime, keys: list[str] | None) -> tuple[list[MatchRecord], int]:
        """Fetch and ingest the due matches ``keys`` (None: discovery) by the source's clock ``now``: (the
        snapshots, how many feed events were committed to the outbox). The one poll step: the loop above and
        live-loop jobs (``ingest.collector``) both take it. A failed fetch still stamps the matches checked."""
        try:
            snapshots = self.source.poll(keys)
        except Exception:
            mark_checked(self.engine, [m for m, key in self.watched.items() if keys is None or key in keys], now)
            raise
        result = ingest_snapshots(self.engine, self.source.name, list(snapshots.values()), now)
        self.watched.update(zip(result.match_ids, snapshots, strict=True))
        if keys is None:
            self.discovered_at = now
        return list(snapshots.values()), result.events

    async def run(self, stop: asyncio.Event | None = None) -> None:
        while True:
            await self.poll_once()
            if isinstance(self.source, ScriptedSource) and self.source.finished:
                await self.poll_once(discover=True)  # every final whistle, due or not
                log.info("live source finished", source=self.source.name)
                return
            if stop is not None and stop.is_set():
                return
            await asyncio.sleep(self.source.interval_s)
