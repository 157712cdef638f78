"""Understat pages (HTML with embedded JSON): matches with xG, shots with x/y/xG, player figures, season xG."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from matchday.domain.records import MatchStatus, ParseResult, Side
from matchday.errors import ParseError, UnreadableFile
from matchday.sources.understat import PROVIDER, SOURCE, embedded
from tests.conftest import DATA

SAMPLES = DATA / "api-samples" / "understat"
MATCH = SAMPLES / "match_14717.html"
LEAGUE = SAMPLES / "league_EPL_2020.html"
TEAM = SAMPLES / "team_Manchester_United_2020.html"


def parse_file(path: Path) -> ParseResult:
    return SOURCE.parse(SOURCE.plan([path], {})[0], {"body": path.read_bytes()})


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParseResult]:
    return {p.name: parse_file(p) for p in (MATCH, LEAGUE, TEAM)}


def test_match_page(parsed: dict[str, ParseResult]) -> None:
    [m] = parsed[MATCH.name].matches
    assert (m.source_key, m.competition.code, m.season, m.home.name, m.away.name, m.home_goals, m.away_goals,
            m.kickoff_utc) == ("14717", "eng.1", "2020-21", "Crystal Palace", "Manchester United", 0, 0,
                               datetime(2021, 3, 3, 20, 15))
    home, away = (next(s for s in m.stats if s.side is side) for side in (Side.HOME, Side.AWAY))
    assert (home.expected_goals, away.expected_goals, home.shots, away.shots, home.shots_on_target,
            away.shots_on_target) == (0.742397, 0.584016, 8, 11, 2, 1)
    assert Counter(s.side for s in m.shots) == {Side.HOME: 8, Side.AWAY: 11}  # h_shot 8, a_shot 11
    first = min((s for s in m.shots if s.side is Side.HOME), key=lambda s: s.minute)
    assert (first.minute, first.player_name, first.result, first.situation, first.body_part, first.assist_name,
            round(first.x, 3), round(first.y, 3), round(first.xg, 4)) == (
        6, "Christian Benteke", "missed", "open_play", "right_foot", "Andros Townsend", 0.883, 0.558, 0.0858)
    assert round(sum(s.xg for s in m.shots if s.side is Side.HOME), 4) == round(0.742397, 4)
    guaita = next(p for p in m.player_stats if p.player_name == "Vicente Guaita")
    assert (guaita.position, guaita.minutes, guaita.side, guaita.substitute) == ("G", 90, Side.HOME, False)


def test_league_page(parsed: dict[str, ParseResult]) -> None:
    result = parsed[LEAGUE.name]
    assert result.problems == [] and len(result.matches) == 380
    assert Counter(m.status for m in result.matches) == {MatchStatus.FINISHED: 276, MatchStatus.SCHEDULED: 104}
    postponed = next(m for m in result.matches if m.home.name == "Aston Villa" and m.away.name == "Everton")
    assert postponed.status is MatchStatus.SCHEDULED and postponed.home_goals is None and postponed.stats == ()
    assert postponed.match_date.isoformat() == "2021-01-16"
    fulham = result.matches[0]
    assert (fulham.home.name, fulham.away.name, fulham.home_goals, fulham.away_goals) == ("Fulham", "Arsenal", 0, 3)
    assert [s.expected_goals for s in fulham.stats] == [0.126327, 2.16287]
    assert len(result.scorers) == 499
    salah = result.scorers[0]
    assert (salah.player_name, salah.team.name, salah.goals, salah.appearances, round(salah.expected_goals, 3)) == (
        "Mohamed Salah", "Liverpool", 17, 27, 14.111)


def test_team_page_names_its_league_in_the_breadcrumb(parsed: dict[str, ParseResult]) -> None:
    result = parsed[TEAM.name]
    assert len(result.matches) == 38 and {m.competition.code for m in result.matches} == {"eng.1"}
    assert all("Manchester United" in (m.home.name, m.away.name) for m in result.matches)
    assert result.scorers == []  # a team page's players are one team's: not a league's scorers


def test_strict_vocabularies_and_unreadable_pages() -> None:
    """One unknown code costs the one shot or player figure that carries it (named), never the match."""
    whole = PROVIDER.parse("match", {}, MATCH.read_bytes())
    page = MATCH.read_bytes().replace(b"MissedShots", b"Wide", 1).replace(
        b"\\x22position\\x22\\x3A\\x22GK", b"\\x22position\\x22\\x3A\\x22Sweeper", 1)
    parsed = PROVIDER.parse("match", {}, page)
    [match] = parsed.matches
    assert [p.field for p in parsed.problems] == ["shot.result", "roster.position"]
    assert parsed.problems[0].reason.startswith("shot 408200 ('Wide', minute 6): ")
    assert parsed.problems[1].reason.endswith("unknown position for roster.position: 'Sweeper'")
    assert len(match.shots) == len(whole.matches[0].shots) - 1
    assert len(match.player_stats) == len(whole.matches[0].player_stats) - 1
    assert parsed.rows_read == whole.rows_read
    from matchday.sources.understat import _shot

    with pytest.raises(ParseError) as error:  # no list to collect into: the error stands
        _shot({"result": "Wide", "situation": "OpenPlay", "shotType": "Head", "h_a": "h"})
    assert (error.value.field, error.value.value) == ("shot.result", "Wide")
    with pytest.raises(UnreadableFile):
        PROVIDER.parse("match", {}, b"<html><body>Understat moved to AJAX</body></html>")
    assert set(embedded(MATCH.read_bytes())) >= {"shotsData", "match_info", "rostersData"}
