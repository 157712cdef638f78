"""Scaled out, a final whistle is scored once for the whole deployment: by whichever process delivers its change
set (the Celery worker's ``publish_feed`` or either API process's publisher: one lease per subscriber in the
store), and every API process pushes the new leaderboard to its own members. Real Redis; two API apps sharing it,
as two `matchday serve` processes would."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from matchday.ingest.live import ingest_snapshots
from matchday.pools import sync
from matchday.settings import Settings
from matchday.workers import tasks
from tests.accounts.conftest import bearer, football_store, login, make_client, register
from tests.pools.conftest import SEASON, full_time, season_records, write
from tests.pools.test_live_scoring import _until


def _subscribe(ws, channel: str) -> None:  # noqa: ANN001
    ws.receive_json()
    ws.send_json({"action": "subscribe", "channels": [channel]})
    assert ws.receive_json()["type"] == "subscribed"
    assert ws.receive_json()["type"] == "snapshot"


def _scored(ws) -> dict:  # noqa: ANN001
    update = _until(ws, "leaderboard_update")["data"]
    while update["participants_scores_status"] != "up-to-date" or not update["scores_updated_at"]:
        update = _until(ws, "leaderboard_update")["data"]
    return update


def test_a_final_whistle_published_by_a_worker_is_scored_once(tmp_path, redis_server,  # noqa: ANN001
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    engine = football_store(tmp_path / "football.db")
    records = season_records()
    ids = write(engine, *records)
    one, two = (make_client(engine, redis_url=redis_server.url) for _ in range(2))
    with one, two:
        for name in ("owner", "member"):
            register(one, name)
        tokens = {name: login(one, name) for name in ("owner", "member")}
        league = one.post("/api/v1/prediction-leagues", headers=bearer(tokens["owner"]), json={
            "name": "Scaled", "competition": "test.1", "season": SEASON, "scoring": "kicktipp"}).json()
        one.post("/api/v1/prediction-leagues/join", headers=bearer(tokens["member"]),
                 json={"invite_code": league["invite_code"]})
        base = f"/api/v1/prediction-leagues/{league['id']}"
        one.put(f"{base}/predictions/{ids[2]}", headers=bearer(tokens["owner"]), json={"home": 1, "away": 2})
        one.put(f"{base}/predictions/{ids[2]}", headers=bearer(tokens["member"]), json={"home": 0, "away": 2})

        scorings: list[list[int]] = []
        score = sync.results_changed
        monkeypatch.setattr(sync, "results_changed", lambda users, football, match_ids, season_ids=(): (
            scorings.append(list(match_ids)), score(users, football, match_ids, season_ids))[1])
        worker = SimpleNamespace(engine=engine, settings=Settings(database_url=str(engine.url),
                                                                 redis_url=redis_server.url))
        monkeypatch.setattr(tasks, "worker_collector", lambda: worker)
        monkeypatch.setattr(tasks, "_users_engine", lambda: one.app.state.accounts.engine)

        channel = f"prediction-league:{league['id']}"
        with one.websocket_connect(f"/ws?token={tokens['owner']['access_token']}") as on_one, \
                two.websocket_connect(f"/ws?token={tokens['member']['access_token']}") as on_two:
            _subscribe(on_one, channel)
            _subscribe(on_two, channel)
            ingest_snapshots(engine, "simulator", [full_time(records[2], 1, 2)])  # a worker's live job stored it
            tasks.publish_feed()  # the worker and both API processes race to deliver: each row goes out once
            for ws in (on_one, on_two):  # each API process pushed the scored leaderboard to its own member
                final = _scored(ws)
                # 1:2 exactly for the owner (kicktipp 4), the right tendency for the member (2)
                assert [(r["username"], r["points"]) for r in final["items"]] == [("owner", 4), ("member", 2)]
        assert scorings == [[ids[2]]], "scored once: one process delivered the change set, nobody scored a message"
