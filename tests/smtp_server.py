"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, for tests that follow emailed links."""

from __future__ import annotations

import re
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    def link(self, path: str) -> str:
        """The first link in the text whose path starts with ``path`` (``/reset-password``)."""
        found = re.search(rf"https?://\S+?{re.escape(path)}\S*", self.text)
        assert found, f"no {path} link in: {self.text}"
        return found.group(0)


@dataclass
class Inbox:
    messages: list[Received] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 - aiosmtpd's hook
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.changed:
            self.messages.append(Received(list(envelope.rcpt_tos), message))
            self.changed.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.changed:
            return [m for m in self.messages if address in m.to]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30.0) -> list[Received]:
        """The messages to ``address`` once there are at least ``count`` (fails after ``timeout`` seconds)."""
        with self.changed:
            self.changed.wait_for(lambda: len([m for m in self.messages if address in m.to]) >= count, timeout)
        found = self.to(address)
        assert len(found) >= count, f"{len(found)} emails to {address}, expected {count}"
        return found


class SmtpServer:
    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def settings(self) -> dict[str, object]:
        """Settings that send through this server."""
        return {"smtp_host": "127.0.0.1", "smtp_port": self.port, "smtp_tls": "none",
                "smtp_from": "matchday <noreply@matchday.test>"}

    def env(self) -> dict[str, str]:
        return {f"MATCHDAY_{k.upper()}": str(v) for k, v in self.settings().items()}
