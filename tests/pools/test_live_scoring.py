"""In the running server: goals push provisional leaderboards on prediction-league:{id} to its members, and the
final whistle from the live feed scores the prediction league (outdata → syncing → up-to-date)."""

from __future__ import annotations

from matchday.ingest.live import ingest_snapshots
from tests.accounts.conftest import bearer, football_store, login, make_client, register
from tests.pools.conftest import SEASON, full_time, kick_off, season_records, write


def _until(ws, kind: str) -> dict:  # noqa: ANN001
    for _ in range(50):
        message = ws.receive_json()
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} message")


def test_live_points_and_scoring_on_the_final_whistle(tmp_path) -> None:  # noqa: ANN001
    engine = football_store(tmp_path / "football.db")
    records = season_records()
    ids = write(engine, *records)
    with make_client(engine) as client:
        for name in ("owner", "member", "stranger"):
            register(client, name)
        h = {name: login(client, name) for name in ("owner", "member", "stranger")}
        league = client.post("/api/v1/prediction-leagues", headers=bearer(h["owner"]), json={
            "name": "Live", "competition": "test.1", "season": SEASON, "scoring": "kicktipp"}).json()
        client.post("/api/v1/prediction-leagues/join", headers=bearer(h["member"]),
                    json={"invite_code": league["invite_code"]})
        base = f"/api/v1/prediction-leagues/{league['id']}"
        client.put(f"{base}/predictions/{ids[2]}", headers=bearer(h["owner"]), json={"home": 1, "away": 0})
        client.put(f"{base}/predictions/{ids[2]}", headers=bearer(h["member"]), json={"home": 0, "away": 2})
        channel = f"prediction-league:{league['id']}"
        with client.websocket_connect(f"/ws?token={h['stranger']['access_token']}") as stranger:
            stranger.receive_json()
            stranger.send_json({"action": "subscribe", "channels": [channel]})
            assert stranger.receive_json()["data"]["code"] == "NOT_FOUND"  # a private league is not there for them
        with client.websocket_connect(f"/ws?token={h['member']['access_token']}") as ws:
            ws.receive_json()
            ws.send_json({"action": "subscribe", "channels": [channel]})
            assert ws.receive_json()["type"] == "subscribed"
            snapshot = ws.receive_json()
            assert snapshot["type"] == "snapshot" and snapshot["data"]["total"] == 2
            ingest_snapshots(engine, "simulator", [kick_off(records[2], 1, 0, minute=20)])  # Bure 1:0 Avon
            client.portal.call(client.app.state.publisher.publish)
            update = _until(ws, "leaderboard_update")["data"]
            assert update["live"] is True
            assert [(r["username"], r["provisional_points"]) for r in update["items"]] == [("owner", 4), ("member", 0)]
            ingest_snapshots(engine, "simulator", [full_time(records[2], 1, 2)])
            client.portal.call(client.app.state.publisher.publish)
            final = _until(ws, "leaderboard_update")["data"]
            while (final["participants_scores_status"] != "up-to-date" or final["live"]
                   or not final["scores_updated_at"]):
                final = _until(ws, "leaderboard_update")["data"]
            # 0:2 on 1:2 is the right tendency only
            assert [(r["username"], r["points"]) for r in final["items"]] == [("member", 2), ("owner", 0)]
        detail = client.get(base, headers=bearer(h["owner"])).json()
        assert detail["participants_scores_status"] == "up-to-date"
        assert detail["scores_updated_at"] == final["scores_updated_at"]  # the scoring the update announced
    engine.dispose()
