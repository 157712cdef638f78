"""football-data.org v4 parsers on the three recorded answers (expected values read off the payloads)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from matchday.domain.records import Finish, MatchStatus, ParseResult
from matchday.errors import ParseError, ProviderError, RateLimited
from matchday.sources.football_data_org import PROVIDER, SOURCE, spec
from tests.conftest import DATA

SAMPLES = DATA / "api-samples" / "football-data-org" / "unwrapped"
STANDINGS = SAMPLES / "competitions-PL-standings_season-2025.json"
SCHEDULED = SAMPLES / "competitions-PL-matches_status-SCHEDULED_season-2025.json"
CITY = SAMPLES / "teams-65-matches_competitions-PL-CL_2023-24.json"


def parse_file(path: Path) -> ParseResult:
    unit = SOURCE.plan([path], {})[0]
    return SOURCE.parse(unit, {"body": path.read_bytes()})


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParseResult]:
    return {p.name: parse_file(p) for p in (STANDINGS, SCHEDULED, CITY)}


def test_standings(parsed: dict[str, ParseResult]) -> None:
    rows = parsed[STANDINGS.name].standings
    assert len(rows) == 20 and {(r.competition.code, r.season, r.group) for r in rows} == {("eng.1", "2025-26", None)}
    arsenal = rows[0]
    assert (arsenal.position, arsenal.team.name, arsenal.team.source_key, arsenal.played, arsenal.won, arsenal.drawn,
            arsenal.lost, arsenal.points, arsenal.goals_for, arsenal.goals_against, arsenal.goal_difference,
            arsenal.form) == (1, "Arsenal FC", "57", 28, 18, 7, 3, 61, 56, 21, 35, None)


def test_scheduled_matches_are_timed(parsed: dict[str, ParseResult]) -> None:
    result = parsed[SCHEDULED.name]
    assert result.problems == [] and len(result.matches) == 109
    assert {m.status for m in result.matches} == {MatchStatus.SCHEDULED}
    first = result.matches[0]
    assert (first.home.name, first.away.name, first.kickoff_utc, first.round_number, first.stage, first.source_key,
            first.season) == ("Everton FC", "Manchester United FC", datetime(2026, 2, 23, 20, 0), 27, "regular",
                              "538050", "2025-26")
    assert first.home_goals is None and first.referee is None


def test_a_teams_matches_in_two_competitions(parsed: dict[str, ParseResult]) -> None:
    result = parsed[CITY.name]
    assert result.problems == [] and len(result.matches) == 46
    assert Counter(m.status for m in result.matches) == {MatchStatus.FINISHED: 24, MatchStatus.SCHEDULED: 21,
                                                          MatchStatus.POSTPONED: 1}
    burnley = next(m for m in result.matches if m.source_key == "435943")
    assert (burnley.home.name, burnley.away.name, burnley.home_goals, burnley.away_goals, burnley.home_goals_ht,
            burnley.away_goals_ht, burnley.finish, burnley.referee) == (
        "Burnley FC", "Manchester City FC", 0, 3, 0, 2, Finish.REGULAR, "Craig Pawson")
    cl = [m for m in result.matches if m.competition.code == "uefa.cl"]
    assert Counter(m.stage for m in cl) == {"Group G": 6, "Round of 16": 2}
    assert {m.home.country for m in cl} == {None}  # club cup: teams matched by name across countries


def test_penalty_shootout_scores_exclude_the_kicks() -> None:
    doc = json.loads(CITY.read_bytes())
    raw = doc["matches"][0]
    raw.update(status="FINISHED", score={"winner": "HOME_TEAM", "duration": "PENALTY_SHOOTOUT",
                                         "fullTime": {"home": 5, "away": 4}, "halfTime": {"home": 0, "away": 0},
                                         "regularTime": {"home": 1, "away": 1}, "extraTime": {"home": 0, "away": 0},
                                         "penalties": {"home": 4, "away": 3}})
    record = PROVIDER.parse("match", {}, json.dumps(raw).encode()).matches[0]
    assert (record.home_goals, record.away_goals, record.home_penalties, record.away_penalties, record.finish,
            record.home_goals_et) == (1, 1, 4, 3, Finish.PENALTIES, 1)


def test_every_v4_status_maps_and_unknown_ones_are_reported() -> None:
    assert sorted(spec.STATUSES) == sorted(["SCHEDULED", "TIMED", "IN_PLAY", "PAUSED", "EXTRA_TIME",
                                            "PENALTY_SHOOTOUT", "FINISHED", "SUSPENDED", "POSTPONED", "CANCELLED",
                                            "AWARDED"])
    doc = json.loads(SCHEDULED.read_bytes())
    doc["matches"][0]["status"] = "CANCELED"  # the v2 misspelling is not v4
    result = PROVIDER.parse("competitions/matches", {}, json.dumps(doc).encode())
    assert len(result.matches) == 108 and result.problems[0].field == "status"
    with pytest.raises(ParseError):
        from matchday.sources.football_data_org.parser import stage_label
        stage_label("LAST_8", None)


def test_error_bodies_and_throttle_headers() -> None:
    with pytest.raises(RateLimited):
        PROVIDER.check_body("competitions/matches", 429, b'{"message": "You reached your request limit. Wait 41 '
                                                         b'seconds.", "errorCode": 429}')
    with pytest.raises(ProviderError):
        PROVIDER.check_body("competitions/matches", 403, b'{"message": "The resource you are looking for is '
                                                         b'restricted.", "errorCode": 403}')
    PROVIDER.check_body("competitions/standings", 200, STANDINGS.read_bytes())
    reading = PROVIDER.quota_headers({"X-Requests-Available-Minute": "0", "X-RequestCounter-Reset": "41"})
    assert (reading.minute_remaining, reading.retry_after_s) == (0, 41.0)
    assert PROVIDER.quota_headers({"X-Requests-Available-Minute": "7"}).retry_after_s is None
