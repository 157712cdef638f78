"""Private WebSocket channels: ``user:{id}`` for its owner, ``prediction-league:{id}`` for its members.

A connection authenticates with an access token (``?token=`` on connect, or ``{"action": "auth", "token"}``).
``user:{id}`` receives the goals, cards and status changes of matches of the user's favorite teams and leagues
with notifications on, each with the ``notification`` a page shows (``domain.notifications``, the same as Web
Push's): every server process routes the feed it receives to its own connected users (favorites
are loaded when the channel is subscribed and reloaded when they change), so nothing is sent twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from matchday.accounts import favorites, sessions
from matchday.accounts.deps import AccountsState
from matchday.domain.notifications import notification_for
from matchday.errors import Forbidden, NotFound, Unauthorized
from matchday.live.hub import Hub
from matchday.store.keys import as_internal_id

NOTIFIED_TYPES = frozenset({"goal", "yellow_card", "red_card", "match_status"})
PRIVATE_SCOPES = ("user", "prediction-league")


class PrivateChannels:
    def __init__(self, hub: Hub, accounts: AccountsState, football: Engine) -> None:
        self.hub = hub
        self.accounts = accounts
        self.football = football
        self.user_channels: dict[int, frozenset[str]] = {}  # connected user → notified feed channels
        # scope → (authorize(user_id, key), snapshot(user_id, key)); pools registers prediction-league
        self.scopes: dict[str, tuple[Callable[[int, int], None], Callable[[int, int], dict[str, Any]]]] = {
            "user": (self._authorize_user, self._user_snapshot)}
        self.feed_listeners: list[Callable[[dict[str, Any]], None]] = []

    @staticmethod
    def is_private(channel: str) -> bool:
        return channel.partition(":")[0] in PRIVATE_SCOPES

    def authenticate(self, token: str) -> int:
        """The user id of a valid access token (runs in a worker thread)."""
        with self.accounts.engine.connect() as conn:
            user, _session = sessions.authenticate_token(conn, self.accounts.settings.secret_key, token)
        return user.id

    def authorize(self, user_id: int | None, channel: str) -> None:
        if user_id is None:
            raise Unauthorized(f"{channel} is private: authenticate first ({{\"action\": \"auth\", \"token\"}})")
        scope, _, key = channel.partition(":")
        self.scopes[scope][0](user_id, _channel_id(channel, key))

    def snapshot(self, user_id: int, channel: str) -> dict[str, Any]:
        scope, _, key = channel.partition(":")
        return self.scopes[scope][1](user_id, _channel_id(channel, key))

    def _authorize_user(self, user_id: int, key: int) -> None:
        if key != user_id:
            raise Forbidden("user channels are for their owner only")

    def _user_snapshot(self, user_id: int, _key: int) -> dict[str, Any]:
        self.favorites_changed(user_id)
        return {"user_id": user_id, "channels": sorted(self.user_channels.get(user_id, ()))}

    def favorites_changed(self, user_id: int) -> None:
        """Reload what a connected user is notified of (from a worker thread: one atomic assignment)."""
        with self.accounts.engine.connect() as conn:
            self.user_channels[user_id] = frozenset(favorites.notified_channels(conn, user_id))

    def on_feed(self, message: dict[str, Any]) -> None:
        """Broker handler: route favorite teams'/leagues' events to their users' channels in this process."""
        for listener in self.feed_listeners:
            listener(message)
        if message.get("type") not in NOTIFIED_TYPES:
            return
        channels = set(message.get("channels", ()))
        targets = []
        for user_id, followed in list(self.user_channels.items()):
            name = f"user:{user_id}"
            if name not in self.hub.by_channel:
                self.user_channels.pop(user_id, None)  # nobody of this user is connected here any more
            elif followed & channels:
                targets.append(name)
        if targets:
            note = notification_for(message["type"], message.get("data") or {}, message.get("id"))
            data = {**message["data"], "notification": note.as_dict()} if note is not None else message["data"]
            self.hub.dispatch({**message, "channels": targets, "data": data})


def _channel_id(channel: str, key: str) -> int:
    """The id a private channel names, through the one bounded id (``user:2**70`` is no channel, not a 500)."""
    value = as_internal_id(key)
    if value is None or value < 1:
        raise NotFound(f"no channel {channel[:60]!r}")
    return value
