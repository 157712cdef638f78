"""The match centre through the API, checked against the providers' own payloads: Understat's shots (x, y, xG)
and API-Football's statistics, line-ups (formation, grid, coach) and player ratings as served."""

from __future__ import annotations

import codecs
import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import AF_FIXTURES, UNDERSTAT_MATCH

UNDERSTAT_RESULTS = {"Goal": "goal", "OwnGoal": "own_goal", "SavedShot": "saved", "BlockedShot": "blocked",
                     "MissedShots": "missed", "ShotOnPost": "woodwork"}


def _understat_shots() -> dict[str, list[dict]]:
    """The page's own ``shotsData``, read here without the project's parser."""
    text = UNDERSTAT_MATCH.read_text("utf-8")
    literal = re.search(r"shotsData\s*=\s*JSON\.parse\('([^']*)'\)", text).group(1)
    return json.loads(codecs.decode(literal, "unicode_escape"))


def _af_fixture() -> dict:
    return json.loads(AF_FIXTURES.read_text("utf-8"))["response"][0]


def _match_id(client: TestClient, league: str, home: str, day: str) -> int:
    items = client.get("/api/v1/matches", params={"league_id": league, "date": day}).json()
    return next(m["id"] for m in items["items"] if m["home"]["name"].startswith(home))


@pytest.fixture(scope="module")
def understat_id(match_centre_client: TestClient) -> int:
    return _match_id(match_centre_client, "eng.1", "Crystal Palace", "2021-03-03")


@pytest.fixture(scope="module")
def af_id(match_centre_client: TestClient) -> int:
    return _match_id(match_centre_client, "uefa.cl", "Atletico", "2024-03-13")


def test_shots_are_understats_as_served(match_centre_client: TestClient, understat_id: int) -> None:
    raw = _understat_shots()
    body = match_centre_client.get(f"/api/v1/matches/{understat_id}/shots").json()
    assert (body["source"], body["sources"]) == ("understat", ["understat"])
    for side, key in (("home", "h"), ("away", "a")):
        served = sorted((s["minute"], s["player"]["name"], s["x"], s["y"], s["xg"], s["result"])
                         for s in body["shots"] if s["side"] == side)
        expected = sorted((int(s["minute"]), s["player"], float(s["X"]), float(s["Y"]), float(s["xG"]),
                           UNDERSTAT_RESULTS[s["result"]]) for s in raw[key])
        assert served == expected
        totals = body[side]
        assert totals["shots"] == len(raw[key])
        assert totals["xg"] == pytest.approx(sum(float(s["xG"]) for s in raw[key]), abs=1e-4)
        assert totals["goals"] == sum(s["result"] == "Goal" for s in raw[key])
        assert body["xg_race"][-1][f"{side}_xg"] == pytest.approx(totals["xg"], abs=1e-4)
    race = body["xg_race"]
    assert race[0] == {"minute": 0, "home_xg": 0.0, "away_xg": 0.0, "goals": []}
    assert all(a["minute"] < b["minute"] and a["home_xg"] <= b["home_xg"] and a["away_xg"] <= b["away_xg"]
               for a, b in zip(race, race[1:], strict=False))


def test_shots_of_an_unknown_source_are_a_404(match_centre_client: TestClient, understat_id: int) -> None:
    response = match_centre_client.get(f"/api/v1/matches/{understat_id}/shots", params={"source": "espn"})
    assert response.status_code == 404
    assert "understat" in response.json()["detail"]


def test_a_match_without_shots_says_so(match_centre_client: TestClient, af_id: int) -> None:
    body = match_centre_client.get(f"/api/v1/matches/{af_id}/shots").json()
    assert (body["source"], body["shots"], body["home"]["shots"]) == (None, [], 0)


def test_stats_merge_sources_figure_by_figure(match_centre_client: TestClient, understat_id: int) -> None:
    """football-data.co.uk's row (HS 8, AS 11, HST 2, AST 1, HF 4, AF 13, HC 4, AC 6) and Understat's xG."""
    body = match_centre_client.get(f"/api/v1/matches/{understat_id}/stats").json()
    home, away = body["home"], body["away"]
    assert (home["shots"], away["shots"], home["shots_on_target"], away["shots_on_target"], home["fouls"],
            away["fouls"], home["corners"], away["corners"]) == (8, 11, 2, 1, 4, 13, 4, 6)
    assert (home["expected_goals"], away["expected_goals"]) == (pytest.approx(0.742397), pytest.approx(0.584016))
    assert home["sources"]["shots"] == "football-data-uk"
    assert home["sources"]["expected_goals"] == "understat"
    assert home["source"] == "football-data-uk"


