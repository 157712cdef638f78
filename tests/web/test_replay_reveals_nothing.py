"""`matchday replay` of the World Cup 2022 final, at minute 1 on its clock: no route that lists or shows matches,
no page and no WebSocket snapshot tells the extra-time score (3-3), the shoot-out (4-2) or the final statistics,
not even when the store holds the real tournament (its record of the final is ahead of the replay's clock)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

from matchday.ingest.seed import seed_reference_data
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.conftest import DATA, run_async
from tests.ingest.helpers import load
from tests.web.conftest import start_server

FUTURE_KEYS = ("home_et", "away_et", "home_penalties", "away_penalties", "home_goals_et", "away_goals_et", "finish")


def _revealed(value: Any, path: str = "") -> list[str]:
    """Every field that tells what only the end of the match can tell."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in FUTURE_KEYS and item is not None:
                found.append(f"{path}.{key}={item}")
            found += _revealed(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _revealed(item, f"{path}[{index}]")
    return found


async def _ws_snapshot(url: str) -> dict:
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"action": "subscribe", "channels": ["live:all"]}))
        async with asyncio.timeout(20):
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "snapshot":
                    return message


def test_a_replay_at_minute_one_reveals_nothing_ahead(tmp_path: Path) -> None:
    final = DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json"
    engine = make_engine(f"sqlite:///{tmp_path / 'replay.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    load(engine, "openfootball", final)  # the real tournament, final included
    engine.dispose()
    process, base = start_server(tmp_path / "replay.db", None, "replay", "openfootball", str(final), "--date",
                                 "2022-12-18", "--speed", "1", "--lead", "0")
    try:
        deadline = time.monotonic() + 60
        live: list = []
        while not live and time.monotonic() < deadline:  # the first poll has written the kick-off
            live = httpx.get(f"{base}/api/v1/matches/live").json()["items"]
            time.sleep(0.3)
        assert len(live) == 1, live
        match = live[0]
        assert match["score"]["home"] == 0 and match["score"]["away"] == 0 and match["minute"] <= 3
        match_id, code, home = match["id"], match["league"]["code"], match["home"]["id"]
        for path in (f"/api/v1/teams/{home}/fixtures", f"/api/v1/matches?team_id={home}",
                     f"/api/v1/matches/{match_id}/head-to-head"):  # history up to the replayed day, no further
            listed = httpx.get(base + path).json()
            listed = listed.get("items", listed.get("matches"))
            real = [m["match_date"] for m in listed if m["league"]["code"] == "fifa.world"]
            assert all(day < "2022-12-18" for day in real), (path, real)
            assert _revealed([m for m in listed if m["league"]["code"] == code]) == [], path
        real = [m["match_date"] for m in httpx.get(f"{base}/api/v1/teams/{home}/fixtures").json()["items"]]
        assert "2022-12-13" in real  # the semi-final is history, still told
        today = datetime.now(UTC).date().isoformat()
        api = [f"/api/v1/matches?date={today}", "/api/v1/matches/live", "/api/v1/matches/today",
               "/api/v1/matches/upcoming", f"/api/v1/matches/{match_id}", f"/api/v1/matches/{match_id}/events",
               f"/api/v1/matches/{match_id}/stats", f"/api/v1/matches/{match_id}/head-to-head",
               f"/api/v1/leagues/{code}/fixtures", f"/api/v1/leagues/{code}/table",
               f"/api/v1/matches?league_id={match['league']['id']}", "/api/v1/matches?date=2022-12-18"]
        for path in api:
            response = httpx.get(base + path)
            assert response.status_code == 200, (path, response.text[:300])
            assert _revealed(response.json()) == [], path
        stats = httpx.get(f"{base}/api/v1/matches/{match_id}/stats").json()
        assert all((side or {}).get("shots") in (None, 0, 1) for side in (stats.get("home"), stats.get("away")))
        events = httpx.get(f"{base}/api/v1/matches/{match_id}/events").json()
        assert all(e["minute"] <= 3 for e in events)
        real_table = httpx.get(f"{base}/api/v1/leagues/fifa.world/table?season=2022").json()
        assert real_table["as_of"] == "2022-12-17", real_table["as_of"]  # the real record counts up to the day before
        for path in ("/", "/fixtures", f"/fixtures?date={today}", f"/leagues/{code}", f"/teams/{home}",
                     "/leagues/fifa.world",
                     f"/matches/{match_id}", "/search?q=Argentina", "/fixtures?date=2022-12-18"):
            page = httpx.get(base + path).text
            # the team page tells the quarter-final's shoot-out (2–2, 4–3 on penalties): history, not the final
            tells = ("3 – 3", "4 – 2", "3–3", "4–2") if path.startswith("/teams/") else (
                "pens", "after extra time", "3 – 3", "4 – 2", "3–3", "4–2")
            for told in tells:
                assert told not in page, (path, told)
        snapshot = run_async(_ws_snapshot(base.replace("http", "ws") + "/ws"))
        assert _revealed(snapshot) == [], snapshot
    finally:
        process.terminate()
        process.wait(timeout=20)
