"""Email through the configured SMTP server (the standard library's ``smtplib``): password resets, verification
links, reminders. Without ``MATCHDAY_SMTP_HOST`` nothing is sent and ``Mailer.configured`` is False; callers say
so (the reset request answers 503, the reminder job skips the email channel)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import structlog

from matchday.errors import MailNotConfigured
from matchday.settings import Settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Mailer:
    host: str | None
    port: int
    user: str | None
    password: str | None
    sender: str
    tls: str  # starttls | ssl | none
    timeout_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailer:
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_user, settings.smtp_password,
                   settings.smtp_from, settings.smtp_tls, settings.smtp_timeout_s)

    @property
    def configured(self) -> bool:
        return bool(self.host)

    def message(self, to: str, subject: str, text: str) -> EmailMessage:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip(">") or "localhost")
        message.set_content(text)
        return message

    def send(self, to: str, subject: str, text: str) -> None:
        """Send one plain-text email; raises MailNotConfigured without a server, OSError/SMTPException on failure."""
        if not self.configured:
            raise MailNotConfigured("email is not configured on this server (MATCHDAY_SMTP_HOST); ask its "
                                    "administrator: `matchday users reset-link USER` prints a reset link")
        assert self.host is not None
        context = ssl.create_default_context()
        if self.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        with client:
            if self.tls == "starttls":
                client.starttls(context=context)  # raises SMTPNotSupportedError when the server cannot
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(self.message(to, subject, text))
        log.info("email sent", subject=subject)
