"""What a feed event tells a fan who follows a team, as a notification: pure.

One builder for every way a notification leaves matchday: the page's ``Notification`` (the ``user:{id}`` WebSocket
channel carries it) and Web Push (``notify.push``) show the same title and text, under the same tag, so a browser
that receives both shows one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("kickoff", "goal", "red_card", "final_score")  # what a user may choose to be told of
DEFAULT_KINDS = frozenset(KINDS)
FINAL = frozenset({"finished", "awarded"})


@dataclass(frozen=True, slots=True)
class Notification:
    kind: str  # one of KINDS
    title: str
    body: str
    tag: str  # one per event: a second copy (page and push) replaces the first instead of stacking
    url: str  # the page the notification opens
    match_id: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _minute(data: Mapping[str, Any]) -> str:
    minute, added = data.get("minute"), data.get("added_minute")
    if minute is None:
        return ""
    return f", {minute}+{added}'" if added else f", {minute}'"


def _score_line(data: Mapping[str, Any], home: str, away: str) -> str:
    score = data.get("score") or {}
    h, a = score.get("home"), score.get("away")
    if h is None or a is None:
        return f"{home} – {away}"
    return f"{home} {h}–{a} {away}"


def kind_of(message_type: str, data: Mapping[str, Any]) -> str | None:
    """The notification kind of a feed message (None: nothing a fan is told of)."""
    if message_type in ("goal", "red_card"):
        return message_type
    if message_type == "match_status":
        if data.get("previous_status") == "scheduled" and data.get("status") == "live":
            return "kickoff"
        if data.get("status") in FINAL and data.get("previous_status") not in FINAL:
            return "final_score"
    return None


def notification_for(message_type: str, data: Mapping[str, Any], feed_id: int | None = None) -> Notification | None:
    """The notification of one feed message (``type`` and ``data`` as the WebSocket sends them), or None."""
    kind = kind_of(message_type, data)
    match_id = data.get("match_id")
    if kind is None or not isinstance(match_id, int):
        return None
    home, away = data.get("home_team") or "Home", data.get("away_team") or "Away"
    side_name = home if data.get("side") == "home" else away
    player = data.get("player")
    if kind == "kickoff":
        title, body = f"Kick-off: {home} – {away}", "The match has started."
    elif kind == "goal":
        title = f"Goal: {_score_line(data, home, away)}{_minute(data)}"
        scorer = f"{player} ({side_name})" if player else side_name
        body = f"{scorer}, own goal" if data.get("detail") == "own_goal" else f"Scored by {scorer}"
    elif kind == "red_card":
        title = f"Red card: {side_name}{_minute(data)}"
        body = f"{player} is sent off ({home} – {away})" if player else f"{home} – {away}"
    else:
        title, body = f"Full time: {_score_line(data, home, away)}", "Final score."
    seq = data.get("seq")
    tag = f"matchday-{match_id}-{seq}" if seq is not None else f"matchday-{match_id}-{feed_id or kind}"
    return Notification(kind, title, body, tag, f"/matches/{match_id}", match_id)
