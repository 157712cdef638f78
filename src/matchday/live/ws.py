"""The WebSocket endpoint /ws: subscribe/unsubscribe/ping, snapshots for late joiners, limits, heartbeats.

Client → server: ``{"action": "subscribe" | "unsubscribe", "channels": [...]}``, ``{"action": "ping"}``,
``{"action": "auth", "token": "<access token>"}`` (or ``/ws?token=``) for the private channels ``user:{id}``
and ``prediction-league:{id}`` (``app.state.private_channels`` decides who may subscribe).
Server → client: ``subscribed``, ``unsubscribed``, ``pong``, ``snapshot``, ``match_update``, ``goal``,
``yellow_card``, ``red_card``, ``match_status``, ``table_update``, ``heartbeat``, ``reconnect`` and
``error`` (codes INVALID_JSON, UNKNOWN_ACTION, INVALID_CHANNEL, TOO_MANY_CHANNELS, MESSAGE_TOO_LARGE,
UNSUPPORTED_FRAME, NOT_FOUND, UNAUTHORIZED, FORBIDDEN), ``authenticated``. Data messages carry ``type``,
``channel``, ``timestamp``, ``id`` (the feed position) and ``data`` with ``match_id``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from contextlib import suppress
from dataclasses import dataclass

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.types import Receive, Scope, Send

from matchday.errors import MatchdayError
from matchday.live.hub import SLOW_CONSUMER, Client, Hub, frame_json
from matchday.live.snapshots import feed_position, snapshot

router = APIRouter()
CHANNEL = re.compile(r"^(?:(?:match|league|team|user|prediction-league):[1-9]\d{0,9}|live:all)$")


@dataclass(frozen=True)
class WsLimits:
    max_channels: int = 50
    max_message_bytes: int = 4096
    idle_timeout_s: float = 120.0
    heartbeat_s: float = 25.0
    max_lifetime_s: float = 3600.0
    send_timeout_s: float = 30.0


def _error(code: str, message: str) -> str:
    return frame_json("error", None, {"code": code, "message": message})


async def _send_snapshot(websocket: WebSocket, hub: Hub, client: Client, channel: str) -> None:
    engine = websocket.app.state.read_engine
    private = getattr(websocket.app.state, "private_channels", None)
    user_id = client.user_id

    def read() -> tuple[int, str]:
        with engine.connect() as conn:
            position = feed_position(conn)
            data = private.snapshot(user_id, channel) if private is not None and private.is_private(channel) \
                else snapshot(conn, channel, getattr(websocket.app.state, "horizon", None))
        return position, frame_json("snapshot", channel, data, position)

    try:
        if private is not None and private.is_private(channel):  # one user's view: read for this client alone
            position, frame = await anyio.to_thread.run_sync(read)
        else:  # everyone sees the same: shared with whoever subscribed before the read began
            position, frame = await hub.snapshot_reads.frame(channel, read)
    except MatchdayError as exc:
        hub.unsubscribe(client, channel)
        client.offer(_error("NOT_FOUND", str(exc)))
        return
    client.offer(frame)
    hub.release(client, channel, position)


async def _handle(websocket: WebSocket, hub: Hub, client: Client, text: str, limits: WsLimits) -> None:
    if len(text.encode()) > limits.max_message_bytes:
        client.offer(_error("MESSAGE_TOO_LARGE", f"messages are limited to {limits.max_message_bytes} bytes"))
        return
    try:
        message = json.loads(text)
    except json.JSONDecodeError:
        client.offer(_error("INVALID_JSON", "the message is not valid JSON"))
        return
    action = message.get("action") if isinstance(message, dict) else None
    if action == "ping":
        client.offer(frame_json("pong", None, {}))
        return
    if action == "auth":
        await _authenticate(websocket, client, message.get("token"))
        return
    if action not in ("subscribe", "unsubscribe"):
        client.offer(_error("UNKNOWN_ACTION", f"unknown action {action!r}; use subscribe, unsubscribe, auth or ping"))
        return
    channels = message.get("channels")
    if not isinstance(channels, list) or not channels or not all(isinstance(c, str) for c in channels):
        client.offer(_error("INVALID_CHANNEL", "channels must be a non-empty list of names like match:12"))
        return
    bad = [c for c in channels if not CHANNEL.match(c)]
    if bad:
        client.offer(_error("INVALID_CHANNEL", f"invalid channel(s): {', '.join(bad[:5])}; "
                                               "use match:{id}, league:{id}, team:{id} or live:all"))
        return
    if action == "unsubscribe":
        for channel in channels:
            hub.unsubscribe(client, channel)
        client.offer(frame_json("unsubscribed", None, {"channels": channels}))
        return
    new = [c for c in dict.fromkeys(channels) if c not in client.channels]
    if not await _authorized(websocket, client, new):
        return
    if len(client.channels) + len(new) > limits.max_channels:
        client.offer(_error("TOO_MANY_CHANNELS", f"at most {limits.max_channels} channels per connection"))
        return
    for channel in new:
        hub.subscribe(client, channel, hold=True)
    client.offer(frame_json("subscribed", None, {"channels": sorted(client.channels)}))
    for channel in new:
        await _send_snapshot(websocket, hub, client, channel)


async def _authenticate(websocket: WebSocket, client: Client, token: object) -> None:
    private = getattr(websocket.app.state, "private_channels", None)
    if private is None or not isinstance(token, str) or not token:
        client.offer(_error("UNAUTHORIZED", "auth needs a token (an access token)"))
        return
    try:
        client.user_id = await anyio.to_thread.run_sync(private.authenticate, token)
    except MatchdayError as exc:
        client.offer(_error("UNAUTHORIZED", str(exc)))
        return
    client.offer(frame_json("authenticated", None, {"user_id": client.user_id}))


async def _authorized(websocket: WebSocket, client: Client, channels: list[str]) -> bool:
    """Private channels only for whom ``private_channels`` admits; an error frame otherwise."""
    private = getattr(websocket.app.state, "private_channels", None)
    for channel in channels:
        if private is None or not private.is_private(channel):
            continue
        try:
            await anyio.to_thread.run_sync(private.authorize, client.user_id, channel)
        except MatchdayError as exc:
            client.offer(_error(exc.error_code, str(exc)))
            return False
    return True


@router.websocket("/ws")
async def feed(websocket: WebSocket) -> None:
    hub: Hub = websocket.app.state.hub
    limits: WsLimits = websocket.app.state.ws_limits
    await websocket.accept()
    client = hub.add(websocket)
    if websocket.query_params.get("token"):
        await _authenticate(websocket, client, websocket.query_params["token"])
    opened = time.monotonic()
    last_heartbeat = opened
    try:
        while client.closing is None:
            now = time.monotonic()
            if now - opened > limits.max_lifetime_s:
                client.offer(frame_json("reconnect", None, {"reason": "maximum connection lifetime reached"}))
                client.close_later(1000, "maximum connection lifetime reached: reconnect")
                break
            if client.stalled_for(now) > limits.send_timeout_s:
                client.close_later(SLOW_CONSUMER, "slow consumer: not reading")
                break
            if now - client.last_seen > limits.idle_timeout_s:
                client.close_later(1000, "idle: no message from the client")
                break
            if now - last_heartbeat >= limits.heartbeat_s:
                client.offer(frame_json("heartbeat", None, {}))
                last_heartbeat = now
            wait = min(limits.heartbeat_s - (now - last_heartbeat), limits.max_lifetime_s - (now - opened),
                       limits.idle_timeout_s - (now - client.last_seen) + 0.01,
                       limits.send_timeout_s / 4 if client.writer is not None else limits.heartbeat_s)
            try:  # a timer, not wait_for: no extra task per receive (3.11), no task alive per idle client
                async with asyncio.timeout(max(0.01, wait)):
                    message = await websocket.receive()
            except TimeoutError:
                continue
            if message["type"] == "websocket.disconnect":
                break
            client.last_seen = time.monotonic()
            text = message.get("text")
            if text is None:  # a binary frame: the protocol is JSON text
                client.offer(_error("UNSUPPORTED_FRAME", "binary frames are not part of the protocol; send JSON text"))
                continue
            await _handle(websocket, hub, client, text, limits)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        with suppress(Exception):
            await hub.remove(client)


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI entry for /ws that skips routing and middleware (``api.app.MatchdayApi``); ``scope["app"]`` set."""
    await feed(WebSocket(scope, receive, send))
