"""Favorites over HTTP, and the private WebSocket channel user:{id} fed by favorite teams' matches."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from matchday.domain.records import MatchStatus, Period
from matchday.ingest.live import ingest_snapshots
from matchday.sources.simulator.generator import generate_season
from matchday.store.outbox import mark_feed_published as mark_published
from tests.accounts.conftest import bearer, football_store, login, make_client, register


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - (client, engine, season records)
    engine = football_store(tmp_path_factory.mktemp("favorites") / "football.db")
    season = generate_season(4, seed=2, season="2026-27", played_until=datetime(2026, 8, 20)).matches
    ingest_snapshots(engine, "simulator", season)
    mark_published(engine, 10**9)  # the season's history is not news
    with make_client(engine) as client:
        yield client, engine, season
    engine.dispose()


def _team_id(client: TestClient, name: str) -> int:
    return next(t["id"] for t in client.get("/api/v1/teams", params={"search": name}).json()["items"]
                if t["name"] == name)


def test_favorites_add_list_delete_and_errors(world) -> None:  # noqa: ANN001
    client, _engine, season = world
    register(client, "fan")
    headers = bearer(login(client, "fan"))
    team_id = _team_id(client, season[0].home.name)
    league_id = client.get("/api/v1/leagues/sim.1").json()["id"]
    added = client.post("/api/v1/users/favorites", headers=headers, json={"entity_type": "team", "entity_id": team_id})
    assert added.status_code == 201 and added.json()["team_id"] == team_id
    assert added.json()["name"] == season[0].home.name and added.json()["notification_enabled"] is True
    assert client.post("/api/v1/users/favorites", headers=headers,
                       json={"entity_type": "league", "entity_id": league_id}).status_code == 201
    assert client.post("/api/v1/users/favorites", headers=headers,
                       json={"entity_type": "team", "entity_id": team_id}).status_code == 400
    assert client.post("/api/v1/users/favorites", headers=headers,
                       json={"entity_type": "player", "entity_id": team_id}).status_code == 400
    assert client.post("/api/v1/users/favorites", headers=headers,
                       json={"entity_type": "team", "entity_id": 99999}).status_code == 404
    listed = client.get("/api/v1/users/favorites", headers=headers).json()
    assert [f["team_id"] for f in listed["teams"]] == [team_id]
    assert [f["league_id"] for f in listed["leagues"]] == [league_id]
    assert set(listed["teams"][0]) == {"id", "team_id", "league_id", "name", "notification_enabled", "added_at"}
    register(client, "other-fan")
    other = bearer(login(client, "other-fan"))
    favorite_id = listed["leagues"][0]["id"]
    assert client.delete(f"/api/v1/users/favorites/{favorite_id}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/users/favorites/{favorite_id}", headers=headers).status_code == 204
    assert client.get("/api/v1/users/favorites", headers=headers).json()["leagues"] == []
    assert client.get("/api/v1/users/favorites").status_code == 401


def test_user_channel_gets_favorite_teams_events_for_its_owner_only(world) -> None:  # noqa: ANN001
    client, engine, season = world
    upcoming = next(m for m in season if m.home_goals is None)
    team_id = _team_id(client, upcoming.home.name)
    register(client, "follower")
    register(client, "muted")
    follower, muted = login(client, "follower"), login(client, "muted")
    follower_id = client.get("/api/v1/auth/me", headers=bearer(follower)).json()["id"]
    muted_id = client.get("/api/v1/auth/me", headers=bearer(muted)).json()["id"]
    client.post("/api/v1/users/favorites", headers=bearer(follower), json={"entity_type": "team", "entity_id": team_id})
    client.post("/api/v1/users/favorites", headers=bearer(muted),
                json={"entity_type": "team", "entity_id": team_id, "notification_enabled": False})
    with client.websocket_connect("/ws") as anonymous:
        anonymous.send_json({"action": "subscribe", "channels": [f"user:{follower_id}"]})
        assert anonymous.receive_json()["data"]["code"] == "UNAUTHORIZED"
    with client.websocket_connect(f"/ws?token={follower['access_token']}") as ws, \
            client.websocket_connect("/ws") as ws_muted:
        assert ws.receive_json()["type"] == "authenticated"
        ws.send_json({"action": "subscribe", "channels": [f"user:{muted_id}"]})
        assert ws.receive_json()["data"]["code"] == "FORBIDDEN"
        ws.send_json({"action": "subscribe", "channels": [f"user:{follower_id}"]})
        assert ws.receive_json()["type"] == "subscribed"
        snapshot = ws.receive_json()
        assert snapshot["type"] == "snapshot" and snapshot["data"]["channels"] == [f"team:{team_id}"]
        ws_muted.send_json({"action": "auth", "token": muted["access_token"]})
        assert ws_muted.receive_json()["type"] == "authenticated"
        ws_muted.send_json({"action": "subscribe", "channels": [f"user:{muted_id}"]})
        assert ws_muted.receive_json()["type"] == "subscribed" and ws_muted.receive_json()["type"] == "snapshot"
        ingest_snapshots(engine, "simulator", [replace(upcoming, status=MatchStatus.LIVE, period=Period.FIRST_HALF,
                                                       minute=12, home_goals=1, away_goals=0, events=())])
        client.portal.call(client.app.state.publisher.publish)
        ws.send_json({"action": "ping"})
        received = []
        while (message := ws.receive_json())["type"] != "pong":
            received.append(message)
        assert received[0]["type"] == "match_status" and {m["channel"] for m in received} == {f"user:{follower_id}"}
        goals = [m for m in received if m["type"] == "goal"]
        assert len(goals) == 1 and goals[0]["data"]["score"] == {"home": 1, "away": 0}
        # each event carries the notification a page shows (the same builder as Web Push's), teams named
        home, away = upcoming.home.name, upcoming.away.name
        assert received[0]["data"]["notification"]["title"] == f"Kick-off: {home} – {away}"
        assert goals[0]["data"]["notification"]["title"] == f"Goal: {home} 1–0 {away}, 12'"
        assert {m["type"] for m in received} <= {"match_status", "goal", "yellow_card", "red_card"}  # no ticks
        ws_muted.send_json({"action": "ping"})
        assert ws_muted.receive_json()["type"] == "pong"  # notifications off: nothing arrived


def test_home_page_starts_with_the_signed_in_users_teams(world) -> None:  # noqa: ANN001
    import re

    client, _engine, season = world
    upcoming = next(m for m in season if m.home_goals is None)
    browser = TestClient(client.app)  # its own cookie jar: a browser signing in through the form
    page = browser.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    register(client, "homefan")
    signed_in = browser.post("/login", data={"csrf_token": token, "username": "homefan",
                                             "password": "correct horse battery staple"}, follow_redirects=False)
    assert signed_in.status_code == 303
    assert "HttpOnly" in signed_in.headers["set-cookie"] and "SameSite=lax" in signed_in.headers["set-cookie"]
    assert "Your teams" not in browser.get("/").text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', browser.get("/").text).group(1)
    team_id = _team_id(client, upcoming.away.name)
    no_token = browser.post("/api/v1/users/favorites", json={"entity_type": "team", "entity_id": team_id})
    assert no_token.status_code == 403  # the cookie alone does not write
    assert browser.post("/api/v1/users/favorites", json={"entity_type": "team", "entity_id": team_id},
                        headers={"X-CSRF-Token": csrf}).status_code == 201
    home = browser.get("/").text
    yours = home[home.index('data-role="your-matches"'):home.index('data-role="live-now"')]
    assert upcoming.away.name in yours
