"""End to end: `matchday demo` on a fast clock, a real WebSocket client on live:all, the simulator's ground truth."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx
import websockets

from matchday.domain.records import EventType
from matchday.sources.simulator.live import live_round
from tests.conftest import run_async
from tests.web.conftest import start_server

SPEED, SEED, TEAMS = 600, 7, 10  # 600x: a match in 11 s, half time 1.5 s (15 polls), as the replays


async def _collect(url: str, until_finished: int, timeout_s: float) -> list[dict]:
    messages: list[dict] = []
    finished = 0
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"action": "subscribe", "channels": ["live:all"]}))
        async with asyncio.timeout(timeout_s):
            while finished < until_finished:
                message = json.loads(await ws.recv())
                messages.append(message)
                if message["type"] == "match_status" and message["data"]["status"] == "finished":
                    finished += 1
    return messages


def test_demo_feed_equals_the_simulated_truth(tmp_path: Path) -> None:
    process, base = start_server(tmp_path / "demo.db", None, "demo", "--speed", str(SPEED), "--seed", str(SEED),
                                 "--teams", str(TEAMS), "--lead", "4")
    try:
        messages = run_async(_collect(base.replace("http", "ws") + "/ws", TEAMS // 2, 120))
        ids = {m["data"]["match_id"] for m in messages if "match_id" in m.get("data", {})}
        names, rounds = {}, set()
        for match_id in ids:
            match = httpx.get(f"{base}/api/v1/matches/{match_id}").json()
            names[match_id] = (match["home"]["name"], match["away"]["name"])
            rounds.add((match["season"], match["kickoff_utc"]))
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert messages[0]["type"] == "subscribed" and messages[1]["type"] == "snapshot"
    feed = [m for m in messages if "id" in m and m["type"] != "snapshot"]
    assert all({"type", "channel", "timestamp", "data"} <= m.keys() and "match_id" in m["data"] for m in feed)
    assert len({m["id"] for m in feed}) == len(feed), "no event twice"
    by_match: dict[int, list[dict]] = defaultdict(list)
    for message in feed:
        by_match[message["data"]["match_id"]].append(message)
    for events in by_match.values():
        seqs = [m["data"]["seq"] for m in events]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "in order, no duplicates"

    # the round the demo chose (its season and kick-off come from its start time, not the test's clock)
    (season, kickoff), = rounds
    kickoff_at = datetime.fromisoformat(kickoff.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
    _history, scripts = live_round(TEAMS, SEED, season, kickoff_at, league="demo.1")
    truth = {(s.base.home.name, s.base.away.name): s for s in scripts}
    assert len(by_match) == len(truth)
    for match_id, events in by_match.items():
        script = truth[names[match_id]]
        goals = [m["data"] for m in events if m["type"] == "goal"]
        expected = [(e.side.value, e.minute, e.added_minute, e.player_name) for e in script.events
                    if e.type in (EventType.GOAL, EventType.PENALTY_GOAL, EventType.OWN_GOAL)]
        assert [(g["side"], g["minute"], g["added_minute"], g["player"]) for g in goals] == expected, "no gaps"
        final = script.snapshot(script.duration_minutes * 60)
        last_score = goals[-1]["score"] if goals else {"home": 0, "away": 0}
        assert last_score == {"home": final.home_goals, "away": final.away_goals}
        statuses = [m["data"]["status"] for m in events if m["type"] == "match_status"]
        assert statuses == ["live", "halftime", "live", "finished"]
        reds = [m for m in events if m["type"] == "red_card"]
        assert len(reds) == sum(e.type is EventType.RED for e in script.events)

