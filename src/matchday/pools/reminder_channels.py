"""How a prediction reminder reaches a member: a small channel interface (``send(user, reminder)``) and the email
channel. Another channel (Web Push) implements the same protocol and is added to the list the reminder job gets;
each channel keeps its own claims, so a member gets each round's reminder once per channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from matchday.accounts.mail import Mailer


@dataclass(frozen=True)
class Recipient:
    user_id: int
    username: str
    email: str
    email_verified: bool
    timezone: str
    language: str


@dataclass(frozen=True)
class Reminder:
    prediction_league_id: int
    league_name: str
    round_number: int
    first_kickoff_utc: datetime
    missing: int  # open matches of the round the member has not predicted
    matches: int  # open matches of the round
    url: str  # the prediction league's page at this round
    profile_url: str  # where reminders are turned off


class ReminderChannel(Protocol):
    name: str  # the claim key: one reminder per member, round and channel

    def accepts(self, user: Recipient) -> bool:
        """Whether this channel can reach ``user`` at all (an unconfirmed address, no push subscription: no)."""

    def send(self, user: Recipient, reminder: Reminder) -> None:
        """Deliver; raise on failure (the job records it and retries on its next run, a few times)."""


def local_time(moment: datetime, timezone: str) -> str:
    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.replace(tzinfo=UTC).astimezone(zone).strftime("%a %d %b %H:%M %Z")


class EmailChannel:
    """Reminders by email, to confirmed addresses only (a typo'd or someone else's address gets nothing)."""

    name = "email"

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer

    def accepts(self, user: Recipient) -> bool:
        return self.mailer.configured and user.email_verified

    def send(self, user: Recipient, reminder: Reminder) -> None:
        when = local_time(reminder.first_kickoff_utc, user.timezone)
        subject = f"{reminder.league_name}: round {reminder.round_number} starts {when}"
        text = (f"Hello {user.username},\n\nround {reminder.round_number} of {reminder.league_name} starts {when}, "
                f"and {reminder.missing} of its {reminder.matches} matches have no prediction of yours yet:\n\n"
                f"{reminder.url}\n\nNo more reminders? Turn them off on your profile: {reminder.profile_url}\n")
        self.mailer.send(user.email, subject, text)
