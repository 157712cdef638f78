"""Redis mode: an event ingested by one server process reaches a WebSocket client of another process."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import websockets

from tests.conftest import run_async
from tests.web.conftest import start_server


async def _first_goal(url: str, timeout_s: float) -> dict:
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"action": "subscribe", "channels": ["live:all"]}))
        async with asyncio.timeout(timeout_s):
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "goal":
                    return message


def test_goal_ingested_by_one_process_reaches_a_client_of_the_other(tmp_path: Path, redis_server) -> None:
    env = {"MATCHDAY_REDIS_URL": redis_server.url}
    database = tmp_path / "shared.db"
    ingesting, _ingesting_url = start_server(database, env, "demo", "--speed", "240", "--seed", "5", "--teams", "10",
                                             "--lead", "5")
    serving, serving_url = start_server(database, env, "serve")
    try:
        goal = run_async(_first_goal(serving_url.replace("http", "ws") + "/ws", 90))
        match = httpx.get(f"{serving_url}/api/v1/matches/{goal['data']['match_id']}").json()
    finally:
        for process in (ingesting, serving):
            process.terminate()
            process.wait(timeout=20)
    assert goal["channel"] == "live:all"
    side, score = goal["data"]["side"], goal["data"]["score"]
    assert side in ("home", "away") and score[side] >= 1  # the score after this goal counts it
    # the serving process knows the match, with at least this goal's score (later goals may follow)
    assert match["id"] == goal["data"]["match_id"]
    assert match["score"]["home"] >= score["home"] and match["score"]["away"] >= score["away"]