def test_stats_serve_every_api_football_figure(match_centre_client: TestClient, af_id: int) -> None:
    raw = {item["team"]["name"]: {s["type"]: s["value"] for s in item["statistics"]}
           for item in _af_fixture()["statistics"]}
    body = match_centre_client.get(f"/api/v1/matches/{af_id}/stats").json()
    for side, team in (("home", "Atletico Madrid"), ("away", "Inter")):
        given, served = raw[team], body[side]
        assert served["shots_off_target"] == given["Shots off Goal"]
        assert served["blocked_shots"] == given["Blocked Shots"]
        assert served["possession"] == float(given["Ball Possession"].rstrip("%"))
        assert served["expected_goals"] == float(given["expected_goals"])
        assert (served["passes"], served["passes_accurate"], served["saves"]) == (
            given["Total passes"], given["Passes accurate"], given["Goalkeeper Saves"])
        assert set(served["sources"].values()) == {"api-football"}
    detail = match_centre_client.get(f"/api/v1/matches/{af_id}").json()
    assert detail["statistics"] == body


def test_lineups_carry_formation_grid_coach_and_ratings(match_centre_client: TestClient, af_id: int) -> None:
    fixture = _af_fixture()
    body = match_centre_client.get(f"/api/v1/matches/{af_id}/lineups").json()
    ratings = {p["player"]["id"]: p["statistics"][0]["games"]["rating"] for team in fixture["players"]
               for p in team["players"]}
    names = {p["player"]["id"]: p["player"]["name"] for team in fixture["players"] for p in team["players"]}
    for side, raw in zip(("home", "away"), fixture["lineups"], strict=True):
        assert body[f"{side}_formation"] == {"formation": raw["formation"], "coach": raw["coach"]["name"],
                                             "source": "api-football"}
        served = {p["player"]["name"]: p for p in body[side]}
        for item in raw["startXI"]:
            player = served[item["player"]["name"]]
            assert (player["grid"], player["shirt_number"], player["starter"]) == (
                item["player"]["grid"], item["player"]["number"], True)
            given = ratings[item["player"]["id"]]
            assert player["rating"] == (float(given) if given else None), names[item["player"]["id"]]
    home = {p["player"]["name"]: p for p in body["home"]}
    # API-Football: "Samuel Lino" off, "Rodrigo Riquelme" on at 71'; Griezmann scored at 35' and went off at 105'
    assert (home["Samuel Lino"]["subbed_off_minute"], home["Rodrigo Riquelme"]["subbed_on_minute"]) == (71, 71)
    assert (home["A. Griezmann"]["goals"], home["A. Griezmann"]["subbed_off_minute"]) == (1, 105)
    assert home["Hermoso"]["yellow_cards"] == 1  # the event names him "Mario Hermoso": one player


def test_player_figures_per_match(match_centre_client: TestClient, af_id: int, understat_id: int) -> None:
    body = match_centre_client.get(f"/api/v1/matches/{af_id}/players").json()
    oblak = next(p for p in body["home"] if p["player"]["name"] == "Jan Oblak")
    assert (oblak["source"], oblak["minutes"], oblak["rating"], oblak["passes"]) == ("api-football", 121, 8.0, 27)
    understat = match_centre_client.get(f"/api/v1/matches/{understat_id}/players").json()
    bruno = next(p for p in understat["away"] if p["player"]["name"] == "Bruno Fernandes")
    assert (bruno["source"], bruno["minutes"], bruno["key_passes"]) == ("understat", 90, 4)


def test_player_season_aggregates(match_centre_client: TestClient) -> None:
    [found] = match_centre_client.get("/api/v1/players", params={"search": "Griezmann"}).json()["items"]
    body = match_centre_client.get(f"/api/v1/players/{found['id']}").json()
    [season] = body["seasons"]
    assert (season["league"]["code"], season["season"], season["appearances"], season["starts"], season["goals"],
            season["minutes"]) == ("uefa.cl", "2023-24", 1, 1, 1, 105)
    assert season["average_rating"] == 8.9
    assert season["per_90"]["goals"] == round(90 / 105, 2)
    assert [m["match"]["home"]["name"] for m in body["matches"]] == ["Atletico Madrid"]


