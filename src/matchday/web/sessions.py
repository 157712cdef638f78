"""Cookie sessions for the pages: the session cookie (HttpOnly, SameSite=Lax, Secure outside development)
carries a "web" token of a server-side session (revocable like any other); a CSRF seed cookie and the token
derived from it (``csrf_token``) protect every form and every fetch that changes something.

``CsrfSeedMiddleware`` gives each browser its CSRF seed on its first page; the templates read the signed-in user
(``web_user``) and the CSRF token through Jinja globals.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matchday.accounts import tokens
from matchday.accounts.deps import CSRF_COOKIE, SESSION_COOKIE, AccountsState, authenticate_request, check_csrf
from matchday.accounts.users import User
from matchday.errors import MatchdayError
from matchday.web import i18n

SKIP = ("/api/", "/static/", "/ws", "/health", "/metrics", "/docs", "/openapi.json", "/redoc", "/favicon.ico")


class CsrfSeedMiddleware:
    def __init__(self, app: ASGIApp, secure: bool) -> None:
        self.app, self.secure = app, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIP):
            await self.app(scope, receive, send)
            return
        cookies = SimpleCookie()
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                cookies.load(value.decode("latin-1"))
        if CSRF_COOKIE in cookies:
            await self.app(scope, receive, send)
            return
        seed = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf_seed"] = seed
        flags = "; Secure" if self.secure else ""
        header = f"{CSRF_COOKIE}={seed}; Path=/; HttpOnly; SameSite=Lax{flags}".encode()

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"set-cookie", header))
            await send(message)

        await self.app(scope, receive, with_cookie)


def csrf_seed(request: Request) -> str:
    return request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf_seed", "")


def csrf_token(request: Request) -> str:
    seed = csrf_seed(request)
    state = request.app.state.accounts
    return state.csrf_token(seed, state.cookie_session_id(request)) if seed else ""


def web_user(request: Request) -> User | None:
    """The signed-in user of a page request (None: anonymous, or a session that ended)."""
    try:
        auth = authenticate_request(request)
    except MatchdayError:
        return None
    return auth.user if auth else None


def request_locale(request: Request) -> str:
    """The page's language: the signed-in user's, else the picker's cookie, else Accept-Language, else English."""
    user = web_user(request)
    return i18n.choose_locale(user.language if user else None, request.cookies.get(i18n.COOKIE),
                              request.headers.get("accept-language"))


def use_locale(request: Request) -> str:
    """Speak the request's language from here on (for what a handler renders before its template: the charts)."""
    locale = getattr(request.state, "locale", None) or request_locale(request)
    request.state.locale = locale
    i18n.activate(locale)
    return locale


def verify_form(request: Request, form: Any) -> None:
    check_csrf(request, request.app.state.accounts, form.get("csrf_token"))


def sign_in(response: Response, state: AccountsState, user_id: int, session_id: str) -> None:
    token, _ = tokens.issue(state.settings.secret_key, "web", user_id, session_id, state.lifetimes.session)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(state.lifetimes.session.total_seconds()), path="/",
                        httponly=True, samesite="lax", secure=not state.settings.development)


def sign_out(response: Response, state: AccountsState) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=not state.settings.development)


def ws_token(state: AccountsState, user_id: int, session_id: str) -> str:
    """A short-lived access token for the pages' WebSocket (private channels), bound to the page's session."""
    token, _ = tokens.issue(state.settings.secret_key, "access", user_id, session_id, timedelta(minutes=15))
    return token
