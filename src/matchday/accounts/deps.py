"""FastAPI dependencies for users: who is asking (bearer token, or the web pages' session cookie).

``optional_user`` answers None for an anonymous request; ``current_user`` demands a user (401) and
``admin_user`` an admin (403).

A cookie is a credential the browser sends by itself, so a request authenticated by the cookie with an
unsafe method must carry the CSRF token (header ``X-CSRF-Token`` or form field ``csrf_token``) matching it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from matchday.accounts import passwords, sessions, tokens
from matchday.accounts.ratelimit import AttemptLimiter
from matchday.accounts.recovery import Recovery
from matchday.accounts.sessions import Lifetimes
from matchday.accounts.users import User
from matchday.errors import Forbidden, MatchdayError, Unauthorized
from matchday.settings import Settings

SESSION_COOKIE = "matchday_session"
CSRF_COOKIE = "matchday_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class AccountsState:
    engine: Engine
    settings: Settings
    lifetimes: Lifetimes
    limiter: AttemptLimiter
    recovery: Recovery

    @classmethod
    def create(cls, settings: Settings, engine: Engine) -> AccountsState:
        lifetimes = Lifetimes(settings.secret_key, timedelta(minutes=settings.access_token_minutes),
                              timedelta(days=settings.refresh_token_days))
        passwords.dummy_hash()  # an unknown user's first login then takes as long as any other
        limiter = AttemptLimiter(settings.redis_url, settings.login_rate_limit, settings.register_rate_limit,
                                 settings.login_address_rate_limit, settings.password_reset_rate_limit)
        return cls(engine, settings, lifetimes, limiter, Recovery.create(settings, engine, limiter))

    def base_url(self, request: Request) -> str:
        """Where links in emails point: MATCHDAY_PUBLIC_URL, else the address this request came in on."""
        return (self.settings.public_url or str(request.base_url)).rstrip("/")

    def csrf_token(self, seed: str, session_id: str = "") -> str:
        """The CSRF token for a browser's CSRF cookie value and its session (HMAC over both: a cookie and token
        planted by a sibling domain, even ones it got from us for its own session, never match the victim's
        session, whose id only the victim's HttpOnly session cookie holds)."""
        return hmac.new(self.settings.secret_key.encode(), f"csrf:{seed}:{session_id}".encode(),
                        hashlib.sha256).hexdigest()

    def cookie_session_id(self, request: Request) -> str:
        """The session id the request's session cookie carries ("" without a valid one): what CSRF tokens bind."""
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return ""
        try:
            return tokens.decode(self.settings.secret_key, token, "web").session_id
        except MatchdayError:
            return ""


@dataclass(frozen=True)
class Authenticated:
    user: User
    session_id: str
    via_cookie: bool

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin


def accounts_state(request: Request) -> AccountsState:
    return request.app.state.accounts


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def check_csrf(request: Request, state: AccountsState, submitted: str | None) -> None:
    seed = request.cookies.get(CSRF_COOKIE)
    expected = state.csrf_token(seed, state.cookie_session_id(request)) if seed else ""
    if not seed or not submitted or not hmac.compare_digest(expected, submitted):
        raise Forbidden("missing or wrong CSRF token")
    request.state.csrf_checked = True  # a page form's token (or the header) proves the cookie's request


def authenticate_request(request: Request) -> Authenticated | None:
    """Who sent the request (None: anonymous); raises Unauthorized for a bad or revoked credential."""
    cached = getattr(request.state, "authenticated", False)
    if cached is not False:
        return cached
    state = accounts_state(request)
    token, kind = _bearer(request), "access"
    if token is None and request.cookies.get(SESSION_COOKIE):
        token, kind = request.cookies[SESSION_COOKIE], "web"
    result = None
    if token is not None:
        with state.engine.connect() as conn:
            user, session_id = sessions.authenticate_token(conn, state.settings.secret_key, token, kind)
        result = Authenticated(user, session_id, via_cookie=kind == "web")
        if result.via_cookie and request.method not in SAFE_METHODS and not getattr(request.state, "csrf_checked",
                                                                                     False):
            check_csrf(request, state, request.headers.get("x-csrf-token"))
    request.state.authenticated = result
    return result


def optional_user(request: Request) -> Authenticated | None:
    return authenticate_request(request)


def current_user(request: Request) -> Authenticated:
    auth = authenticate_request(request)
    if auth is None:
        raise Unauthorized("sign in first: send Authorization: Bearer <access token>")
    return auth


def admin_user(request: Request) -> Authenticated:
    auth = current_user(request)
    if not auth.is_admin:
        raise Forbidden("admin users only")
    return auth


OptionalUser = Annotated[Authenticated | None, Depends(optional_user)]
CurrentUser = Annotated[Authenticated, Depends(current_user)]
AdminUser = Annotated[Authenticated, Depends(admin_user)]
Accounts = Annotated[AccountsState, Depends(accounts_state)]
