"""API-Football v3 (api-sports.io): fixtures, live scores, events, lineups, statistics, players, standings,
top scorers, teams, leagues and odds. Auth header ``x-apisports-key``.

Every answer is an envelope ``{"get", "parameters", "errors", "results", "paging", "response"}``; an answer
with a non-empty ``errors`` (even with HTTP 200) is an error, never data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import structlog

from matchday.domain.records import MatchRecord, ParseResult
from matchday.errors import PrioritySkipped, ProviderError, QuotaExhausted, RateLimited, UnreadableFile
from matchday.sources.api_football import spec
from matchday.sources.api_football.details import (
    parse_fixture_part,
    parse_leagues,
    parse_odds,
    parse_standings,
    parse_teams,
    parse_topscorers,
)
from matchday.sources.api_football.parser import parse_fixtures
from matchday.sources.api_football.reference import parse_reference, status_reading
from matchday.sources.provider import ProviderInfo, QuotaReading
from matchday.sources.providerkit import ProviderSource, load_json, name_hints, shape_checked

log = structlog.get_logger(__name__)

REFERENCE_ENDPOINTS = frozenset({"countries", "venues", "players", "players/squads", "injuries", "fixtures/rounds",
                                 "status"})

INFO = ProviderInfo(
    name=spec.PROVIDER,
    description="API-Football v3 (api-sports.io): fixtures, live, events, lineups, statistics, standings, odds",
    base_url_setting="api_football_base_url", auth_header=spec.AUTH_HEADER, key_setting="api_football_key",
    endpoints=spec.ENDPOINTS,
)


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _errors_of(doc: Any) -> Any:
    """The error part of a decoded body, or None for a clean answer."""
    if isinstance(doc, dict):
        errors = doc.get("errors")
        if errors:  # [] and {} mean no error
            return errors
        if "response" not in doc and "message" in doc:  # {"message": "Too many requests ..."}, no envelope
            return {"message": doc["message"]}
    return None


class ApiFootball:
    info = INFO

    def check_body(self, endpoint: str, status: int, body: bytes) -> None:
        try:
            doc = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return  # not JSON: parse() reports it as unreadable
        self.check_doc(endpoint, doc)

    def check_doc(self, endpoint: str, doc: Any) -> None:
        """``check_body`` on an already decoded body (parse decodes once)."""
        errors = _errors_of(doc)
        if errors is None:
            return
        keys = set(errors) if isinstance(errors, dict) else set()
        text = json.dumps(errors, ensure_ascii=False)
        if keys & spec.RATE_LIMIT_ERROR_KEYS or "too many requests" in text.lower():
            raise RateLimited(f"{spec.PROVIDER} ({endpoint}): {text}")
        raise ProviderError(spec.PROVIDER, errors, endpoint)

    def quota_headers(self, headers: Mapping[str, str]) -> QuotaReading:
        lower = {k.lower(): v for k, v in headers.items()}
        return QuotaReading(
            minute_remaining=_int_header(lower, "x-ratelimit-remaining"),
            minute_limit=_int_header(lower, "x-ratelimit-limit"),
            daily_remaining=_int_header(lower, "x-ratelimit-requests-remaining"),
            daily_limit=_int_header(lower, "x-ratelimit-requests-limit"),
            retry_after_s=float(lower["retry-after"]) if lower.get("retry-after", "").isdigit() else None,
        )

    def status_reading(self, body: bytes) -> QuotaReading:
        """The account's day from a ``/status`` answer (read at start: the first request knows the plan)."""
        doc = load_json(spec.PROVIDER, body, "status")
        self.check_doc("status", doc)
        return status_reading(doc.get("response") if isinstance(doc, dict) else doc)

    @shape_checked
    def parse(self, endpoint: str, params: Mapping[str, str], body: bytes) -> ParseResult:
        doc = load_json(spec.PROVIDER, body, endpoint)
        self.check_doc(endpoint, doc)
        if isinstance(doc, dict):
            if "response" not in doc:
                raise UnreadableFile(endpoint, f"{spec.PROVIDER}: not an API-Football answer (no 'response')")
            echoed = doc.get("parameters") if isinstance(doc.get("parameters"), dict) else {}
            params = {**{k: str(v) for k, v in echoed.items()}, **params}
            response = doc["response"]
        else:
            response = doc  # the unwrapped ``response`` array
        if endpoint in REFERENCE_ENDPOINTS:
            return parse_reference(endpoint, params, response)
        if not isinstance(response, list):
            raise UnreadableFile(endpoint, f"{spec.PROVIDER}: 'response' is not a list")
        if endpoint == "fixtures":
            return parse_fixtures(response)
        if endpoint in ("fixtures/events", "fixtures/lineups", "fixtures/statistics", "fixtures/players"):
            return parse_fixture_part(endpoint, params, response)
        if endpoint == "standings":
            return parse_standings(response)
        if endpoint == "players/topscorers":
            return parse_topscorers(response)
        if endpoint == "teams":
            return parse_teams(response)
        if endpoint == "leagues":
            return parse_leagues(response)
        if endpoint == "odds":
            return parse_odds(response)
        if endpoint == "leagues/seasons":
            if not all(isinstance(year, int) for year in response):
                raise UnreadableFile(endpoint, f"{spec.PROVIDER}: seasons are not years")
            return ParseResult(rows_read=len(response))  # a list of years: nothing to store
        raise UnreadableFile(endpoint, f"{spec.PROVIDER}: no parser for endpoint {endpoint!r}")


