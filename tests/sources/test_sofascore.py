"""SofaScore parsers on every recorded answer (capturer envelopes, the PHP re-encoded event, the 403 log)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from matchday.domain.records import HOME_KEY, Finish, MatchStatus, ParseResult, Period
from matchday.errors import ConfigError, ParseError, ProviderError, RateLimited
from matchday.sources.sofascore import PROVIDER, SOURCE, SofaScoreLive, spec
from tests.conftest import DATA

SAMPLES = DATA / "api-samples" / "sofascore"
HALFTIME = SAMPLES / "capturer-envelope" / "event-17184989_live-halftime_status-31.json"
INCIDENTS = SAMPLES / "capturer-envelope" / "event-17118211_incidents_trimmed.json"
STATISTICS = SAMPLES / "capturer-envelope" / "event-17167343_statistics_trimmed.json"
ENDED = SAMPLES / "php-reencoded" / "event_dto.json"


def parse_file(path: Path) -> ParseResult:
    return SOURCE.parse(SOURCE.plan([path], {})[0], {"body": path.read_bytes()})


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParseResult]:
    return {p.name: parse_file(p) for p in (HALFTIME, INCIDENTS, STATISTICS, ENDED)}


def test_scraped_source_flag() -> None:
    assert PROVIDER.info.scraped is True and PROVIDER.info.auth_header is None


def test_live_event_at_half_time(parsed: dict[str, ParseResult]) -> None:
    [m] = parsed[HALFTIME.name].matches
    assert (m.source_key, m.home.name, m.away.name, m.home.country) == ("17184989", "England U19", "Norway U19",
                                                                          "national")
    assert (m.status, m.period, m.minute, m.home_goals, m.away_goals, m.home_goals_ht, m.away_goals_ht) == (
        MatchStatus.HALFTIME, Period.HALFTIME, 45, 2, 0, 2, 0)
    assert m.kickoff_utc == datetime(2026, 9, 29, 14, 0) and m.season == "2026"  # startTimestamp 1790690400


def test_finished_champions_league_event(parsed: dict[str, ParseResult]) -> None:
    [m] = parsed[ENDED.name].matches
    assert (m.competition.code, m.season, m.home.name, m.home.country, m.away.name, m.away.country) == (
        "uefa.cl", "2025-26", "Inter", "Italy", "Arsenal", "England")
    assert (m.status, m.finish, m.home_goals, m.away_goals, m.home_goals_ht, m.away_goals_ht) == (
        MatchStatus.FINISHED, Finish.REGULAR, 1, 3, 1, 2)
    assert (m.venue, m.referee, m.attendance, m.round_number) == ("San Siro/Giuseppe Meazza", "Joao Pedro Pinheiro",
                                                                  72649, 7)


def test_trimmed_answers_are_partial_details(parsed: dict[str, ParseResult]) -> None:
    [incidents] = parsed[INCIDENTS.name].details
    assert incidents.match_key == "17118211" and incidents.partial  # arrays were cut to 3 by the capturer
    assert incidents.events == ()  # what survived the trim: the shoot-out period marker and two kicks
    [stats] = parsed[STATISTICS.name].details
    assert stats.partial and [p.team_key for p in stats.parts][0] == HOME_KEY
    home, away = (p.stats for p in stats.parts)
    assert (home.possession, away.possession, home.shots, away.shots, home.shots_on_target, away.shots_on_target) == (
        69.0, 31.0, 18, 3, 6, 0)


def test_goal_sides_follow_the_score() -> None:
    body = {"incidents": [
        {"incidentType": "goal", "incidentClass": "ownGoal", "isHome": True, "time": 60, "homeScore": 1,
         "awayScore": 1, "player": {"name": "A. Defender"}},
        {"incidentType": "card", "incidentClass": "yellow", "isHome": False, "time": 30, "player": {"name": "B"}},
        {"incidentType": "goal", "incidentClass": "regular", "isHome": True, "time": 10, "homeScore": 1,
         "awayScore": 0, "player": {"name": "C. Striker"}}]}
    [detail] = PROVIDER.parse("event/incidents", {"event": "1"}, json.dumps(body).encode()).details
    assert [(k, e.type.value, e.minute) for k, e in detail.events] == [
        ("@home", "goal", 10), ("@away", "yellow", 30), ("@away", "own_goal", 60)]


def test_every_status_code_and_strictness() -> None:
    assert {0, 20, 31, 60, 70, 80, 100, 110, 120} <= set(spec.STATUSES)  # every code seen in real captures
    doc = json.loads(HALFTIME.read_bytes())
    doc["event"]["status"]["code"] = 999
    with pytest.raises(ParseError) as error:
        PROVIDER.parse("event", {}, json.dumps(doc).encode())
    assert (error.value.field, error.value.value) == ("status.code", 999)


def test_forbidden_and_throttled_bodies_are_errors() -> None:
    log = (SAMPLES / "api-v1_403-forbidden_log.txt").read_text()
    body = log.split("Content: ", 1)[1].split("...")[0].strip().encode()
    assert json.loads(body) == {"error": {"code": 403, "reason": "Forbidden"}}
    with pytest.raises(ProviderError):
        PROVIDER.check_body("event", 403, body)
    with pytest.raises(RateLimited):
        PROVIDER.check_body("event", 429, b'{"error": {"code": 429, "reason": "Too Many Requests"}}')


def test_live_source_is_off_unless_enabled() -> None:
    with pytest.raises(ConfigError):
        SofaScoreLive(lambda endpoint, params: b"{}")
    event = json.loads(HALFTIME.read_bytes())["event"]
    asked: list[tuple[str, dict]] = []

    def fetch(endpoint: str, params: dict) -> bytes:
        asked.append((endpoint, dict(params)))
        return json.dumps({"events": [event]} if endpoint == "events/live" else
                          json.loads(ENDED.read_bytes())).encode()

    live = SofaScoreLive(fetch, allow_scraping=True, interval_s=1, clock=lambda: datetime(2026, 9, 29, 15, 3))
    assert live.interval_s == spec.POLITE_MIN_INTERVAL_S  # never faster than the answers' max-age
    assert set(live.poll(None)) == {"17184989"}
    polled = live.poll(["17184989", "14566612"])
    assert polled["14566612"].status is MatchStatus.FINISHED and polled["17184989"].minute == 45
    assert asked[-1] == ("event", {"event": "14566612"})


def test_standings_in_the_documented_shape() -> None:
    """The one standings capture could not be copied byte-exact (samples README); this is its documented shape.
    The season is the one running when the table was updated (SofaScore's body does not name it)."""
    body = {"standings": [{"type": "total", "name": "Premier League", "tournament": {
        "name": "Premier League", "uniqueTournament": {"id": 17, "name": "Premier League"}},
        "rows": [{"position": 1, "team": {"id": 42, "name": "Arsenal", "national": False,
                                          "country": {"name": "England"}},
                  "matches": 6, "wins": 5, "draws": 1, "losses": 0, "scoresFor": 12, "scoresAgainst": 4,
                  "points": 16, "scoreDiffFormatted": "+8", "promotion": {"id": 804, "text": "Champions League"}},
                 {"__trimmed__": 19}],
        "tieBreakingRule": {"text": "..."}, "updatedAtTimestamp": 1790690400}]}
    [row] = PROVIDER.parse("standings", {}, json.dumps(body).encode()).standings
    assert (row.competition.code, row.season, row.position, row.team.name, row.team.country, row.points,
            row.goal_difference, row.description) == ("eng.1", "2026-27", 1, "Arsenal", "England", 16, 8,
                                                      "Champions League")
