"""Accounts: register, login, refresh (rotation), logout, me, profile, password, sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request, Response

from matchday.accounts import sessions, users
from matchday.accounts.deps import Accounts, CurrentUser, client_address
from matchday.accounts.login import log_in
from matchday.api.account_schemas import (
    MeOut,
    PasswordIn,
    ProfileIn,
    RefreshIn,
    RegisterIn,
    SessionOut,
    TokensOut,
    UserOut,
)
from matchday.api.schemas import ErrorBody

router = APIRouter(tags=["accounts"])
AUTH_ERRORS = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}}


def _tokens(pair: sessions.TokenPair) -> TokensOut:
    return TokensOut(access_token=pair.access_token, refresh_token=pair.refresh_token)


@router.post("/auth/register", response_model=UserOut, status_code=201,
             responses={400: {"model": ErrorBody}, 429: {"model": ErrorBody}})
def register(body: RegisterIn, request: Request, background: BackgroundTasks, accounts: Accounts) -> UserOut:
    """Create an account. 400: email or username taken (case-insensitively); 422: invalid email or weak
    password (the rule is named). With an SMTP server configured, a verification link goes to the address."""
    accounts.limiter.hit("register", f"ip:{client_address(request)}", f"account:{body.email.strip().lower()}",
                         f"account:{body.username.strip().lower()}")
    with accounts.engine.begin() as conn:
        user = users.register(conn, body.email, body.username, body.password)
    if accounts.recovery.mailer.configured:
        background.add_task(accounts.recovery.send,
                            accounts.recovery.request_verification(user, accounts.base_url(request)))
    return UserOut(**user.public())


@router.post("/auth/login", response_model=TokensOut, responses={**AUTH_ERRORS, 429: {"model": ErrorBody}})
def login(username: Annotated[str, Form(min_length=1, max_length=254, description="Username or email.")],
          password: Annotated[str, Form(min_length=1, max_length=128)],
          request: Request, accounts: Accounts) -> TokensOut:
    """Form fields ``username`` (a username or an email) and ``password``. 401 with one message whether or not
    the account exists; 403 for a deactivated account; 429 after too many attempts from the address, or too many
    failures on this account from this address (the owner's correct password from another address still works)."""
    _user, pair = log_in(accounts.engine, accounts.limiter, accounts.lifetimes, username, password,
                         client_address(request), request.headers.get("user-agent"))
    return _tokens(pair)


@router.post("/auth/refresh", response_model=TokensOut, responses=AUTH_ERRORS)
def refresh(body: RefreshIn, accounts: Accounts) -> TokensOut:
    """Exchange a refresh token for a new pair; each works once, and reusing one ends its session."""
    try:
        with accounts.engine.begin() as conn:
            return _tokens(sessions.refresh(conn, accounts.lifetimes, body.refresh_token))
    except sessions.TokenReused as exc:
        with accounts.engine.begin() as conn:
            sessions.revoke(conn, exc.session_id, "refresh token reused")
        raise


@router.post("/auth/logout", status_code=204, responses=AUTH_ERRORS)
def logout(auth: CurrentUser, accounts: Accounts) -> Response:
    """End this session: its refresh tokens and access tokens stop working."""
    with accounts.engine.begin() as conn:
        sessions.revoke(conn, auth.session_id, "logout")
    return Response(status_code=204)


@router.get("/auth/me", response_model=MeOut, responses=AUTH_ERRORS)
def me(auth: CurrentUser) -> MeOut:
    return MeOut(**auth.user.public())


@router.patch("/users/me", response_model=MeOut, responses=AUTH_ERRORS)
def update_me(body: ProfileIn, auth: CurrentUser, accounts: Accounts) -> MeOut:
    """Change ``full_name``, ``timezone`` (IANA, used for the times the pages show) or ``language``."""
    with accounts.engine.begin() as conn:
        user = users.update_profile(conn, auth.user.id, body.model_dump(exclude_unset=True))
    return MeOut(**user.public())


@router.post("/users/me/password", status_code=204, responses=AUTH_ERRORS)
def change_password(body: PasswordIn, auth: CurrentUser, accounts: Accounts) -> Response:
    """Change the password; every other session of the account ends."""
    with accounts.engine.begin() as conn:
        users.change_password(conn, auth.user.id, body.current_password, body.new_password)
        sessions.revoke_others(conn, auth.user.id, auth.session_id, "password changed")
    return Response(status_code=204)


@router.get("/users/me/sessions", response_model=list[SessionOut], responses=AUTH_ERRORS)
def list_sessions(auth: CurrentUser, accounts: Accounts) -> list[SessionOut]:
    with accounts.engine.connect() as conn:
        return [SessionOut(**s) for s in sessions.list_sessions(conn, auth.user.id, auth.session_id)]


@router.delete("/users/me/sessions/{session_id}", status_code=204,
               responses={**AUTH_ERRORS, 404: {"model": ErrorBody}})
def revoke_session(session_id: str, auth: CurrentUser, accounts: Accounts) -> Response:
    with accounts.engine.begin() as conn:
        sessions.revoke_own(conn, auth.user.id, session_id[:64])
    return Response(status_code=204)
