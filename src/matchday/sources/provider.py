"""What an API provider package offers the collector (DESIGN.md §10): endpoint descriptions and pure parsers.

A provider package (``sources/<provider>/``) knows nothing of HTTP clients, quotas or the database. It says what
can be requested (``Endpoint``), how a response body becomes canonical records (``parse``), how the provider
signals an error inside a 200 answer (``check_body``), and what its rate-limit headers say (``quota_headers``).
``fetch/`` sends the requests and archives the bodies; ``ingest/`` runs jobs and stores what ``parse`` returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from matchday.domain.records import ParseResult


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One request a provider answers: ``path`` may hold ``{placeholders}`` filled from the params."""

    name: str  # stable id used in job files and the raw archive, e.g. "fixtures", "standings"
    path: str  # e.g. "/fixtures" or "/competitions/{competition}/matches"
    params: tuple[str, ...] = ()  # the query (or path) parameters it accepts
    returns: str = "matches"  # what parse() yields: matches | standings | teams | competitions | players | ...
    cost: int = 1  # requests counted against the quota per call
    live: bool = False  # usable by the live poller


@dataclass(frozen=True, slots=True)
class QuotaReading:
    """What a response's headers say about the remaining quota (None: the header was absent)."""

    minute_remaining: int | None = None
    minute_limit: int | None = None
    daily_remaining: int | None = None
    daily_limit: int | None = None
    retry_after_s: float | None = None


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    name: str  # source name, e.g. "api-football"
    description: str
    base_url_setting: str  # the Settings attribute holding the base URL
    auth_header: str | None = None  # e.g. "x-apisports-key"
    key_setting: str | None = None  # the Settings attribute holding the key/token
    scraped: bool = False  # a scraped source: off unless the user enables it
    endpoints: Mapping[str, Endpoint] = field(default_factory=dict)


class Provider(Protocol):
    info: ProviderInfo

    def check_body(self, endpoint: str, status: int, body: bytes) -> None:
        """Raise ``SourceError`` (e.g. ``RateLimited``, ``ProviderError``) when the body reports an error."""

    def quota_headers(self, headers: Mapping[str, str]) -> QuotaReading:
        """The provider's own view of the remaining quota, from a response's headers."""

    def parse(self, endpoint: str, params: Mapping[str, str], body: bytes) -> ParseResult:
        """Pure: one response body (envelope and all) in, canonical records out; ``ParseError`` on bad data."""
