"""Credentials never leave their origin: a redirect to another origin is followed without them.

httpx drops ``Authorization`` on such a redirect, but not the providers' own key headers (``x-apisports-key``,
``X-Auth-Token`` ...). Every request a client sends, redirects included, passes through ``guard``: a request
marked with the origin it was made for (``origin_extension``) that has been redirected elsewhere loses every
credential header and its ``Cookie``. Same host from http to https keeps them (the upgrade reveals nothing).
"""

from __future__ import annotations

import httpx
import structlog

log = structlog.get_logger(__name__)

#: request headers that carry a credential, whatever the provider
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-apisports-key",
                                "x-rapidapi-key", "x-auth-token", "x-api-key"})
_ORIGIN = "matchday_origin"


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def origin_extension(url: str) -> dict[str, object]:
    """The ``extensions`` of a request to ``url``: its redirects know where its credentials belong."""
    return {_ORIGIN: _origin(httpx.URL(url))}


def guard(extra_headers: frozenset[str] = frozenset()) -> object:
    """An httpx ``request`` event hook dropping credentials from a request that left its origin."""
    secret = CREDENTIAL_HEADERS | {name.lower() for name in extra_headers}

    def hook(request: httpx.Request) -> None:
        home = request.extensions.get(_ORIGIN)
        if home is None:
            return
        here = _origin(request.url)
        upgraded = home[0] == "http" and here[0] == "https" and home[1] == here[1] and here[2] in (None, 443) \
            and home[2] in (None, 80)
        if here == home or upgraded:
            return
        dropped = [name for name in request.headers if name.lower() in secret]
        for name in dropped:
            del request.headers[name]
        if dropped:
            log.warning("redirect_to_another_origin", to=f"{here[0]}://{here[1]}", credentials_dropped=dropped)

    return hook
