"""The interfaces between the layers that neither side owns: what a provider offers the collector (endpoints,
quota readings, the provider protocol) and what a source asks to download. Frozen values and protocols only,
so ``fetch`` and ``sources`` both depend on them and never on each other (DESIGN §3, §13)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from matchday.domain.records import ParseResult


@dataclass(frozen=True)
class Download:
    url: str
    cache_path: str  # where the raw body is kept under the cache directory



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
