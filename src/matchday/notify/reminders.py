"""Prediction reminders by Web Push: the reminder job's channel (``pools.reminder_channels.ReminderChannel``) for
members who subscribed a browser. It keeps its own claims (channel "push"), so a member with a confirmed address
and a browser gets the round's reminder once by email and once by push."""

from __future__ import annotations

from urllib.parse import urlsplit

from matchday.accounts import notifications
from matchday.notify.push import PushSender
from matchday.pools.reminder_channels import Recipient, Reminder, local_time


def _path(url: str) -> str:
    """The page's path on this site (a push opens only this site's pages)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class PushReminders:
    name = "push"

    def __init__(self, sender: PushSender) -> None:
        self.sender = sender

    def accepts(self, user: Recipient) -> bool:
        with self.sender.users.connect() as conn:
            return bool(notifications.targets_of(conn, user.user_id))

    def send(self, user: Recipient, reminder: Reminder) -> None:
        when = local_time(reminder.first_kickoff_utc, user.timezone)
        message = {"title": f"{reminder.league_name}: round {reminder.round_number} starts {when}",
                   "body": f"{reminder.missing} of its {reminder.matches} matches have no prediction of yours yet.",
                   "url": _path(reminder.url),
                   "tag": f"reminder:{reminder.prediction_league_id}:{reminder.round_number}"}
        if self.sender.push_to_user(user.user_id, message).sent == 0:
            raise RuntimeError("no subscribed browser took the reminder")  # the job retries it on its next run
