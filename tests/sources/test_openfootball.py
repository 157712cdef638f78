"""openfootball parser on the real files of both schema generations."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from matchday.domain.records import EventType, Finish, MatchStatus, Side
from matchday.errors import UnreadableFile
from matchday.sources.openfootball.parser import parse_json
from tests.conftest import DATA

OF = DATA / "openfootball-football.json"


def _parse(path, league: str | None = None, season: str | None = None):
    return parse_json(path.read_bytes(), str(path), league, season)


def test_league_season_current_schema() -> None:
    result = _parse(OF / "2024-25" / "en.1.json", "en.1", "2024-25")
    assert len(result.matches) == 380 and not result.problems
    first = result.matches[0]
    assert (first.competition.code, first.season, first.round_number, first.stage) == ("eng.1", "2024-25", 1,
                                                                                      "regular")
    assert (first.home.name, first.away.name, first.home_goals, first.away_goals) == (
        "Manchester United FC", "Fulham FC", 1, 0)
    assert first.kickoff_utc == datetime(2024, 8, 16, 19, 0)  # 20:00 London (BST)


def test_statuses_and_missing_half_time() -> None:
    awarded = [m for m in _parse(OF / "2024-25" / "de.1.json", "de.1", "2024-25").matches
               if m.status is MatchStatus.AWARDED]
    assert len(awarded) == 1 and (awarded[0].home_goals, awarded[0].away_goals) == (0, 2)
    current = _parse(OF / "2025-26" / "en.1.json", "en.1", "2025-26").matches
    assert sum(m.status is MatchStatus.POSTPONED for m in current) == 1
    assert sum(m.status is MatchStatus.FINISHED for m in current) == 291
    assert all(m.home_goals is None for m in current if m.status is MatchStatus.SCHEDULED)
    no_ht = [m for m in _parse(OF / "2024-25" / "en.2.json", "en.2", "2024-25").matches if m.home_goals_ht is None]
    assert no_ht and all(m.home_goals is not None for m in no_ht)


def test_play_offs_are_not_the_regular_stage() -> None:
    matches = _parse(OF / "2024-25" / "en.2.json", "en.2", "2024-25").matches
    assert sum(m.stage == "regular" for m in matches) == 552
    final = matches[-1]
    assert final.stage == "playoffs" and final.round_number is None


def test_goals_with_stoppage_time_extra_time_and_penalties() -> None:
    path = DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json"
    matches = _parse(path, "worldcup", "2022").matches
    final = matches[-1]
    assert (final.home.name, final.home_goals, final.away_goals) == ("Argentina", 3, 3)
    assert (final.home_penalties, final.away_penalties, final.finish) == (4, 2, Finish.PENALTIES)
    assert final.attributes["ft_90"] == [2, 2] and final.home.country == "national"
    assert [(e.minute, e.side, e.type) for e in final.events][:2] == [(23, Side.HOME, EventType.PENALTY_GOAL),
                                                                       (36, Side.HOME, EventType.GOAL)]
    netherlands = next(m for m in matches if m.home.name == "Senegal" and m.away.name == "Netherlands")
    assert (netherlands.events[-1].minute, netherlands.events[-1].added_minute) == (90, 9)


def test_older_schema_generation_rounds_and_team_objects() -> None:
    path = DATA / "openfootball-euro.json" / "2024" / "euro.json"
    matches = _parse(path, "euro", "2024").matches
    assert len(matches) == 51
    final = matches[-1]
    assert (final.home.name, final.away.name, final.home_goals, final.away_goals) == ("Spain", "England", 2, 1)
    assert final.competition.code == "uefa.euro" and final.season == "2024"


def test_legacy_score_keys() -> None:
    # the first football.json generation wrote scores as score1/score2 (half time score1i/score2i)
    legacy = {"name": "English Premier League 2015/16", "rounds": [{"name": "Matchday 1", "matches": [
        {"date": "2015-08-08", "team1": {"key": "manutd", "name": "Manchester United", "code": "MUN"},
         "team2": {"key": "tottenham", "name": "Tottenham Hotspur", "code": "TOT"},
         "score1": 1, "score2": 0, "score1i": 1, "score2i": 0}]}]}
    match = parse_json(json.dumps(legacy).encode(), "legacy.json").matches[0]
    assert (match.competition.code, match.season, match.round_number) == ("eng.1", "2015-16", 1)
    assert (match.home_goals, match.away_goals, match.home_goals_ht) == (1, 0, 1)


def test_bad_match_is_reported_and_bad_file_refused() -> None:
    doc = {"name": "English Premier League 2024/25", "matches": [
        {"round": "Matchday 1", "date": "2024-13-40", "team1": "A", "team2": "B", "score": {"ft": [1, 0]}},
        {"round": "Matchday 1", "date": "2024-08-17", "team1": "C", "team2": "D", "score": {"ft": [1, 0]},
         "status": "frozen"}]}
    result = parse_json(json.dumps(doc).encode(), "doc.json", "en.1", "2024-25")
    assert [(p.line, p.field) for p in result.problems] == [(1, "date"), (2, "status")]
    assert "unknown status" in result.problems[1].reason
    with pytest.raises(UnreadableFile, match="not JSON"):
        parse_json(b"<html>", "page.json")
