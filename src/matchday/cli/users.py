"""`matchday users`: accounts from the terminal (create an admin, print a password-reset link)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from matchday.accounts import users
from matchday.accounts.store import users_engine
from matchday.cli.common import app, console, fail, store_engine
from matchday.errors import MatchdayError
from matchday.settings import get_settings

users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


@users_app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Argument(help="The admin's username.")],
    email: Annotated[str, typer.Argument(help="The admin's email address.")],
) -> None:
    """Create an admin user (the password is prompted, or read from the first line of standard input).
    An existing account with this username becomes an admin after its password is checked."""
    password = _read_password()
    engine = users_engine(get_settings(), store_engine())
    try:
        with engine.begin() as conn:
            try:
                user = users.register(conn, email, username, password, role="admin")
                action = "created"
            except MatchdayError as exc:
                if "taken" not in str(exc) and "registered" not in str(exc):
                    raise
                user = users.authenticate(conn, username, password)
                users.set_role(conn, user.id, "admin")
                action = "promoted"
    except MatchdayError as exc:
        fail(exc)
    console.print(f"admin user [bold]{user.username}[/] (id {user.id}) {action}")


@users_app.command("reset-link")
def reset_link(
    login: Annotated[str, typer.Argument(help="The account's username or email.")],
) -> None:
    """Print a password-reset link for an account (works once, for MATCHDAY_PASSWORD_RESET_MINUTES): for a server
    without an SMTP server, the administrator passes it on. Using it ends the account's sessions."""
    from matchday.accounts.ratelimit import AttemptLimiter
    from matchday.accounts.recovery import Recovery

    settings = get_settings()
    engine = users_engine(settings, store_engine())
    recovery = Recovery.create(settings, engine, AttemptLimiter(None, "1/second", "1/second"))
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    try:
        link = recovery.reset_link(login, base)
    except MatchdayError as exc:
        fail(exc)
    console.print(link, soft_wrap=True, highlight=False)
