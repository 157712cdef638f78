"""Prometheus gauges of the collector, read at scrape time: coverage (MART), job states, quota, breakers.

Coverage and job state come from the store, so every server process reports the same figures; quota and
breakers are this process's collector's (shared ones when Redis is configured).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import structlog
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine

log = structlog.get_logger(__name__)
STATUS_VALUE = {"ok": 0, "warning": 1, "critical": 2}
BREAKER_VALUE = {"closed": 0, "half-open": 1, "open": 2}


class CollectorMetrics(Collector):
    def __init__(self, engine: Engine, collector: Callable[[], Any | None]) -> None:
        self.engine, self.collector = engine, collector

    def describe(self) -> list:
        """Nothing: the registry then does not collect (query the store) at registration."""
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from matchday.ingest import coverage
        from matchday.store import job_registry

        labels = ["job_id", "competition", "season", "endpoint"]
        status = GaugeMetricFamily("matchday_coverage_status", "Coverage status: 0 ok, 1 warning, 2 critical",
                                   labels=labels)
        count = GaugeMetricFamily("matchday_coverage_count", "Records held", labels=labels)
        target = GaugeMetricFamily("matchday_coverage_target", "Records wanted (min_count)", labels=labels)
        lag = GaugeMetricFamily("matchday_coverage_lag_minutes", "Minutes since the job last succeeded",
                                labels=labels)
        complete = GaugeMetricFamily("matchday_coverage_completeness", "Share of required fields present",
                                     labels=labels)
        failures = GaugeMetricFamily("matchday_job_failures", "Failed runs in a row", labels=["job_id"])
        skipped = GaugeMetricFamily("matchday_job_skipped", "Runs skipped for quota (priority floors)",
                                    labels=["job_id"])
        try:
            targets = {}
            current = self.collector()
            if current is not None:
                targets = {j.job_id: j.coverage_target for j in current.registry.jobs.values() if j.coverage_target}
            for row in coverage.report(self.engine, targets):
                values = [row["job_id"], row["competition"], row["season"], row["endpoint"]]
                status.add_metric(values, STATUS_VALUE[row["status"]])
                count.add_metric(values, row["count"])
                if row["min_count"] is not None:
                    target.add_metric(values, row["min_count"])
                if row["lag_minutes"] is not None:
                    lag.add_metric(values, row["lag_minutes"])
                if row["completeness"] is not None:
                    complete.add_metric(values, row["completeness"])
            for job_id, state in job_registry.states(self.engine).items():
                failures.add_metric([job_id], state["failures"])
                skipped.add_metric([job_id], state["skipped"])
        except Exception as exc:  # noqa: BLE001 - a scrape must answer; the error is logged
            log.warning("collector metrics unavailable", error=repr(exc))
        yield from (status, count, target, lag, complete, failures, skipped)
        current = self.collector()
        if current is None:
            return
        remaining = GaugeMetricFamily("matchday_quota_remaining", "Requests left", labels=["provider", "window"])
        limit = GaugeMetricFamily("matchday_quota_limit", "Requests allowed", labels=["provider", "window"])
        breaker = GaugeMetricFamily("matchday_breaker_state", "Circuit breaker: 0 closed, 1 half-open, 2 open",
                                    labels=["provider", "endpoint"])
        for row in current.quota_report():
            for window in ("daily", "minute"):
                if row[f"{window}_remaining"] is not None:
                    remaining.add_metric([row["provider"], window], row[f"{window}_remaining"])
                if row[f"{window}_limit"] is not None:
                    limit.add_metric([row["provider"], window], row[f"{window}_limit"])
            for b in row["breakers"]:
                breaker.add_metric([b["provider"], b["endpoint"]], BREAKER_VALUE.get(b["state"], 2))
        yield from (remaining, limit, breaker)