def test_player_xg_and_xa_per_90_from_understat(match_centre_client: TestClient) -> None:
    [found] = match_centre_client.get("/api/v1/players", params={"search": "Bruno Fernandes"}).json()["items"]
    body = match_centre_client.get(f"/api/v1/players/{found['id']}").json()
    [season] = [s for s in body["seasons"] if s["league"]["code"] == "eng.1"]
    raw = [s for s in _understat_shots()["a"] if s["player"] == "Bruno Fernandes"]
    assert season["expected_goals"] == pytest.approx(sum(float(s["xG"]) for s in raw), abs=1e-4)
    assert season["minutes"] == 90
    assert season["per_90"]["expected_assists"] == round(season["expected_assists"], 2)


def test_search_finds_a_player_by_any_name_a_source_gave(match_centre_client: TestClient) -> None:
    """The line-up names him "J. Oblak", the player figures "Jan Oblak": either finds the one player."""
    by_lineup = match_centre_client.get("/api/v1/players", params={"search": "j. oblak"}).json()["items"]
    by_figures = match_centre_client.get("/api/v1/players", params={"search": "Jan Oblak"}).json()["items"]
    assert [p["id"] for p in by_lineup] == [p["id"] for p in by_figures] and len(by_lineup) == 1
    detail = match_centre_client.get(f"/api/v1/players/{by_lineup[0]['id']}").json()
    assert set(detail["names"]) == {"J. Oblak", "Jan Oblak"}


def test_team_profile_merges_providers(match_centre_client: TestClient) -> None:
    [united] = [t for t in match_centre_client.get("/api/v1/teams", params={"search": "Manchester United"}
                                                   ).json()["items"] if t["name"] in ("Man United",
                                                                                      "Manchester United")]
    assert united["founded"] == 1878 and united["stadium"] == "Old Trafford" and united["capacity"] > 70000
    assert united["crest_url"] == "https://crests.football-data.org/66.png"
    assert united["profile_sources"]["crest_url"] == "football-data-org"
    assert united["profile_sources"]["founded"] == "api-football"
    assert match_centre_client.get(f"/api/v1/teams/{united['id']}").json()["short_name"] == "Man United"


def test_routes_are_in_the_openapi_document(match_centre_client: TestClient) -> None:
    paths = match_centre_client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/matches/{match_id}/shots", "/api/v1/matches/{match_id}/players",
                 "/api/v1/players/{player_id}", "/api/v1/players"):
        assert "get" in paths[path], path


MATCH_CENTRE_PATHS = {"/api/v1/matches/{match_id}/shots", "/api/v1/matches/{match_id}/players",
                      "/api/v1/matches/{match_id}/stats", "/api/v1/matches/{match_id}/lineups",
                      "/api/v1/players/{player_id}", "/api/v1/players", "/api/v1/teams/{team_id}",
                      "/calendar/team/{team_id}.ics", "/calendar/league/{league}.ics", "/calendar/user/{token}.ics"}


def test_match_centre_routes_fuzzed_on_a_store_that_has_their_data(match_centre_store) -> None:  # noqa: ANN001
    """test_schema_fuzz covers every route on the shared store (no shots, ratings or formations there); here the
    match centre's routes run the same schema checks where their payloads are full."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    from matchday.server import create_server
    from matchday.settings import Settings

    app = create_server(Settings(database_url=str(match_centre_store.url)), match_centre_store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path in MATCH_CENTRE_PATHS]
    assert {op.path for op in operations} == MATCH_CENTRE_PATHS
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def conforms(case) -> None:  # noqa: ANN001 - a schemathesis Case
            if "match_id" in (case.path_parameters or {}):
                case.path_parameters["match_id"] = case.path_parameters["match_id"] % 400 + 1
            if "team_id" in (case.path_parameters or {}):
                case.path_parameters["team_id"] = case.path_parameters["team_id"] % 60 + 1
            if "player_id" in (case.path_parameters or {}):
                case.path_parameters["player_id"] = case.path_parameters["player_id"] % 200 + 1
            case.call_and_validate()

        conforms()