PROVIDER = ApiFootball()


def infer(stem: str, body: bytes) -> tuple[str, dict[str, str]]:
    """Endpoint and parameters of a saved answer: the envelope's ``get`` and ``parameters`` (what the provider
    answered), else the file name, else the shape. The envelope wins over the file name: one recorded file is
    named for fixture 1149523 but holds (and echoes) fixture 592872."""
    named_endpoint, named = name_hints(stem)
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return named_endpoint, named
    if isinstance(doc, dict) and isinstance(doc.get("get"), str):
        echoed = doc.get("parameters") if isinstance(doc.get("parameters"), dict) else {}
        return doc["get"], {**named, **{k: str(v) for k, v in echoed.items()}}
    if named_endpoint in spec.ENDPOINTS:
        return named_endpoint, named
    response = doc if isinstance(doc, list) else (doc.get("response") if isinstance(doc, dict) else None)
    first = response[0] if isinstance(response, list) and response else None
    if isinstance(first, dict) and "fixture" in first and "teams" in first:
        return "fixtures", named
    if isinstance(first, dict) and "league" in first and "standings" in (first.get("league") or {}):
        return "standings", named
    return named_endpoint, named


SOURCE = ProviderSource(PROVIDER, infer, "API-Football v3 saved answers (envelope or the bare response array)")

Fetch = Callable[[str, Mapping[str, str]], bytes]
IDS_PER_REQUEST = 20  # the provider's limit for ``fixtures?ids=``


class ApiFootballLive:
    """The live source, shaped by what a plan allows: every poll is one ``fixtures?live=all`` (it carries every
    live fixture's score, status and events), kept to ``tracked_leagues`` when set; ``fixtures?ids=`` (20 per
    request) only for due fixtures that answer lacks (just finished, or not yet started), so a final whistle is
    still seen. With ``tracked_leagues`` and ``detail_fetch`` (at LOW priority) the tracked fixtures' line-ups and
    statistics come by ``ids=`` every ``detail_every`` polls, and are skipped when the quota keeps that priority
    out. ``fetch(endpoint, params) -> body`` is the collector's client (quotas, retries, breaker, archive)."""

    name = spec.PROVIDER

    def __init__(self, fetch: Fetch, interval_s: float = 15.0,
                 clock: Callable[[], datetime] | None = None,
                 tracked_leagues: Collection[int | str] | None = None,
                 detail_fetch: Fetch | None = None, detail_every: int = 4) -> None:
        self.fetch = fetch
        self.interval_s = interval_s
        self._clock = clock
        # a live job's filters.tracked_leagues: only these leagues' fixtures are kept (and so polled)
        self.tracked = None if tracked_leagues is None else {str(x) for x in tracked_leagues}
        self.detail_fetch, self.detail_every = detail_fetch, max(1, detail_every)
        self._polls = 0

    def now(self) -> datetime:
        return self._clock() if self._clock else datetime.now(UTC).replace(tzinfo=None)

    def _records(self, params: Mapping[str, str], fetch: Fetch | None = None) -> list[MatchRecord]:
        parsed = PROVIDER.parse("fixtures", params, (fetch or self.fetch)("fixtures", params))
        for problem in parsed.problems:
            log.warning("live fixture not understood", source=self.name, field=problem.field, reason=problem.reason)
        if self.tracked is None:
            return parsed.matches
        return [m for m in parsed.matches if m.competition.source_key in self.tracked]

    def _by_ids(self, keys: Collection[str], fetch: Fetch | None = None) -> dict[str, MatchRecord]:
        wanted, found = sorted(keys), {}
        for start in range(0, len(wanted), IDS_PER_REQUEST):
            batch = wanted[start:start + IDS_PER_REQUEST]
            found.update({m.source_key: m for m in self._records({"ids": "-".join(batch)}, fetch)
                          if m.source_key in batch})
        return found

    def poll(self, keys: Collection[str] | None) -> dict[str, MatchRecord]:
        live = {m.source_key: m for m in self._records({"live": "all"}) if m.source_key}
        if keys is None:
            return live
        self._polls += 1
        found = {key: record for key, record in live.items() if key in keys}
        missing = set(keys) - set(found)  # finished since the last answer, or not started yet
        if missing:
            found.update(self._by_ids(missing))
        if self.tracked is not None and self.detail_fetch is not None and self._polls % self.detail_every == 0 \
                and found:
            found.update(self._details(found))
        return found

    def _details(self, found: Mapping[str, MatchRecord]) -> dict[str, MatchRecord]:
        """Line-ups and statistics of the fixtures in play, at the detail priority; none when it is kept out."""
        try:
            return self._by_ids(found, self.detail_fetch)
        except (PrioritySkipped, QuotaExhausted) as exc:
            log.info("live details skipped: the quota keeps them for later", source=self.name, reason=str(exc))
            return {}


ApiFootball.live_source = ApiFootballLive  # declared: the collector finds a connector's live source here, nowhere else
