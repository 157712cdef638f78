"""One HTTP client for every API provider: quota, breaker, retries, then the raw archive, in that order.

For each attempt: the quota is asked first (a request is never sent when the known remaining quota is zero, or
when the day's remainder is below the job priority's threshold); the endpoint's breaker lets it through or fails
fast; the response is archived (every body, errors too) before anything else looks at it; the provider's headers
correct the quota; then the status and body decide: 2xx with a clean body is returned, 429/5xx/timeouts/connection
errors are retried (tenacity: exponential backoff with jitter, ``Retry-After`` honoured), other 4xx and error
bodies are not. The transport is the one seam tests replace (or point ``base_url`` at a local fake provider).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
import pybreaker
import structlog
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from matchday.domain.interfaces import Endpoint, Provider, QuotaReading
from matchday.errors import CircuitOpen, ConfigError, FetchError, NotFound, RateLimited, SourceError
from matchday.fetch import redirects
from matchday.fetch.breaker import Breakers, EndpointFailure
from matchday.fetch.quota import Priority, QuotaGuard
from matchday.settings import Settings

log = structlog.get_logger(__name__)

#: headers never archived (credentials, cookies), whatever the provider
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-apisports-key", "x-rapidapi-key",
                            "x-auth-token", "proxy-authorization"})
SECRET_PARAMS = ("key", "token", "apikey", "api_key", "secret", "password")


@dataclass(frozen=True)
class FetchResult:
    response_id: int
    status: int
    body: bytes
    attempts: int


class _Retry(Exception):
    def __init__(self, error: FetchError, retry_after_s: float | None = None) -> None:
        self.error, self.retry_after_s = error, retry_after_s
        super().__init__(str(error))


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            return None


def build_request(endpoint: Endpoint, params: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The endpoint's path with its ``{placeholders}`` filled, and the remaining params as the query."""
    values = {k: str(v) for k, v in params.items() if v is not None}
    path, query = endpoint.path, {}
    for name, value in values.items():
        token = "{" + name + "}"
        if token in path:
            path = path.replace(token, value)
        else:
            query[name] = value
    if "{" in path:
        raise ConfigError(f"endpoint {endpoint.name}: parameters missing for {path}")
    return path, query


class Archive(Protocol):
    """Where every response is kept (``store.raw_archive.StoreArchive``): handed in, so ``fetch`` knows no store."""

    def archive(self, provider: str, endpoint: str, params: Mapping[str, Any], url: str, status: int,
                headers: Mapping[str, str], body: bytes, job_run_id: int | None, parse_status: str) -> int: ...

    def mark(self, response_id: int, parse_status: str, error: str | None = None) -> None: ...

    def last_headers(self, provider: str, since: datetime) -> tuple[dict[str, str], datetime] | None: ...


