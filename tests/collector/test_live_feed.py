"""End to end: `matchday serve` with a live-loop job against the fake provider; a WebSocket client on live:all
receives the goals of the recorded API-Football `live=all` capture (its own scorers and minutes)."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import httpx
import websockets
from sqlalchemy import create_engine, select

from matchday.store.schema import external_ids
from tests.collector.conftest import APIF, write_jobs
from tests.collector.fake_provider import Received, Reply
from tests.conftest import run_async
from tests.web.conftest import start_server

LIVE = APIF / "unwrapped" / "fixtures_live-all_2024-05-11.json"
EMPTY = json.dumps({"get": "fixtures", "parameters": {"live": "all"}, "errors": [], "results": 0,
                    "paging": {"current": 1, "total": 1}, "response": []}).encode()


def _expected_goals() -> dict[tuple[str, str], list[int | None]]:
    """Per (fixture id, side): the minutes of its goals, straight from the provider's JSON. The score says how
    many; the goal events say when (an event's team is the side credited, own goals included). Where the events
    do not add up to the score, only the count is known: minutes None."""
    expected = {}
    for fixture in json.loads(LIVE.read_bytes())["response"]:
        home, away = fixture["teams"]["home"], fixture["teams"]["away"]
        for side, team in (("home", home), ("away", away)):
            minutes = sorted(e["time"]["elapsed"] for e in fixture.get("events") or []
                             if e["type"] == "Goal" and e["detail"] != "Missed Penalty"
                             and e["team"]["id"] == team["id"])
            scored = fixture["goals"][side] or 0
            if scored:
                expected[(str(fixture["fixture"]["id"]), side)] = minutes if len(minutes) == scored else [None] * scored
    return expected


async def _collect(url: str, opened: threading.Event, wanted: int, timeout_s: float) -> list[dict]:
    messages: list[dict] = []
    async with websockets.connect(url, max_size=2**24) as ws:
        await ws.send(json.dumps({"action": "subscribe", "channels": ["live:all"]}))
        opened.set()
        goals = 0
        try:
            async with asyncio.timeout(timeout_s):
                while goals < wanted:
                    message = json.loads(await ws.recv())
                    messages.append(message)
                    goals += message["type"] == "goal"
        except TimeoutError:
            pass  # the comparison below says what is missing
    return messages


def test_live_goals_flow_to_a_websocket_client(tmp_path: Path, fake) -> None:
    jobs_dir = tmp_path / "jobs"
    write_jobs(jobs_dir, [{"job_id": "apif-live", "provider": "api-football", "type": "live_loop",
                           "priority": "CRITICAL", "endpoint": "fixtures", "params": {"live": "all"},
                           "interval": {"type": "interval", "seconds": 0.2},
                           "discovery_seconds": 0.5}], {"api-football": {}})
    opened = threading.Event()

    def live_all(request: Received) -> Reply:
        # nothing is live until the client listens; then the recorded match day
        return Reply.file(LIVE) if opened.is_set() else Reply(body=EMPTY)

    fake.script("/fixtures", live_all)
    expected = _expected_goals()
    process, base = start_server(tmp_path / "live.db", {
        "MATCHDAY_JOBS_DIR": str(jobs_dir), "MATCHDAY_API_FOOTBALL_BASE_URL": fake.url,
        "MATCHDAY_API_FOOTBALL_KEY": "secret-test-key", "MATCHDAY_SCHEDULER_TICK_S": "0.1"})
    try:
        wanted = sum(len(v) for v in expected.values())
        messages = run_async(_collect(base.replace("http", "ws") + "/ws", opened, wanted, 30))
        live_now = httpx.get(f"{base}/api/v1/matches/live").json()
    finally:
        process.terminate()
        process.wait(timeout=20)
    engine = create_engine(f"sqlite:///{tmp_path / 'live.db'}")
    with engine.connect() as conn:
        fixture_of = dict(conn.execute(select(external_ids.c.internal_id, external_ids.c.external_id).where(
            external_ids.c.source == "api-football", external_ids.c.entity == "match")).all())
    engine.dispose()
    got: dict[tuple[str, str], list[int | None]] = {}
    for m in messages:
        if m["type"] == "goal":
            key = (fixture_of[m["data"]["match_id"]], m["data"]["side"])
            got.setdefault(key, []).append(m["data"]["minute"])
    assert got.keys() == expected.keys()
    for key, minutes in expected.items():
        assert len(got[key]) == len(minutes), key
        if None not in minutes:
            assert sorted(got[key]) == minutes, key
    assert live_now["total"] > 200  # the capture's matches are in play in the store
    assert "secret-test-key" not in (tmp_path / "live.db").read_bytes().decode("latin-1")
