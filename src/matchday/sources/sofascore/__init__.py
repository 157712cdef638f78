"""SofaScore api/v1: event, incidents, statistics, lineups, live events, tournament standings.

A scraped source (``scraped=True``): SofaScore offers no public API and its terms do not allow automated
collection; since 2025 plain HTTP clients get ``403 Forbidden`` from its edge. matchday parses saved answers
(``matchday load sofascore``) and, only when the user enables it explicitly at their own responsibility, polls
politely (see the README). Saved answers may be the bare body or a capturer's envelope: ``{"url", "status",
"body"}`` or ``{"source_endpoint", "http_status", "fetched_at_utc", "event"}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import structlog

from matchday.domain.records import MatchRecord, ParseResult, RowProblem
from matchday.errors import ConfigError, ParseError, ProviderError, RateLimited, UnreadableFile
from matchday.sources.provider import ProviderInfo, QuotaReading
from matchday.sources.providerkit import ProviderSource, as_dict, load_json, shape_checked, utc_datetime
from matchday.sources.sofascore import parser, spec

log = structlog.get_logger(__name__)

INFO = ProviderInfo(name=spec.PROVIDER, description="SofaScore (scraped, off by default): events, incidents, "
                    "statistics, lineups, live events, standings", base_url_setting="sofascore_base_url",
                    scraped=True, endpoints=spec.ENDPOINTS)
_PATHS = [(re.compile(r"/event/(\d+)/(incidents|statistics|lineups)$"), "event/{1}"),
          (re.compile(r"/event/(\d+)$"), "event"), (re.compile(r"/sport/football/events/live$"), "events/live"),
          (re.compile(r"/unique-tournament/(\d+)/season/(\d+)/standings/total$"), "standings")]


def endpoint_of_path(path: str) -> tuple[str, dict[str, str]] | None:
    path = path.split("?")[0].rstrip("/")
    for pattern, name in _PATHS:
        found = pattern.search(path)
        if found:
            if name == "standings":
                return name, {"tournament": found.group(1), "season": found.group(2)}
            endpoint = name.replace("{1}", found.group(2)) if "{1}" in name else name
            return endpoint, ({"event": found.group(1)} if name.startswith("event") else {})
    return None


def unwrap(doc: Any) -> tuple[Any, dict[str, Any]]:
    """(the provider's body, what the capturer's envelope says about it: endpoint path, fetched at, status)."""
    if isinstance(doc, dict) and "body" in doc and ("url" in doc or "status" in doc):
        return doc["body"], {"path": doc.get("url"), "fetched_at": doc.get("fetched_at_utc"),
                             "status": doc.get("status")}
    if isinstance(doc, dict) and "source_endpoint" in doc and "event" in doc:
        return {"event": doc["event"]}, {"path": doc.get("source_endpoint"), "fetched_at": doc.get("fetched_at_utc"),
                                         "status": doc.get("http_status")}
    return doc, {}


class SofaScore:
    info = INFO

    def check_body(self, endpoint: str, status: int, body: bytes) -> None:
        try:
            raw = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return
        self.check_doc(endpoint, raw)

    def check_doc(self, endpoint: str, raw: Any) -> None:
        doc, envelope = unwrap(raw)
        error = doc.get("error") if isinstance(doc, dict) else None
        if isinstance(error, dict) or (envelope.get("status") or 200) >= 400:
            code = (error or {}).get("code") or envelope.get("status")
            if code == 429:
                raise RateLimited(f"{spec.PROVIDER} ({endpoint}): {error}")
            raise ProviderError(spec.PROVIDER, error or {"status": code}, endpoint)

    def quota_headers(self, headers: Mapping[str, str]) -> QuotaReading:
        lower = {k.lower(): v for k, v in headers.items()}
        retry = lower.get("retry-after", "")
        return QuotaReading(retry_after_s=float(retry) if retry.isdigit() and int(retry) > 0 else None)

    @shape_checked
    def parse(self, endpoint: str, params: Mapping[str, str], body: bytes) -> ParseResult:
        raw = load_json(spec.PROVIDER, body, endpoint)
        self.check_doc(endpoint, raw)
        doc, envelope = unwrap(raw)
        if not isinstance(doc, dict):
            raise UnreadableFile(endpoint, f"{spec.PROVIDER}: expected a JSON object")
        fetched = params.get("fetched_at") or envelope.get("fetched_at")
        fetched_at = utc_datetime(spec.PROVIDER, "fetched_at", fetched) if fetched else None
        key = params.get("event") or ""
        if endpoint == "event":
            return ParseResult(matches=[parser.event(as_dict(spec.PROVIDER, "event", doc.get("event")), {},
                                                     fetched_at)], rows_read=1)
        if endpoint == "events/live":
            return _live_events(doc, fetched_at)
        if endpoint in ("event/incidents", "event/statistics", "event/lineups") and not key:
            raise ParseError(spec.PROVIDER, "event", None, "a per-event answer without its event id")
        if endpoint == "event/incidents":
            return parser.incidents(key, doc)
        if endpoint == "event/statistics":
            return parser.statistics(key, doc)
        if endpoint == "event/lineups":
            return parser.lineups(key, doc)
        if endpoint == "standings":
            return parser.standings(doc)
        raise UnreadableFile(endpoint, f"{spec.PROVIDER}: no parser for endpoint {endpoint!r}")


def _live_events(doc: dict, fetched_at: datetime | None) -> ParseResult:
    result, refs = ParseResult(), {}
    for index, raw in enumerate(doc.get("events") or [], start=1):
        result.rows_read += 1
        try:
            result.matches.append(parser.event(as_dict(spec.PROVIDER, "events[]", raw), refs, fetched_at))
        except ParseError as exc:
            result.problems.append(RowProblem(index, exc.field, f"event {raw.get('id')}: {exc}",
                                              json.dumps(raw, ensure_ascii=False)[:2000]))
    return result


PROVIDER = SofaScore()


def infer(stem: str, body: bytes) -> tuple[str, dict[str, str]]:
    """The envelope's URL names the endpoint; a bare body is told by its shape."""
    try:
        doc, envelope = unwrap(json.loads(body))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "", {}
    if envelope.get("path"):
        found = endpoint_of_path(str(envelope["path"]))
        if found:
            return found
    found_id = re.search(r"event-(\d+)", stem)
    params = {"event": found_id.group(1)} if found_id else {}
    if isinstance(doc, dict):
        for key, endpoint in (("incidents", "event/incidents"), ("statistics", "event/statistics"),
                              ("standings", "standings"), ("events", "events/live"), ("event", "event")):
            if key in doc:
                if endpoint == "event" and isinstance(doc["event"], dict):
                    params = {"event": str(doc["event"].get("id"))}
                return endpoint, params
        if "home" in doc and "away" in doc and "players" in (doc.get("home") or {}):
            return "event/lineups", params
    return "", params


