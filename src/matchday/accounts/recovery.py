"""Password reset and email verification by email, for the API and the pages alike.

- ``request_reset``: for a known, active account, a reset link (``/reset-password?token=``) goes to its address;
  for an unknown one nothing happens. The caller answers the same either way and sends the mail after the answer
  (no user enumeration, by the answer or by its timing). Counted per address and per email typed.
- ``reset_password``: the link's token (once, unexpired) and a new password that passes the strength rules; every
  session of the account ends (refresh tokens and access tokens stop working); the address counts as verified.
- ``request_verification`` / ``verify_email``: the same for ``/verify-email?token=`` links.
Without an SMTP server the requests raise MailNotConfigured (503); ``reset_link`` (the CLI) prints a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy import Engine

from matchday.accounts import email_links, sessions, users
from matchday.accounts.mail import Mailer
from matchday.accounts.ratelimit import AttemptLimiter
from matchday.errors import BadRequest, MailNotConfigured
from matchday.settings import Settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """An email to send after the answer went out."""

    to: str
    subject: str
    text: str


@dataclass(frozen=True)
class Recovery:
    engine: Engine
    mailer: Mailer
    limiter: AttemptLimiter
    reset_lifetime: timedelta
    verify_lifetime: timedelta

    @classmethod
    def create(cls, settings: Settings, engine: Engine, limiter: AttemptLimiter) -> Recovery:
        return cls(engine, Mailer.from_settings(settings), limiter, timedelta(minutes=settings.password_reset_minutes),
                   timedelta(hours=settings.email_verify_hours))

    def require_mail(self) -> None:
        if not self.mailer.configured:
            raise MailNotConfigured("email is not configured on this server (MATCHDAY_SMTP_HOST), so no reset "
                                    "link can be sent; ask its administrator: `matchday users reset-link USER` "
                                    "prints one")

    def request_reset(self, email: str, address: str, base_url: str) -> Outgoing | None:
        """The reset email for ``email``'s account, or None when there is no such active account."""
        self.require_mail()
        self.limiter.hit("password-reset", f"ip:{address}", f"email:{email.strip().lower()[:254]}")
        with self.engine.begin() as conn:
            user = users.by_email(conn, email)
            if user is None or not user.is_active:
                return None
            token = email_links.issue(conn, user.id, "reset", user.email, self.reset_lifetime)
        minutes = int(self.reset_lifetime.total_seconds() // 60)
        return Outgoing(user.email, "Reset your matchday password", (
            f"Hello {user.username},\n\nsomeone (hopefully you) asked to reset the password of your matchday "
            f"account. Choose a new one here (the link works once, for {minutes} minutes):\n\n"
            f"{base_url.rstrip('/')}/reset-password?token={token}\n\n"
            "If you did not ask, ignore this email: your password stays as it is.\n"))

    def reset_link(self, login: str, base_url: str) -> str:
        """A reset link for an account named by username or email (the CLI, when no email can be sent)."""
        with self.engine.begin() as conn:
            user_id = users.account_key(conn, login)
            if not user_id.startswith("user:"):
                raise BadRequest(f"no account {login!r}")
            user = users.get(conn, int(user_id[5:]))
            token = email_links.issue(conn, user.id, "reset", user.email, self.reset_lifetime)
        return f"{base_url.rstrip('/')}/reset-password?token={token}"

    def reset_password(self, token: str, new_password: str, address: str) -> users.User:
        """Set a new password with a reset link's token; every session of the account ends."""
        self.limiter.hit("login", f"ip:{address}")  # guesses count like login attempts
        with self.engine.begin() as conn:  # one transaction: a refused password leaves the link usable
            user_id, email = email_links.consume(conn, token, "reset")
            users.set_password(conn, user_id, new_password)
            ended = sessions.revoke_others(conn, user_id, None, "password reset")
            users.mark_verified(conn, user_id, email)
            user = users.get(conn, user_id)
        log.info("password reset", user_id=user_id, sessions_ended=ended)
        return user

    def request_verification(self, user: users.User, base_url: str) -> Outgoing:
        self.require_mail()
        with self.engine.begin() as conn:
            token = email_links.issue(conn, user.id, "verify", user.email, self.verify_lifetime)
        hours = int(self.verify_lifetime.total_seconds() // 3600)
        return Outgoing(user.email, "Confirm your email address for matchday", (
            f"Hello {user.username},\n\nplease confirm that this address belongs to your matchday account (the "
            f"link works once, for {hours} hours):\n\n{base_url.rstrip('/')}/verify-email?token={token}\n\n"
            "If you did not register, ignore this email.\n"))

    def verify_email(self, token: str, address: str) -> users.User:
        self.limiter.hit("login", f"ip:{address}")
        with self.engine.begin() as conn:
            user_id, email = email_links.consume(conn, token, "verify")
            if not users.mark_verified(conn, user_id, email):
                raise BadRequest("this link was sent to an address the account no longer has")
            return users.get(conn, user_id)

    def send(self, mail: Outgoing | None) -> None:
        """Send after the answer (a background task): a failure is logged, never shown (it would tell whether
        the account exists)."""
        if mail is None:
            return
        try:
            self.mailer.send(mail.to, mail.subject, mail.text)
        except Exception as exc:  # noqa: BLE001 - the answer is gone; the log tells the administrator
            log.error("email not sent", subject=mail.subject, error=repr(exc))