class ProviderClient:
    def __init__(self, settings: Settings, archive: Archive, providers: Mapping[str, Provider], quota: QuotaGuard,
                 breakers: Breakers, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings, self.archive, self.providers = settings, archive, dict(providers)
        self.quota, self.breakers, self.sleep = quota, breakers, sleep
        auth_headers = frozenset(p.info.auth_header for p in self.providers.values() if p.info.auth_header)
        self.http = httpx.Client(timeout=settings.http_timeout_s, transport=transport, follow_redirects=True,
                                 headers={"User-Agent": settings.http_user_agent, "Accept": "application/json"},
                                 event_hooks={"request": [redirects.guard(auth_headers)]})

        if not quota.shared:
            self._restore_quota_readings()

    def _restore_quota_readings(self) -> None:
        """Without Redis, each process starts from the provider's last word on its quota, kept with its time in
        the raw archive: a "remaining: 0" of today (of the last minute, for the per-minute window) still holds."""
        now = datetime.now(UTC).replace(tzinfo=None)
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        for name, provider in self.providers.items():
            last = self.archive.last_headers(name, day_start)
            if last is None:
                continue
            headers, fetched_at = last
            reading = provider.quota_headers(headers)
            if (now - fetched_at).total_seconds() >= 60:  # its per-minute window has passed since
                reading = replace(reading, minute_remaining=None, retry_after_s=None)
            self.quota.correct(name, reading)

    def close(self) -> None:
        self.http.close()

    def provider(self, name: str) -> Provider:
        if name not in self.providers:
            raise NotFound(f"unknown provider {name!r}; available: {', '.join(sorted(self.providers))}")
        return self.providers[name]

    def base_url(self, name: str) -> str:
        return str(getattr(self.settings, self.provider(name).info.base_url_setting)).rstrip("/")

    def _auth(self, name: str) -> dict[str, str]:
        info = self.provider(name).info
        if not info.auth_header or not info.key_setting:
            return {}
        key = getattr(self.settings, info.key_setting, None)
        if not key:
            raise ConfigError(f"{name} needs a key: set MATCHDAY_{info.key_setting.upper()}")
        return {info.auth_header: key}

    def request(self, provider_name: str, endpoint_name: str, params: Mapping[str, Any],
                priority: Priority = Priority.MEDIUM, job_run_id: int | None = None) -> FetchResult:
        provider = self.provider(provider_name)
        endpoint = provider.info.endpoints.get(endpoint_name)
        if endpoint is None:
            raise NotFound(f"{provider_name} has no endpoint {endpoint_name!r}; "
                           f"known: {', '.join(sorted(provider.info.endpoints))}")
        path, query = build_request(endpoint, params)
        url = self.base_url(provider_name) + path
        stored_params = {k: v for k, v in params.items() if k.lower() not in SECRET_PARAMS}
        shown_url = url + ("?" + urlencode(query) if query else "")
        auth = self._auth(provider_name)
        attempts = 0

        def attempt() -> FetchResult:
            nonlocal attempts
            self.quota.acquire(provider_name, priority, endpoint.cost, max_wait_s=self.settings.quota_wait_max_s)
            attempts += 1
            try:
                response_id, response = self.breakers.call(
                    provider_name, endpoint_name, lambda: self._send(provider, endpoint_name, url, shown_url, query,
                                                                     auth, stored_params, job_run_id))
            except pybreaker.CircuitBreakerError:
                raise CircuitOpen(f"{provider_name} {endpoint_name}: circuit open after repeated failures; "
                                  f"not called") from None
            except EndpointFailure as exc:
                raise _Retry(FetchError(str(exc)), exc.retry_after_s) from None
            return self._judge(provider, endpoint_name, shown_url, response_id, response, attempts)

        retrying = Retrying(retry=retry_if_exception_type(_Retry),
                            stop=stop_after_attempt(max(1, self.settings.http_retries)),
                            wait=self._wait, sleep=self.sleep, reraise=True)
        try:
            return retrying(attempt)
        except _Retry as exc:
            raise type(exc.error)(f"{exc.error} (after {attempts} attempts)") from None

    def _send(self, provider: Provider, endpoint_name: str, url: str, shown_url: str, query: dict[str, str],
              auth: dict[str, str], stored_params: dict[str, Any],
              job_run_id: int | None) -> tuple[int, httpx.Response]:
        name = provider.info.name
        try:
            response = self._get_bounded(name, endpoint_name, url, query, auth)
        except httpx.TimeoutException as exc:
            raise EndpointFailure(f"{name} {endpoint_name}: timeout ({exc.__class__.__name__})") from None
        except httpx.TransportError as exc:
            raise EndpointFailure(f"{name} {endpoint_name}: {exc.__class__.__name__}: {exc}") from None
        headers = {k: v for k, v in response.headers.items() if k.lower() not in SECRET_HEADERS
                   and k.lower() != (provider.info.auth_header or "").lower()}
        failed = response.status_code >= 500 or response.status_code == 429
        response_id = self.archive.archive(name, endpoint_name, stored_params, shown_url, response.status_code,
                                           headers, response.content, job_run_id,
                                           "error" if response.status_code >= 400 else "pending")
        reading = provider.quota_headers(response.headers)
        self.quota.correct(name, reading)
        if failed and response.status_code != 429:
            raise EndpointFailure(f"{name} {endpoint_name}: HTTP {response.status_code}",
                                  retry_after_seconds(response.headers.get("retry-after")), response.status_code)
        return response_id, response

    def max_bytes(self, provider_name: str) -> int:
        caps = self.settings.provider_max_bytes
        return int(caps.get(provider_name, caps.get("*", 20_000_000)))

    def _get_bounded(self, name: str, endpoint_name: str, url: str, query: dict[str, str],
                     auth: dict[str, str]) -> httpx.Response:
        """The answer read in chunks: refused past the provider's byte cap, given up past the exchange deadline
        (a body dripping a byte at a time never holds a job for minutes)."""
        cap, deadline = self.max_bytes(name), time.monotonic() + self.settings.provider_deadline_s
        with self.http.stream("GET", url, params=query, headers=auth,
                              extensions=redirects.origin_extension(url)) as streamed:
            declared = streamed.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise FetchError(f"{name} {endpoint_name}: the answer is {int(declared):,} bytes, over the "
                                 f"{cap:,}-byte cap (MATCHDAY_PROVIDER_MAX_BYTES); not read")
            chunks, size = [], 0
            for chunk in streamed.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise FetchError(f"{name} {endpoint_name}: the answer is over the {cap:,}-byte cap "
                                     f"(MATCHDAY_PROVIDER_MAX_BYTES); not read further")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"the whole answer took over {self.settings.provider_deadline_s:g} s "
                                            f"(MATCHDAY_PROVIDER_DEADLINE_S)")
                chunks.append(chunk)
        headers = [(k, v) for k, v in streamed.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]  # body decoded
        return httpx.Response(streamed.status_code, headers=headers, content=b"".join(chunks),
                              request=streamed.request)

    def _judge(self, provider: Provider, endpoint_name: str, shown_url: str, response_id: int,
               response: httpx.Response, attempts: int) -> FetchResult:
        name, status = provider.info.name, response.status_code
        if status == 429:
            reading = provider.quota_headers(response.headers)
            wait = retry_after_seconds(response.headers.get("retry-after")) or reading.retry_after_s
            raise _Retry(RateLimited(f"{name} {endpoint_name}: HTTP 429"), wait)
        if status >= 400:
            raise FetchError(f"{name} {endpoint_name}: HTTP {status} for {shown_url}")  # never retried
        try:
            provider.check_body(endpoint_name, status, response.content)
        except RateLimited as exc:
            self.archive.mark(response_id, "error", str(exc))
            raise _Retry(RateLimited(str(exc)), provider.quota_headers(response.headers).retry_after_s) from None
        except SourceError as exc:
            self.archive.mark(response_id, "error", str(exc))
            raise
        return FetchResult(response_id, status, response.content, attempts)

    def read_plan(self, provider_name: str) -> QuotaReading | None:
        """Ask the provider for the account's own plan and the day's requests (API-Football's ``/status``, which
        its quota does not count) and correct the quota with it, so the first real request already knows the
        plan. None when the provider has no such endpoint or no key is set; a failure is logged, never raised."""
        provider = self.provider(provider_name)
        reader = getattr(provider, "status_reading", None)
        info = provider.info
        if reader is None or "status" not in info.endpoints or (info.key_setting and
                                                                 not getattr(self.settings, info.key_setting, None)):
            return None
        try:
            result = self.request(provider_name, "status", {}, Priority.CRITICAL)
            reading = reader(result.body)
        except (SourceError, FetchError, ConfigError) as exc:
            log.warning("provider plan not read", provider=provider_name, error=str(exc))
            return None
        configured = self.quota.plans.get(provider_name)
        if configured is not None and configured.daily_limit and reading.daily_limit is not None \
                and configured.daily_limit > reading.daily_limit:  # the plan in providers.yaml is not the account's
            log.warning("configured plan exceeds the account's: its remaining requests are what counts",
                        provider=provider_name, configured_daily_limit=configured.daily_limit,
                        account_daily_limit=reading.daily_limit)
        self.quota.correct(provider_name, reading)
        log.info("provider plan read", provider=provider_name, daily_limit=reading.daily_limit,
                 daily_remaining=reading.daily_remaining)
        return reading

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        ceiling = self.settings.http_backoff_max_s
        if isinstance(exc, _Retry) and exc.retry_after_s is not None:
            return min(exc.retry_after_s, ceiling)
        return wait_random_exponential(multiplier=self.settings.http_backoff_s, max=ceiling)(state)

    def fetcher(self, provider_name: str, priority: Priority = Priority.CRITICAL,
                on_fetch: Callable[[FetchResult], None] | None = None) -> Callable[[str, Mapping[str, Any]], bytes]:
        """``fetch(endpoint_name, params) -> bytes`` for a live source: the same quota, breaker, retries, archive."""

        def fetch(endpoint_name: str, params: Mapping[str, Any]) -> bytes:
            result = self.request(provider_name, endpoint_name, params, priority)
            if on_fetch is not None:
                on_fetch(result)
            return result.body

        return fetch
