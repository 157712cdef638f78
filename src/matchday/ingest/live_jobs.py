"""Live-loop jobs: a provider's live source driving the live pipeline (ingest.live_runner, ingest.live).

The source is the connector's own when it offers one (``provider.live_source(fetch, params)``); otherwise any
provider whose endpoint is ``live`` becomes one here: each poll fetches the endpoint through the collector's client
and parses it with the provider's pure parser. Either way the source fetches with the injected
``fetch(endpoint_name, params) -> bytes``, so quota, breaker, retries and the archive apply.

One poll is a plain synchronous step (``LiveRunner.poll_step``), so the embedded scheduler, ``matchday jobs run`` and a
Celery task all run it the same way; the feed events it commits are published by whoever holds the broker.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from matchday.domain.records import MatchRecord
from matchday.ingest.live_runner import LiveRunner, load_policy
from matchday.sources.live import LiveSource
from matchday.sources.provider import Provider

Fetch = Callable[[str, Mapping[str, Any]], bytes]


def match_key(record: MatchRecord) -> str:
    """The provider's id of a match when the parser gave one, else kick-off date and teams."""
    if getattr(record, "source_key", None):
        return str(record.source_key)
    for name in ("external_id", "source_key", "fixture_id", "event_id", "id"):
        value = record.attributes.get(name)
        if value is not None:
            return str(value)
    home, away = record.home.source_key or record.home.name, record.away.source_key or record.away.name
    return f"{record.match_date}|{home}|{away}"


class ProviderLiveSource:
    """A live source over any provider endpoint that lists the matches in play (a scoreboard, ``live=all``)."""

    def __init__(self, provider: Provider, endpoint: str, params: Mapping[str, Any], fetch: Fetch,
                 interval_s: float, clock: Callable[[], datetime] | None = None) -> None:
        self.provider, self.endpoint, self.params, self.fetch = provider, endpoint, dict(params), fetch
        self.name = provider.info.name
        self.interval_s = interval_s
        self.clock = clock

    def now(self) -> datetime:
        return self.clock() if self.clock else datetime.now(UTC).replace(tzinfo=None)

    def poll(self, keys: Collection[str] | None) -> dict[str, MatchRecord]:
        body = self.fetch(self.endpoint, self.params)
        parsed = self.provider.parse(self.endpoint, self.params, body)
        found = {match_key(m): m for m in parsed.matches}
        return found if keys is None else {k: m for k, m in found.items() if k in keys}


def connector_live_class(provider: Provider) -> type | None:
    """The connector's own live source, as it declares it (``live_source``, e.g. ``ApiFootballLive``); None: the
    generic one over its ``live`` endpoint."""
    factory = getattr(provider, "live_source", None)
    return factory if isinstance(factory, type) else None


def make_live_source(provider: Provider, endpoint: str, params: Mapping[str, Any], fetch: Fetch, interval_s: float,
                     clock: Callable[[], datetime] | None = None, allow_scraping: bool = False,
                     tracked_leagues: Collection[int | str] | None = None,
                     detail_fetch: Fetch | None = None) -> LiveSource:
    """The connector's live source when it has one (given the fetch, the interval, the clock, the job's params it
    names, its tracked leagues and a fetch at the detail priority, where it takes them), else a generic one
    polling ``endpoint``."""
    cls = connector_live_class(provider)
    if cls is None:
        return ProviderLiveSource(provider, endpoint, params, fetch, interval_s, clock)
    accepted = inspect.signature(cls).parameters
    offered: dict[str, Any] = {**params, "interval_s": interval_s, "clock": clock, "endpoint": endpoint,
                               "allow_scraping": allow_scraping, "tracked_leagues": tracked_leagues,
                               "detail_fetch": detail_fetch}
    if "league" in params:  # a source following several leagues (ESPN) takes them as a list
        offered.setdefault("leagues", [p.strip() for p in str(params["league"]).split(",") if p.strip()])
    kwargs = {k: v for k, v in offered.items() if k in accepted and k != "fetch"}
    return cls(fetch, **kwargs)


def new_runner(engine: Any, source: LiveSource, discovery_s: float | None = None,
               live_interval_s: float | None = None) -> LiveRunner:
    """A runner under the packaged polling policy (a job may shorten its discovery and live intervals)."""
    policy = load_policy()
    if discovery_s is not None:
        policy = replace(policy, discovery_interval_s=discovery_s)
    if live_interval_s is not None:
        policy = replace(policy, live_interval_s=live_interval_s)
    return LiveRunner(engine, None, source, policy)  # the process's publisher delivers what it commits