SOURCE = ProviderSource(PROVIDER, infer, "SofaScore saved answers (bare or in a capturer's envelope)")

Fetch = Callable[[str, Mapping[str, str]], bytes]


class SofaScoreLive:
    """The live source: ``/sport/football/events/live`` for discovery and for every match still live, then
    ``/event/{id}`` for a watched match that left the live list (to see its final whistle). Refuses to start
    unless ``allow_scraping`` is given: SofaScore's terms forbid automated collection."""

    name = spec.PROVIDER

    def __init__(self, fetch: Fetch, *, allow_scraping: bool = False,
                 interval_s: float = spec.POLITE_MIN_INTERVAL_S, clock: Callable[[], datetime] | None = None) -> None:
        if not allow_scraping:
            raise ConfigError("SofaScore is a scraped source, off by default: enable it explicitly, at your own "
                              "responsibility (see the README, 'What each provider gives')")
        self.fetch = fetch
        self.interval_s = max(interval_s, spec.POLITE_MIN_INTERVAL_S)
        self._clock = clock

    def now(self) -> datetime:
        return self._clock() if self._clock else datetime.now(UTC).replace(tzinfo=None)

    def poll(self, keys: Collection[str] | None) -> dict[str, MatchRecord]:
        asked_at = self.now().isoformat()
        parsed = PROVIDER.parse("events/live", {"fetched_at": asked_at}, self.fetch("events/live", {}))
        for problem in parsed.problems:
            log.warning("live event not understood", source=self.name, field=problem.field, reason=problem.reason)
        found = {m.source_key: m for m in parsed.matches if m.source_key and (keys is None or m.source_key in keys)}
        for key in sorted(set(keys or ()) - set(found)):
            body = self.fetch("event", {"event": key})
            found.update({m.source_key: m for m in PROVIDER.parse("event", {"event": key, "fetched_at": asked_at},
                                                                  body).matches if m.source_key})
        return found


SofaScore.live_source = SofaScoreLive  # declared: the collector finds a connector's live source here, nowhere else
