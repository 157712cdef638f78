"""Download provider files through one httpx client with retries (tenacity) into the on-disk cache.

Every body is kept as received, with its request URL, status and headers beside it (``.meta.json``), so a
record can be traced to the bytes it came from and a re-load needs no network. A cached file is reused only for
the URL it was fetched from (the meta file says which); ``--refresh`` asks again with the cached ETag and
Last-Modified, and a 304 keeps the cached bytes. Each download is bounded: a few redirects, a size cap, and a
deadline over all its attempts, so a redirect loop or a server that never answers ends in a clear error.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from tenacity import retry, retry_if_exception, stop_after_attempt, stop_after_delay, wait_exponential

from matchday.domain.interfaces import Download
from matchday.errors import FetchError, RateLimited
from matchday.fetch import redirects
from matchday.settings import Settings

MAX_REDIRECTS = 5
_SAFE_PART = re.compile(r"[^A-Za-z0-9._-]+")


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in (429, 500, 502, 503, 504)
    return isinstance(exc, httpx.TransportError)


def make_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    timeout = httpx.Timeout(settings.http_timeout_s, connect=min(settings.http_timeout_s, 10.0))
    return httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS, transport=transport,
                        headers={"User-Agent": settings.http_user_agent},
                        event_hooks={"request": [redirects.guard()]})  # credentials never follow to another origin


def url_cache_path(source: str, url: str) -> str:
    """Where a file named by URL is cached: host and path kept (parsers read season/league from the path),
    plus a digest of the full URL, so ``.../a/E0.csv`` and ``.../b/E0.csv`` never share a file."""
    parts = urlsplit(url)
    segments = [_SAFE_PART.sub("_", s) for s in parts.path.split("/") if s not in ("", ".", "..")] or ["index"]
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return "/".join([source, "url", _SAFE_PART.sub("_", parts.netloc) or "local", digest, *segments])


def _read_limited(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url}: the body is larger than {max_bytes:,} bytes (MATCHDAY_MAX_INPUT_BYTES)")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch(client: httpx.Client, url: str, attempts: int, *, deadline_s: float = 60.0,
          headers: dict[str, str] | None = None, max_bytes: int = 100_000_000) -> tuple[httpx.Response, bytes]:
    """The response and its body; FetchError (RateLimited) with a one-line reason on any failure."""
    started = time.monotonic()

    @retry(retry=retry_if_exception(_retryable), stop=stop_after_attempt(max(attempts, 1)) | stop_after_delay(
        deadline_s), wait=wait_exponential(multiplier=0.5, max=10), reraise=True)
    def _get() -> tuple[httpx.Response, bytes]:
        left = deadline_s - (time.monotonic() - started)
        if left <= 0:
            raise httpx.ReadTimeout("deadline reached before another attempt")
        timeout = httpx.Timeout(min(client.timeout.read or left, left), connect=min(client.timeout.connect or left,
                                                                                   left))
        with client.stream("GET", url, headers=headers, timeout=timeout,
                           extensions=redirects.origin_extension(url)) as response:
            if response.status_code != 304:
                response.raise_for_status()
            return response, _read_limited(response, url, max_bytes)

    try:
        return _get()
    except httpx.HTTPStatusError as exc:
        error = RateLimited if exc.response.status_code == 429 else FetchError
        raise error(f"{url}: HTTP {exc.response.status_code}") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except httpx.TimeoutException:
        raise FetchError(f"{url}: no answer within {time.monotonic() - started:.0f} s "
                         f"(MATCHDAY_HTTP_TIMEOUT_S, MATCHDAY_HTTP_DEADLINE_S)") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {exc.__class__.__name__}: {exc}"[:300]) from None


def _meta_path(target: Path) -> Path:
    return target.with_name(target.name + ".meta.json")


def _cached_meta(target: Path, url: str) -> dict | None:
    """The meta of a cached body fetched from exactly this URL, else None (absent, foreign, damaged)."""
    if not target.is_file():
        return None
    try:
        meta = json.loads(_meta_path(target).read_text())
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("url") == url else None


def _validators(meta: dict) -> dict[str, str]:
    headers = {k.lower(): v for k, v in (meta.get("headers") or {}).items()}
    found = {}
    if headers.get("etag"):
        found["If-None-Match"] = headers["etag"]
    if headers.get("last-modified"):
        found["If-Modified-Since"] = headers["last-modified"]
    return found


def download_all(downloads: Sequence[Download], settings: Settings, client: httpx.Client | None = None,
                 refresh: bool = False) -> list[Path]:
    """Local paths of the downloads, fetching only what the cache does not hold for that URL; with refresh, a
    conditional request for each (304: the cached body stays)."""
    own_client = client is None
    client = client or make_client(settings)
    paths = []
    try:
        for item in downloads:
            target = settings.cache_dir / item.cache_path
            meta = _cached_meta(target, item.url)
            if meta is None or refresh:
                headers = _validators(meta) if meta is not None else None
                response, body = fetch(client, item.url, settings.http_retries, deadline_s=settings.http_deadline_s,
                                       headers=headers, max_bytes=settings.max_input_bytes)
                if response.status_code != 304:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    partial = target.with_name(target.name + ".part")
                    partial.write_bytes(body)
                    partial.replace(target)  # never leave a half-written file under the final name
                    _meta_path(target).write_text(json.dumps({
                        "url": item.url, "status": response.status_code, "headers": dict(response.headers),
                        "fetched_at": datetime.now(UTC).isoformat(),
                    }, indent=1))
            paths.append(target)
    finally:
        if own_client:
            client.close()
    return paths
