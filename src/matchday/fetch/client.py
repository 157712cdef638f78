"""Download provider files through one httpx client with retries (tenacity) into the on-disk cache.

Every body is kept as received, with its request URL, status and headers beside it (``.meta.json``), so a
record can be traced to the bytes it came from and a re-load needs no network.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from matchday.errors import FetchError, RateLimited
from matchday.settings import Settings
from matchday.sources.base import Download


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in (429, 500, 502, 503, 504)
    return isinstance(exc, httpx.TransportError)


def make_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    return httpx.Client(timeout=settings.http_timeout_s, follow_redirects=True, transport=transport,
                        headers={"User-Agent": settings.http_user_agent})


def fetch(client: httpx.Client, url: str, attempts: int) -> httpx.Response:
    @retry(retry=retry_if_exception(_retryable), stop=stop_after_attempt(max(attempts, 1)),
           wait=wait_exponential(multiplier=0.5, max=10), reraise=True)
    def _get() -> httpx.Response:
        response = client.get(url)
        response.raise_for_status()
        return response

    try:
        return _get()
    except httpx.HTTPStatusError as exc:
        error = RateLimited if exc.response.status_code == 429 else FetchError
        raise error(f"{url}: HTTP {exc.response.status_code}") from None
    except httpx.TransportError as exc:
        raise FetchError(f"{url}: {exc.__class__.__name__}: {exc}") from None


def download_all(downloads: Sequence[Download], settings: Settings, client: httpx.Client | None = None,
                 refresh: bool = False) -> list[Path]:
    """Local paths of the downloads, fetching only what the cache does not hold (or everything with refresh)."""
    own_client = client is None
    client = client or make_client(settings)
    paths = []
    try:
        for item in downloads:
            target = settings.cache_dir / item.cache_path
            if refresh or not target.exists():
                response = fetch(client, item.url, settings.http_retries)
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".part")
                partial.write_bytes(response.content)
                partial.replace(target)  # never leave a half-written file under the final name
                target.with_name(target.name + ".meta.json").write_text(json.dumps({
                    "url": item.url, "status": response.status_code, "headers": dict(response.headers),
                    "fetched_at": datetime.now(UTC).isoformat(),
                }, indent=1))
            paths.append(target)
    finally:
        if own_client:
            client.close()
    return paths
