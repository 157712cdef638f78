"""One login, for the API and the web pages alike: limited per address and per address and account
(``ratelimit.AttemptLimiter``), then the password checked and a session opened."""

from __future__ import annotations

from sqlalchemy import Engine

from matchday.accounts import sessions, users
from matchday.accounts.ratelimit import AttemptLimiter
from matchday.errors import Unauthorized


def log_in(engine: Engine, limiter: AttemptLimiter, lifetimes: sessions.Lifetimes, login: str, password: str,
           address: str, user_agent: str | None) -> tuple[users.User, sessions.TokenPair]:
    with engine.connect() as conn:
        account = users.account_key(conn, login)
    limiter.login_attempt(address, account)
    try:
        with engine.begin() as conn:
            user = users.authenticate(conn, login, password)
            pair = sessions.open_session(conn, lifetimes, user, user_agent, address)
    except Unauthorized:
        limiter.login_failed(address, account)
        raise
    limiter.login_succeeded(address, account)
    return user, pair
