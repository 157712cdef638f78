"""What the match centre needs from the providers' payloads: API-Football's formation, grid and coach, every
provider's shots off target / blocked / tackles, and team profiles (crest URLs, short names, colours ...)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchday.domain.records import ParseResult, Side
from matchday.errors import ParseError
from matchday.sources.api_football import SOURCE as API_FOOTBALL
from matchday.sources.api_football.parser import formation, lineup
from matchday.sources.espn import SOURCE as ESPN
from matchday.sources.football_data_org import SOURCE as FOOTBALL_DATA_ORG
from matchday.sources.sofascore import SOURCE as SOFASCORE
from tests.api.conftest import AF_FIXTURES as AF_PEN
from tests.conftest import DATA

SAMPLES = DATA / "api-samples"
AF_LINEUPS = SAMPLES / "api-football" / "fixtures-lineups_fixture-1149523.json"
AF_TEAMS = SAMPLES / "api-football" / "teams_search-Manchester.json"


def parse(source, path: Path) -> ParseResult:  # noqa: ANN001 - a source plugin
    return source.parse(source.plan([path], {})[0], {"body": path.read_bytes()})


def test_api_football_lineups_endpoint_keeps_formation_grid_and_coach() -> None:
    raw = json.loads(AF_LINEUPS.read_text("utf-8"))["response"]
    [detail] = parse(API_FOOTBALL, AF_LINEUPS).details
    for part, item in zip(detail.parts, raw, strict=True):
        assert (part.formation.formation, part.formation.coach_name) == (item["formation"], item["coach"]["name"])
        assert [e.grid for e in part.lineup if e.starter] == [p["player"]["grid"] for p in item["startXI"]]
        assert all(e.grid is None for e in part.lineup if not e.starter)
    assert (detail.parts[0].formation.formation, detail.parts[0].formation.coach_name) == ("4-3-3", "Guardiola")


def test_api_football_fixtures_with_embedded_lineups() -> None:
    result = parse(API_FOOTBALL, AF_PEN)
    first = result.matches[0]
    assert [(f.side, f.formation, f.coach_name) for f in first.formations] == [
        (Side.HOME, "3-5-2", "D. Simeone"), (Side.AWAY, "3-5-2", "S. Inzaghi")]
    home = next(s for s in first.stats if s.side is Side.HOME)
    assert (home.shots, home.shots_on_target, home.shots_off_target, home.blocked_shots) == (23, 9, 8, 6)
    crests = {t.team.name: t.profile.crest_url for t in result.teams}
    assert crests["Atletico Madrid"] == "https://media.api-sports.io/football/teams/530.png"


@pytest.mark.parametrize(("raw", "field"), [
    ({"formation": "4-3-3", "startXI": [{"player": {"name": "A", "pos": "G", "grid": "one"}}]},
     "lineups.player.grid"),
    ({"formation": "four-four-two", "startXI": []}, "lineups.formation"),
])
def test_api_football_bad_grid_or_formation_is_an_error(raw: dict, field: str) -> None:
    with pytest.raises(ParseError) as caught:
        lineup(raw, Side.HOME)
        formation(raw, Side.HOME)
    assert caught.value.field == field


def test_api_football_team_list_profiles() -> None:
    teams = {t.team.name: t.profile for t in parse(API_FOOTBALL, AF_TEAMS).teams}
    united = teams["Manchester United"]
    assert (united.founded, united.stadium, united.city, united.code) == (1878, "Old Trafford", "Manchester", "MUN")
    assert united.capacity > 70000 and united.crest_url.endswith("/33.png")


def test_football_data_org_profiles_from_table_rows() -> None:
    path = SAMPLES / "football-data-org" / "unwrapped" / "competitions-PL-standings_season-2025.json"
    profiles = {t.team.name: t.profile for t in parse(FOOTBALL_DATA_ORG, path).teams}
    assert len(profiles) == 20
    arsenal = profiles["Arsenal FC"]
    assert (arsenal.short_name, arsenal.code, arsenal.crest_url) == ("Arsenal", "ARS",
                                                                     "https://crests.football-data.org/57.png")


def test_espn_profiles_with_colours_and_tackles() -> None:
    result = parse(ESPN, SAMPLES / "espn" / "summary_usa.1_event-692669_reindented.json")
    st_louis = next(t.profile for t in result.teams if t.team.name == "St. Louis CITY SC")
    assert (st_louis.short_name, st_louis.code, st_louis.colours) == ("St. Louis", "STL", ("#ec1458", "#001544"))
    assert st_louis.crest_url == "https://a.espncdn.com/i/teamlogos/soccer/500/21812.png"  # not the dark variant
    [match] = result.matches
    assert all(s.tackles is not None and s.blocked_shots is not None for s in match.stats)


def test_sofascore_shots_off_target() -> None:
    path = SAMPLES / "sofascore" / "capturer-envelope" / "event-17167343_statistics_trimmed.json"
    [detail] = parse(SOFASCORE, path).details
    assert [p.stats.shots_off_target for p in detail.parts] == [8, 2]
