"""Prometheus figures of the whole deployment, read at scrape time: job runs by status (the store) and the
Celery queue's depth (Redis). Every API process reports the same values."""

from __future__ import annotations

from collections.abc import Iterator

import structlog
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

from matchday.store.schema import job_runs

log = structlog.get_logger(__name__)


class StackMetrics(Collector):
    def __init__(self, engine: Engine, redis_url: str | None, queue: str) -> None:
        self.engine, self.queue = engine, queue
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)

    def describe(self) -> list:
        """Nothing: the registry then does not collect (query the store) at registration."""
        return []

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        runs = CounterMetricFamily("matchday_job_runs", "Job runs recorded, by job and final status (running, ok, "
                                   "failed, retried, skipped)", labels=["job", "status"])
        try:
            with self.engine.connect() as conn:
                for job, status, count in conn.execute(select(job_runs.c.job, job_runs.c.status, func.count())
                                                       .group_by(job_runs.c.job, job_runs.c.status)):
                    runs.add_metric([job, status], count)
        except Exception as exc:  # noqa: BLE001 - a scrape must answer; the error is logged
            log.warning("job run metrics unavailable", error=repr(exc))
        yield runs
        if self._redis is None:
            return
        depth = GaugeMetricFamily("matchday_queue_depth", "Celery tasks waiting in the queue", labels=["queue"])
        try:
            depth.add_metric([self.queue], self._redis.llen(self.queue))
        except Exception as exc:  # noqa: BLE001
            log.warning("queue depth unavailable", error=repr(exc))
        yield depth
