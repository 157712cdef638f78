"""API-Football v3 parsers on every recorded answer in shared/data/api-samples/api-football (error bodies too).

Expected values are read off the payloads themselves (and the samples README), never off our own output.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from matchday.domain.records import EventType, Finish, MatchStatus, ParseResult, Period, Side
from matchday.errors import ParseError, ProviderError, RateLimited
from matchday.sources.api_football import PROVIDER, SOURCE, ApiFootballLive, infer, spec
from matchday.sources.api_football.parser import status_of
from tests.conftest import DATA

SAMPLES = DATA / "api-samples" / "api-football"
PEN = SAMPLES / "fixtures_ids_1149519-1149523_PEN_with-embedded-events-lineups-statistics-players.json"
LIVE = SAMPLES / "unwrapped" / "fixtures_live-all_2024-05-11.json"
BY_DATE = SAMPLES / "unwrapped" / "fixtures_date-2024-05-25.json"


def parse_file(path: Path) -> ParseResult:
    unit = SOURCE.plan([path], {})[0]
    return SOURCE.parse(unit, {"body": path.read_bytes()})


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParseResult]:
    """Every non-error capture, parsed once for the module."""
    return {p.name: parse_file(p) for p in sorted(SAMPLES.rglob("*.json")) if "errors" not in p.parts}


def test_every_capture_parses_without_problems(parsed: dict[str, ParseResult]) -> None:
    assert len(parsed) == 15
    for name, result in parsed.items():
        assert result.problems == [], name
        assert result.rows_read > 0, name


def test_status_vocabulary_is_the_documented_list_and_strict() -> None:
    documented = ["TBD", "NS", "1H", "HT", "2H", "ET", "BT", "P", "SUSP", "INT", "FT", "AET", "PEN", "PST", "CANC",
                  "ABD", "AWD", "WO", "LIVE"]
    assert sorted(spec.STATUSES) == sorted(documented)
    expected = {
        "TBD": (MatchStatus.SCHEDULED, None, None), "NS": (MatchStatus.SCHEDULED, None, None),
        "1H": (MatchStatus.LIVE, Period.FIRST_HALF, None), "HT": (MatchStatus.HALFTIME, Period.HALFTIME, None),
        "2H": (MatchStatus.LIVE, Period.SECOND_HALF, None), "ET": (MatchStatus.LIVE, Period.EXTRA_TIME, None),
        "BT": (MatchStatus.HALFTIME, Period.HALFTIME, None), "P": (MatchStatus.LIVE, Period.PENALTIES, None),
        "SUSP": (MatchStatus.SUSPENDED, None, None), "INT": (MatchStatus.SUSPENDED, None, None),
        "FT": (MatchStatus.FINISHED, None, Finish.REGULAR), "AET": (MatchStatus.FINISHED, None, Finish.AET),
        "PEN": (MatchStatus.FINISHED, None, Finish.PENALTIES), "PST": (MatchStatus.POSTPONED, None, None),
        "CANC": (MatchStatus.CANCELLED, None, None), "ABD": (MatchStatus.ABANDONED, None, None),
        "AWD": (MatchStatus.AWARDED, None, None), "WO": (MatchStatus.AWARDED, None, None),
        "LIVE": (MatchStatus.LIVE, None, None),
    }
    assert {code: status_of(code) for code in documented} == expected
    with pytest.raises(ParseError) as error:
        status_of("XYZ")
    assert (error.value.provider, error.value.field, error.value.value) == ("api-football", "fixture.status.short",
                                                                            "XYZ")


def test_unknown_status_in_a_fixture_is_reported_not_defaulted() -> None:
    doc = json.loads(PEN.read_bytes())
    doc["response"][0]["fixture"]["status"]["short"] = "ZZ"
    result = PROVIDER.parse("fixtures", {}, json.dumps(doc).encode())
    assert len(result.matches) == 1 and result.matches[0].source_key == "1149523"
    assert len(result.problems) == 1
    assert result.problems[0].field == "fixture.status.short" and "fixture 1149519" in result.problems[0].reason


def test_penalty_shootouts_with_embedded_parts(parsed: dict[str, ParseResult]) -> None:
    by_id = {m.source_key: m for m in parsed[PEN.name].matches}
    atletico = by_id["1149519"]
    assert (atletico.home.name, atletico.away.name) == ("Atletico Madrid", "Inter")
    assert (atletico.competition.code, atletico.season, atletico.stage) == ("uefa.cl", "2023-24", "Round of 16")
    assert atletico.kickoff_utc == datetime(2024, 3, 13, 20, 0)
    assert (atletico.status, atletico.finish) == (MatchStatus.FINISHED, Finish.PENALTIES)
    assert (atletico.home_goals, atletico.away_goals, atletico.home_goals_ht, atletico.away_goals_ht) == (2, 1, 1, 1)
    assert (atletico.home_goals_et, atletico.away_goals_et) == (2, 1)
    assert (atletico.home_penalties, atletico.away_penalties) == (3, 2)
    assert atletico.referee == "S. Marciniak" and atletico.venue == "Estádio Cívitas Metropolitano"
    goals = [(e.side, e.minute, e.player_name) for e in atletico.events if e.type is EventType.GOAL]
    assert goals[:2] == [(Side.AWAY, 33, "F. Dimarco"), (Side.HOME, 35, "A. Griezmann")]
    assert sum(1 for e in atletico.events if e.type in (EventType.GOAL, EventType.PENALTY_GOAL,
                                                        EventType.OWN_GOAL)) == 3  # 2-1 after 120 minutes
    kicks = atletico.attributes["shootout"]
    scored = Counter(k["team"] for k in kicks if k["scored"])
    assert scored == {"home": 3, "away": 2}
    assert [k["kick"] for k in kicks] == list(range(1, 10))
    assert sum(1 for e in atletico.lineups if e.starter and e.side is Side.HOME) == 11
    assert next(e for e in atletico.lineups if e.player_name == "J. Oblak").position == "G"
    home_stats = next(s for s in atletico.stats if s.side is Side.HOME)
    assert (home_stats.shots, home_stats.shots_on_target, home_stats.corners, home_stats.possession,
            home_stats.expected_goals, home_stats.passes) == (23, 9, 5, 47.0, 2.73, 685)
    oblak = next(p for p in atletico.player_stats if p.player_name == "Jan Oblak")
    assert (oblak.minutes, oblak.rating, oblak.side) == (121, 8.0, Side.HOME)
    arsenal = by_id["1149523"]
    assert (arsenal.home.name, arsenal.away.name, arsenal.home_penalties, arsenal.away_penalties) == (
        "Arsenal", "FC Porto", 4, 2)


def test_substitution_names_the_player_coming_on_first(parsed: dict[str, ParseResult]) -> None:
    doc = json.loads(PEN.read_bytes())["response"][0]
    raw = next(e for e in doc["events"] if e["type"] == "subst")
    record = next(e for e in parsed[PEN.name].matches[0].events if e.type is EventType.SUBSTITUTION)
    assert record.player_name == f"{raw['assist']['name']} for {raw['player']['name']}"


def test_live_all_capture(parsed: dict[str, ParseResult]) -> None:
    matches = parsed[LIVE.name].matches
    assert len(matches) == 246
    assert Counter((m.status, m.period) for m in matches) == {
        (MatchStatus.LIVE, Period.FIRST_HALF): 126, (MatchStatus.LIVE, Period.SECOND_HALF): 107,
        (MatchStatus.HALFTIME, Period.HALFTIME): 12, (MatchStatus.LIVE, Period.EXTRA_TIME): 1}
    assert {m.minute for m in matches if m.status is MatchStatus.HALFTIME} == {45}
    own = next(m for m in matches if m.home.name == "Tuzlaspor")
    # an own goal is listed under the team it counted for: Tuzlaspor 0-1 Genclerbirligi
    assert (own.home_goals, own.away_goals) == (0, 1)
    assert [(e.type, e.side) for e in own.events if e.type is EventType.OWN_GOAL] == [(EventType.OWN_GOAL, Side.AWAY)]
    assert sum(len(m.events) for m in matches) == 585


def test_fixtures_by_date_capture(parsed: dict[str, ParseResult]) -> None:
    matches = parsed[BY_DATE.name].matches
    assert Counter(m.status for m in matches) == {
        MatchStatus.SCHEDULED: 1136, MatchStatus.CANCELLED: 14, MatchStatus.POSTPONED: 13,
        MatchStatus.FINISHED: 13, MatchStatus.LIVE: 7}
    assert all(m.match_date.isoformat() == "2024-05-25" for m in matches)
    assert all(m.source_key for m in matches) and len({m.source_key for m in matches}) == 1183


def test_bundesliga_scheduled_fixtures(parsed: dict[str, ParseResult]) -> None:
    matches = parsed["fixtures_league-78_season-2023_status-NS-PST.json"].matches
    assert len(matches) == 71
    assert {(m.competition.code, m.season, m.status) for m in matches} == {("ger.1", "2023-24",
                                                                            MatchStatus.SCHEDULED)}
    assert all(m.stage == "regular" and m.round_number for m in matches)
    assert all(m.minute is None and m.referee is None for m in matches)


def test_standings(parsed: dict[str, ParseResult]) -> None:
    rows = parsed["standings_league-39_season-2022.json"].standings
    assert len(rows) == 20 and {(r.competition.code, r.season, r.group) for r in rows} == {("eng.1", "2022-23",
                                                                                              None)}
    first, last = rows[0], rows[-1]
    assert (first.position, first.team.name, first.points, first.goal_difference, first.played, first.won,
            first.drawn, first.lost, first.goals_for, first.goals_against) == (
        1, "Manchester City", 89, 61, 38, 28, 5, 5, 94, 33)
    assert first.description == "Promotion - Champions League (Group Stage: )" and first.form == "LDWWW"
    assert (last.position, last.team.name) == (20, "Southampton")


def test_topscorers_teams_leagues_seasons(parsed: dict[str, ParseResult]) -> None:
    scorers = parsed["players-topscorers_league-78_season-2023.json"].scorers
    assert len(scorers) == 20
    assert (scorers[0].player_name, scorers[0].team.name, scorers[0].goals, scorers[0].season,
            scorers[0].competition.code) == ("H. Kane", "Bayern Munich", 32, "2023-24", "ger.1")
    teams = parsed["teams_search-Manchester.json"].teams
    assert len(teams) == 16
    assert (teams[0].team.name, teams[0].team.source_key, teams[0].team.country, teams[0].code,
            teams[0].attributes["venue"]) == ("Manchester United", "33", "England", "MUN", "Old Trafford")
    leagues = parsed["leagues_code-DE_current-true.json"].competitions
    assert len(leagues) == 33 and all(c.competition.country == "Germany" or c.competition.code == "ger.1"
                                      for c in leagues)
    bundesliga = next(c for c in leagues if c.competition.source_key == "78")
    assert bundesliga.competition.code == "ger.1"
    assert parsed["leagues-seasons.json"].rows_read == 19


def test_per_fixture_answers(parsed: dict[str, ParseResult]) -> None:
    events = parsed["fixtures-events_fixture-653808.json"].details[0]
    assert events.match_key == "653808" and not events.partial and len(events.events) == 9
    assert events.events[1] == ("50", events.events[1][1]) and events.events[1][1].player_name == "J. Stones"
    goals_only = parsed["fixtures-events_fixture-653808_type-Goal.json"].details[0]
    assert goals_only.partial and all(e.type is EventType.GOAL for _k, e in goals_only.events)
    possession = parsed["fixtures-statistics_fixture-653808_team-33_type-ball-possession.json"].details[0]
    assert possession.partial and possession.parts[0].team_key == "33"
    assert possession.parts[0].stats.possession == 39.0
    # this capture is named for fixture 1149523 but its envelope echoes 592872 and its teams are Man City (50) and
    # Everton (45), the teams of fixture 592872: the envelope wins over the file name
    lineup = parsed["fixtures-lineups_fixture-1149523.json"].details[0]
    assert lineup.match_key == "592872" and [p.team_key for p in lineup.parts] == ["50", "45"]
    assert sum(1 for e in lineup.parts[0].lineup if e.starter) == 11
    startxi = parsed["fixtures-lineups_fixture-1149523_type-startxi.json"].details[0]
    assert startxi.match_key == "1149523" and startxi.partial and [p.team_key for p in startxi.parts] == ["42", "212"]
    players = parsed["fixtures-players_fixture-592872.json"].details[0]
    ederson = next(p for part in players.parts for p in part.player_stats if p.player_name == "Ederson")
    assert (ederson.rating, ederson.minutes, ederson.position) == (8.2, 90, "G")


@pytest.mark.parametrize(("name", "error"), [
    ("errors/teams_league-and-search_conflict.json", ProviderError),
    ("errors/injuries_no-parameters.json", ProviderError),
    ("errors/venues_country-and-search_conflict.json", ProviderError),
    ("errors/rate-limit_errors-field_pretty.json", RateLimited),
    ("errors/rate-limit_message-only_pretty.json", RateLimited),
])
def test_error_bodies_are_errors_not_data(name: str, error: type[Exception]) -> None:
    path = SAMPLES / name
    with pytest.raises(error):
        PROVIDER.check_body(infer(path.stem, path.read_bytes())[0], 200, path.read_bytes())
    with pytest.raises(error):
        parse_file(path)


def test_clean_bodies_pass_the_check() -> None:
    PROVIDER.check_body("fixtures", 200, PEN.read_bytes())


def test_quota_headers() -> None:
    reading = PROVIDER.quota_headers({"x-ratelimit-requests-limit": "100", "x-ratelimit-requests-remaining": "97",
                                      "X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "9"})
    assert (reading.daily_limit, reading.daily_remaining, reading.minute_limit, reading.minute_remaining) == (
        100, 97, 10, 9)
    assert PROVIDER.quota_headers({}).daily_remaining is None


def test_live_source_polls_live_all_and_asks_ids_only_for_what_it_lacks() -> None:
    """One live=all per poll carries every fixture in play; the due fixtures it lacks (here two finished after a
    shoot-out, and 29 not in play) are asked by ids=, at most 20 a request."""
    calls: list[tuple[str, dict]] = []
    bodies = {"all": LIVE.read_bytes(), "ids": PEN.read_bytes()}

    def fetch(endpoint: str, params: dict) -> bytes:
        calls.append((endpoint, dict(params)))
        return bodies["all" if params.get("live") == "all" else "ids"]

    live = ApiFootballLive(fetch, clock=lambda: datetime(2024, 3, 13, 21, 0))
    assert live.now() == datetime(2024, 3, 13, 21, 0)
    found = live.poll(None)
    assert len(found) == 246 and calls == [("fixtures", {"live": "all"})]
    keys = ["1149519", "1149523"] + [str(n) for n in range(1, 30)]
    polled = live.poll(keys)
    assert set(polled) == {"1149519", "1149523"} and polled["1149519"].home_penalties == 3
    assert calls[1] == ("fixtures", {"live": "all"})
    assert [c[1]["ids"].count("-") + 1 for c in calls[2:]] == [20, 11]  # at most 20 ids per request
    in_play = sorted(found)[:30]
    calls.clear()
    assert set(live.poll(in_play)) == set(in_play) and calls == [("fixtures", {"live": "all"})]  # one request


def test_odds_in_the_documented_shape() -> None:
    """No odds answer was captured (the free plan has none); this is the shape of the provider's documentation:
    ``response[] {fixture{id}, bookmakers[] {name, bets[] {name, values[] {value, odd}}}}``."""
    body = {"get": "odds", "parameters": {"fixture": "1149519"}, "errors": [], "results": 1, "response": [{
        "league": {"id": 2, "season": 2023}, "fixture": {"id": 1149519}, "update": "2024-03-13T18:00:00+00:00",
        "bookmakers": [{"id": 8, "name": "Bet365", "bets": [
            {"id": 1, "name": "Match Winner", "values": [{"value": "Home", "odd": "2.10"},
                                                         {"value": "Draw", "odd": "3.40"},
                                                         {"value": "Away", "odd": "3.50"}]},
            {"id": 5, "name": "Goals Over/Under", "values": [{"value": "Over 2.5", "odd": "1.90"},
                                                             {"value": "Under 2.5", "odd": "1.95"}]},
            {"id": 10, "name": "Exact Score", "values": [{"value": "1:0", "odd": "7.00"}]}]}]}]}
    [detail] = PROVIDER.parse("odds", {}, json.dumps(body).encode()).details
    assert detail.match_key == "1149519" and detail.kinds == {"odds"}
    assert [(q.bookmaker, q.market, q.price_home, q.price_draw, q.price_away, q.line, q.price_over, q.price_under)
            for q in detail.odds] == [("Bet365", "1x2", 2.1, 3.4, 3.5, None, None, None),
                                      ("Bet365", "over_under", None, None, None, 2.5, 1.9, 1.95)]


def test_live_source_drives_the_live_pipeline(sqlite_engine) -> None:  # noqa: ANN001 - an Engine
    """Discovery with the recorded ``live=all`` answer: every live match stored, its goals on the feed."""
    from matchday.domain.polling import PollingPolicy
    from matchday.ingest.live_runner import LiveRunner
    from matchday.live.broker import MemoryBroker
    from matchday.runtime import feed_publisher
    from tests.conftest import run_async

    broker = MemoryBroker()
    messages: list[dict] = []
    broker.subscribe(messages.append)
    live = ApiFootballLive(lambda endpoint, params: LIVE.read_bytes(), clock=lambda: datetime(2024, 5, 11, 14, 0))
    runner = LiveRunner(sqlite_engine, feed_publisher(sqlite_engine, broker), live, PollingPolicy(), speed=10_000)
    run_async(runner.poll_once(discover=True))
    assert len(runner.watched) == 246
    goals = [m["data"] for m in messages if m["type"] == "goal"]
    own = [g for g in goals if g["detail"] == "own_goal" and g["player"] == "P. Awuku"]
    assert len(own) == 1 and own[0]["side"] == "away" and own[0]["score"] == {"home": 0, "away": 1}
    # the feed's goals are the capture's: every goal event of every fixture, none invented
    doc = json.loads(LIVE.read_bytes())["response"]
    assert len(goals) == sum(f["goals"]["home"] + f["goals"]["away"] for f in doc)


def test_the_bare_response_array_loads_too(tmp_path: Path) -> None:
    """Saved without its envelope: the endpoint comes from the file name, else from the items' shape."""
    response = json.loads(PEN.read_bytes())["response"]
    named = tmp_path / "fixtures_ids_1149519-1149523.json"
    named.write_text(json.dumps(response))
    unnamed = tmp_path / "saved.json"
    unnamed.write_text(json.dumps(response))
    standings = tmp_path / "table.json"
    standings.write_text(json.dumps(json.loads((SAMPLES / "standings_league-39_season-2022.json").read_bytes())
                                    ["response"]))
    assert [m.source_key for m in parse_file(named).matches] == ["1149519", "1149523"]
    assert [m.source_key for m in parse_file(unnamed).matches] == ["1149519", "1149523"]
    assert len(parse_file(standings).standings) == 20
