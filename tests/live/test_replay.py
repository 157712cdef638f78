"""Replay: a real World Cup day re-lived; every goal at its true minute, the right final score and shoot-out."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import websockets

from tests.conftest import DATA, run_async
from tests.web.conftest import start_server

WORLD_CUP_2022 = DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json"


async def _until_finished(url: str, timeout_s: float) -> list[dict]:
    messages = []
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"action": "subscribe", "channels": ["live:all"]}))
        async with asyncio.timeout(timeout_s):
            while True:
                message = json.loads(await ws.recv())
                messages.append(message)
                if message["type"] == "match_status" and message["data"]["status"] == "finished":
                    return messages


def _replay_final(db: Path, source: str, path: Path) -> tuple[list[dict], dict]:
    """Replay 2022-12-18 from ``source`` at 1200x: every live:all message until full time, and the stored match."""
    process, base = start_server(db, None, "replay", source, str(path), "--date", "2022-12-18", "--speed", "1200",
                                 "--lead", "8")
    try:
        messages = run_async(_until_finished(base.replace("http", "ws") + "/ws", 120))
        match_id = next(m["data"]["match_id"] for m in messages if m["type"] == "goal")
        return messages, httpx.get(f"{base}/api/v1/matches/{match_id}").json()
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def finals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[dict], dict]]:
    """The final replayed from both sources at once, each server on its own clock (the test waits on simulated
    time, not on work: two replays side by side take as long as one)."""
    folder = tmp_path_factory.mktemp("replays")
    runs = {"openfootball": WORLD_CUP_2022, "international-results": DATA / "international_results"}
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        futures = {source: pool.submit(_replay_final, folder / f"{source}.db", source, path)
                   for source, path in runs.items()}
        return {source: future.result() for source, future in futures.items()}


def test_world_cup_final_replay(finals: dict[str, tuple[list[dict], dict]]) -> None:
    messages, detail = finals["openfootball"]
    goals = [m["data"] for m in messages if m["type"] == "goal"]
    assert [(g["minute"], g["side"], g["player"]) for g in goals] == [
        (23, "home", "Lionel Messi"), (36, "home", "Ángel Di María"), (80, "away", "Kylian Mbappé"),
        (81, "away", "Kylian Mbappé"), (108, "home", "Lionel Messi"), (118, "away", "Kylian Mbappé")]
    assert goals[-1]["score"] == {"home": 3, "away": 3}
    periods = [m["data"]["period"] for m in messages if m["type"] == "match_status"]
    assert periods == ["first_half", "halftime", "second_half", "halftime", "extra_time", "penalties", None]
    assert (detail["home"]["name"], detail["score"]["home"], detail["score"]["away"]) == ("Argentina", 3, 3)
    assert (detail["score"]["home_penalties"], detail["score"]["away_penalties"], detail["finish"]) == (
        4, 2, "penalties")
    assert detail["league"]["code"] == "fifa.world.replay"  # replays never touch the real record


def test_international_results_replay_uses_its_own_minutes_and_shootout(
        finals: dict[str, tuple[list[dict], dict]]) -> None:
    # the same final from the other source: Messi's second goal is at 109' here (108' in openfootball), and the
    # shoot-out file names only its winner
    messages, detail = finals["international-results"]
    goals = [m["data"] for m in messages if m["type"] == "goal"]
    assert [(g["minute"], g["side"]) for g in goals] == [
        (23, "home"), (36, "home"), (80, "away"), (81, "away"), (109, "home"), (118, "away")]
    assert goals[-1]["score"] == {"home": 3, "away": 3}
    assert "penalties" in [m["data"]["period"] for m in messages if m["type"] == "match_status"]
    assert (detail["home"]["name"], detail["away"]["name"], detail["finish"]) == ("Argentina", "France", "penalties")
