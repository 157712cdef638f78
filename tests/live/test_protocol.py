"""The /ws protocol: every error code, limits, snapshots, heartbeats, lifetimes, slow consumers, resync."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.websockets import WebSocketDisconnect

from matchday.domain.records import MatchStatus, Period
from matchday.ingest.live import ingest_snapshots
from matchday.live.hub import SLOW_CONSUMER, Hub
from matchday.server import create_server
from matchday.settings import Settings
from matchday.sources.simulator.generator import generate_season
from tests.conftest import run_async


def _client(engine: Engine, **limits: float) -> TestClient:
    settings = Settings(database_url=str(engine.url), ws_max_channels=3, **limits)
    return TestClient(create_server(settings, engine))


def _errors(ws, payload: str) -> dict:
    ws.send_text(payload)
    message = ws.receive_json()
    assert message["type"] == "error", message
    return message["data"]


def test_error_codes_and_limits(api_store: Engine) -> None:
    with _client(api_store) as client, client.websocket_connect("/ws") as ws:
        assert _errors(ws, "{not json")["code"] == "INVALID_JSON"
        assert _errors(ws, '{"action": "dance"}')["code"] == "UNKNOWN_ACTION"
        assert _errors(ws, '["subscribe"]')["code"] == "UNKNOWN_ACTION"
        assert _errors(ws, '{"action": "subscribe", "channels": ["match:abc"]}')["code"] == "INVALID_CHANNEL"
        assert _errors(ws, '{"action": "subscribe", "channels": "live:all"}')["code"] == "INVALID_CHANNEL"
        too_many = json.dumps({"action": "subscribe", "channels": [f"team:{i}" for i in range(1, 5)]})
        assert _errors(ws, too_many)["code"] == "TOO_MANY_CHANNELS"
        big = json.dumps({"action": "subscribe", "channels": ["live:all"], "pad": "x" * 5000})
        assert _errors(ws, big)["code"] == "MESSAGE_TOO_LARGE"
        ws.send_text('{"action": "subscribe", "channels": ["match:999999"]}')
        assert ws.receive_json()["type"] == "subscribed"
        assert ws.receive_json()["data"]["code"] == "NOT_FOUND"  # and the channel is dropped again
        ws.send_text('{"action": "ping"}')
        assert ws.receive_json()["type"] == "pong"  # the connection survived every bad message


def test_subscribe_gets_a_snapshot_first(api_store: Engine, client: TestClient) -> None:
    match_id = client.get("/api/v1/matches", params={"date": "2022-12-18"}).json()["items"][0]["id"]
    league_id = client.get("/api/v1/leagues/sim.1").json()["id"]
    with _client(api_store) as live, live.websocket_connect("/ws") as ws:
        ws.send_json({"action": "subscribe", "channels": [f"match:{match_id}", f"league:{league_id}"]})
        assert ws.receive_json()["data"]["channels"] == sorted([f"match:{match_id}", f"league:{league_id}"])
        match_snapshot, league_snapshot = ws.receive_json(), ws.receive_json()
        assert match_snapshot["type"] == "snapshot" and match_snapshot["channel"] == f"match:{match_id}"
        assert match_snapshot["data"]["score"] == {"home": 3, "away": 3} and len(match_snapshot["data"]["events"]) == 6
        assert league_snapshot["data"]["standings"][0]["position"] == 1
        ws.send_json({"action": "unsubscribe", "channels": [f"match:{match_id}"]})
        reply = ws.receive_json()
        assert reply["type"] == "unsubscribed" and reply["data"]["channels"] == [f"match:{match_id}"]


def test_heartbeat_idle_and_lifetime(api_store: Engine) -> None:
    with _client(api_store, ws_heartbeat_s=0.1, ws_idle_timeout_s=0.35) as client, \
            client.websocket_connect("/ws") as ws:
        kinds = []
        with pytest.raises(WebSocketDisconnect) as idle:  # the server closes the idle connection
            while True:
                kinds.append(ws.receive_json()["type"])
        assert kinds and set(kinds) == {"heartbeat"}  # heartbeats kept coming until the idle limit
        assert idle.value.code == 1000 and idle.value.reason.startswith("idle")
    with _client(api_store, ws_max_lifetime_s=0.2, ws_heartbeat_s=0.05) as client, \
            client.websocket_connect("/ws") as ws:
        kinds = []
        with pytest.raises(WebSocketDisconnect) as aged:  # closed after the reconnect message
            while True:
                ws.send_text('{"action": "ping"}')
                kinds.append(ws.receive_json()["type"])
        assert kinds[-1] == "reconnect"
        assert aged.value.code == 1000 and aged.value.reason.startswith("maximum connection lifetime")


def test_reconnect_resynchronises_from_the_snapshot(sqlite_engine: Engine) -> None:
    season = generate_season(4, seed=2, season="2026-27", played_until=datetime(2026, 8, 20)).matches
    ingest_snapshots(sqlite_engine, "simulator", season)
    upcoming = next(m for m in season if m.home_goals is None)
    with _client(sqlite_engine) as client:
        match_id = client.get("/api/v1/matches", params={"status": "scheduled", "limit": 1}).json()["items"][0]["id"]
        assert client.get(f"/api/v1/matches/{match_id}").json()["home"]["name"] == upcoming.home.name
        with client.websocket_connect("/ws") as ws:
            ws.send_json({"action": "subscribe", "channels": [f"match:{match_id}"]})
            ws.receive_json()
            assert ws.receive_json()["data"]["status"] == "scheduled"
        # while the client is away the match kicks off and a goal goes in
        ingest_snapshots(sqlite_engine, "simulator", [replace(upcoming, status=MatchStatus.LIVE,
                                                              period=Period.FIRST_HALF, minute=7, home_goals=1,
                                                              away_goals=0)])
        with client.websocket_connect("/ws") as ws:
            ws.send_json({"action": "subscribe", "channels": [f"match:{match_id}"]})
            ws.receive_json()
            state = ws.receive_json()["data"]
            assert (state["status"], state["minute"], state["score"]) == ("live", 7, {"home": 1, "away": 0})


def test_every_match_status_carries_the_score(sqlite_engine: Engine) -> None:
    """A client that listens only to match_status still sees the score at each change, and the result."""
    season = generate_season(4, seed=3, season="2026-27", played_until=datetime(2026, 8, 20)).matches
    ingest_snapshots(sqlite_engine, "simulator", season)
    upcoming = next(m for m in season if m.home_goals is None)
    steps = [replace(upcoming, status=MatchStatus.LIVE, period=Period.FIRST_HALF, minute=30, home_goals=1,
                     away_goals=0),
             replace(upcoming, status=MatchStatus.HALFTIME, period=Period.HALFTIME, minute=45, home_goals=1,
                     away_goals=0),
             replace(upcoming, status=MatchStatus.FINISHED, period=None, minute=None, home_goals=2, away_goals=1)]
    with _client(sqlite_engine) as client:
        match_id = client.get("/api/v1/matches", params={"status": "scheduled", "limit": 1}).json()["items"][0]["id"]
        with client.websocket_connect("/ws") as ws:
            ws.send_json({"action": "subscribe", "channels": [f"match:{match_id}"]})
            assert ws.receive_json()["type"] == "subscribed"
            assert ws.receive_json()["type"] == "snapshot"
            for step in steps:
                ingest_snapshots(sqlite_engine, "simulator", [step])
            client.portal.call(client.app.state.publisher.publish)
            statuses = []
            while not statuses or statuses[-1]["status"] != "finished":
                message = ws.receive_json()
                if message["type"] == "match_status":
                    statuses.append(message["data"])
    assert [(m["status"], m["previous_status"], m["score"]) for m in statuses] == [
        ("live", "scheduled", {"home": 0, "away": 0}),  # kick-off, told before the goal of the same snapshot
        ("halftime", "live", {"home": 1, "away": 0}),
        ("finished", "halftime", {"home": 2, "away": 1})]
    assert all({"match_id", "minute", "period"} <= m.keys() for m in statuses)
    assert statuses[1]["period"] == "halftime" and statuses[1]["minute"] == 45


class _StuckSocket:
    """A peer that never reads: every send waits forever."""

    def __init__(self) -> None:
        self.scope = {"type": "websocket"}  # no direct frame writer: the hub sends the ASGI way
        self.closed: tuple[int, str] | None = None
        self.was_closed = asyncio.Event()

    async def send_text(self, _frame: str) -> None:
        await asyncio.Event().wait()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed = (code, reason)
        self.was_closed.set()


class _Socket(_StuckSocket):
    def __init__(self) -> None:
        super().__init__()
        self.frames: list[str] = []

    async def send_text(self, frame: str) -> None:
        self.frames.append(frame)


def _hub_on_live_all(*sockets: _StuckSocket) -> Hub:
    hub = Hub(queue_size=8)
    for socket in sockets:
        hub.subscribe(hub.add(socket), "live:all", hold=False)
    return hub


def _update(feed_id: int) -> dict:
    return {"id": feed_id, "type": "match_update", "channels": ["live:all"], "data": {"match_id": 1}}


def test_a_slow_consumer_is_disconnected_and_never_delays_the_others() -> None:
    async def scenario() -> tuple[_StuckSocket, _Socket]:
        stuck, fast = _StuckSocket(), _Socket()
        hub = _hub_on_live_all(stuck, fast)
        for n in range(50):
            hub.dispatch(_update(n))
            await asyncio.sleep(0)  # a loop turn between messages, as in a server
        await asyncio.wait_for(stuck.was_closed.wait(), timeout=10)
        return stuck, fast

    stuck, fast = run_async(scenario())
    assert stuck.closed is not None and stuck.closed[0] == SLOW_CONSUMER and "slow consumer" in stuck.closed[1]
    assert len(fast.frames) == 50


class _GatedSocket(_Socket):
    """A peer whose socket is full until the gate opens (a paused transport)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def send_text(self, frame: str) -> None:
        await self.gate.wait()
        self.frames.append(frame)


def test_a_briefly_blocked_client_gets_its_backlog_in_order_and_a_fast_one_never_waits() -> None:
    async def scenario() -> tuple[_GatedSocket, _Socket, int]:
        gated, fast = _GatedSocket(), _Socket()
        hub = _hub_on_live_all(gated, fast)
        for n in range(6):
            hub.dispatch(_update(n))
        sent_before_any_loop_turn = len(fast.frames)  # the fast client was written to inside dispatch
        writer = next(client.writer for client in hub.clients if client.websocket is gated)
        assert writer is not None  # the gated client's frames wait in its backlog
        gated.gate.set()
        await asyncio.wait_for(writer, timeout=10)  # its writer drains the backlog and ends
        return gated, fast, sent_before_any_loop_turn

    gated, fast, sent_inline = run_async(scenario())
    assert sent_inline == 6
    assert [json.loads(f)["id"] for f in gated.frames] == list(range(6))
    assert gated.closed is None
