"""GET /api/v1/matches/{id}/prediction and /api/v1/leagues/{id}/simulation on the real API store."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient

from tests.api.test_endpoints import _error


def test_match_prediction_is_made_before_kick_off(client: TestClient) -> None:
    matches = client.get("/api/v1/matches", params={"league_id": "eng.1", "season": "2024-25",
                                                    "limit": 200}).json()["items"]
    match = matches[150]
    response = client.get(f"/api/v1/matches/{match['id']}/prediction")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["match_id"] == match["id"] and body["model"] == "combined"
    assert (body["home"], body["away"]) == (match["home"]["name"], match["away"]["name"])
    assert abs(body["p_home"] + body["p_draw"] + body["p_away"] - 1.0) < 1e-9
    assert datetime.fromisoformat(body["as_of"]) <= datetime.fromisoformat(body["kickoff_utc"])
    scores = body["likely_scores"]
    assert len(scores) == 5 and scores == sorted(scores, key=lambda s: -s["p"])
    assert abs(body["p_over_2_5"] + body["p_under_2_5"] - 1.0) < 1e-9 and body["home_xg"] > 0
    again = client.get(f"/api/v1/matches/{match['id']}/prediction", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    elo = client.get(f"/api/v1/matches/{match['id']}/prediction", params={"model": "elo"}).json()
    assert elo["model"] == "elo" and elo["p_home"] != body["p_home"]


def test_prediction_errors(client: TestClient) -> None:
    _error(client.get("/api/v1/matches/999999/prediction"), 404, "NOT_FOUND")
    world_cup = client.get("/api/v1/matches", params={"league_id": "fifa.world"}).json()["items"][0]
    _error(client.get(f"/api/v1/matches/{world_cup['id']}/prediction"), 404, "NOT_FOUND")
    _error(client.get("/api/v1/matches/1/prediction", params={"model": "oracle"}), 422, "VALIDATION_ERROR")


def test_simulation_of_a_season_in_progress(client: TestClient) -> None:
    response = client.get("/api/v1/leagues/sim.1/simulation", params={"season": "2026-27", "runs": 2000})
    assert response.status_code == 200, response.text
    sim = response.json()
    assert sim["runs"] == 2000 and len(sim["teams"]) == 10 and sim["matches_played"] + sim["matches_remaining"] == 90
    for team in sim["teams"]:
        assert len(team["positions"]) == 10 and abs(sum(team["positions"]) - 1.0) < 1e-3
    assert abs(sum(t["p_title"] for t in sim["teams"]) - 1.0) < 1e-3


def test_simulation_of_a_finished_season_is_its_table(client: TestClient) -> None:
    sim = client.get("/api/v1/leagues/eng.1/simulation", params={"season": "2011-12", "runs": 1000}).json()
    table = client.get("/api/v1/leagues/eng.1/table", params={"season": "2011-12"}).json()["standings"]
    assert sim["matches_remaining"] == 0
    assert {t["team_name"]: t["positions"].index(1.0) + 1 for t in sim["teams"]} == \
        {r["team_name"]: r["position"] for r in table}
    _error(client.get("/api/v1/leagues/eng.1/simulation", params={"season": "1888-89"}), 404, "NOT_FOUND")


def test_match_page_shows_the_prediction(client: TestClient) -> None:
    match = client.get("/api/v1/matches", params={"league_id": "eng.1", "season": "2024-25"}).json()["items"][0]
    prediction = client.get(f"/api/v1/matches/{match['id']}/prediction").json()
    html = client.get(f"/matches/{match['id']}").text
    assert 'id="prediction-h"' in html and "Most likely scores" in html
    top = prediction["likely_scores"][0]
    assert f"<b>{top['home']}-{top['away']}</b>" in html
    assert f"{prediction['p_home'] * 100:.0f}%" in html


def test_league_page_shows_position_probabilities(client: TestClient) -> None:
    html = client.get("/leagues/sim.1", params={"season": "2026-27"}).text
    assert 'id="outlook-h"' in html and "Probability of each final position" in html
    assert html.count("<rect") >= 10
    finished = client.get("/leagues/eng.1", params={"season": "2011-12"}).text
    assert 'id="outlook-h"' not in finished  # nothing left to simulate
