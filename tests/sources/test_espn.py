"""ESPN scoreboard and summary parsers on every recorded answer, and the ESPN live source driving the existing
live pipeline (scheduler, snapshot diff, outbox, broker) with two real scoreboards of one match in time order."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from matchday.domain.polling import PollingPolicy
from matchday.domain.records import EventType, Finish, MatchStatus, ParseResult, Period, Side
from matchday.errors import ParseError
from matchday.ingest.live_runner import LiveRunner
from matchday.live.broker import MemoryBroker
from matchday.runtime import feed_publisher
from matchday.sources.espn import PROVIDER, SOURCE, EspnLive
from matchday.sources.espn.parser import clock, status_of
from tests.conftest import DATA, run_async

SAMPLES = DATA / "api-samples" / "espn"
FINAL = SAMPLES / "scoreboard_fifa.world_2026-08-22T194247Z_final_all-post.json"
SECOND_HALF = SAMPLES / "scoreboard_fifa.world_2026-07-11T223715Z_STATUS_SECOND_HALF.json"
OVERTIME = SAMPLES / "scoreboard_fifa.world_2026-07-11T234313Z_STATUS_OVERTIME.json"
SUMMARY = SAMPLES / "summary_usa.1_event-692669_reindented.json"


def parse_file(path: Path) -> ParseResult:
    return SOURCE.parse(SOURCE.plan([path], {})[0], {"body": path.read_bytes()})


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParseResult]:
    return {p.name: parse_file(p) for p in sorted(SAMPLES.glob("*.json"))}


def _event(result: ParseResult, key: str):  # noqa: ANN202 - a MatchRecord
    return next(m for m in result.matches if m.source_key == key)


def test_every_capture_parses(parsed: dict[str, ParseResult]) -> None:
    assert len(parsed) == 7
    for name, result in parsed.items():
        assert result.problems == [], name
    for name, result in parsed.items():
        if name.startswith("scoreboard"):
            events = json.loads((SAMPLES / name).read_bytes())["events"]
            real = [e for e in events if all(c["team"].get("isActive") is not False
                                             for c in e["competitions"][0]["competitors"])]
            assert len(events) == 32 and [m.source_key for m in result.matches] == [e["id"] for e in real], name


@pytest.mark.parametrize(("name", "key", "expected"), [
    ("scoreboard_fifa.world_2026-07-18T214010Z_STATUS_FIRST_HALF.json", "760516",
     (MatchStatus.LIVE, Period.FIRST_HALF, 39, "France", "England", 0, 3)),
    ("scoreboard_fifa.world_2026-07-19T200209Z_STATUS_HALFTIME.json", "760517",
     (MatchStatus.HALFTIME, Period.HALFTIME, 45, "Spain", "Argentina", 0, 0)),
    (SECOND_HALF.name, "760512", (MatchStatus.LIVE, Period.SECOND_HALF, 75, "Norway", "England", 1, 1)),
    (OVERTIME.name, "760512", (MatchStatus.LIVE, Period.EXTRA_TIME, 118, "Norway", "England", 1, 2)),
    ("scoreboard_fifa.world_2026-07-12T014703Z_STATUS_IN_PROGRESS.json", "760513",
     (MatchStatus.LIVE, Period.FIRST_HALF, 45, "Argentina", "Switzerland", 1, 0)),
])
def test_live_snapshots(parsed: dict[str, ParseResult], name: str, key: str, expected: tuple) -> None:
    m = _event(parsed[name], key)
    assert (m.status, m.period, m.minute, m.home.name, m.away.name, m.home_goals, m.away_goals) == expected
    assert m.competition.code == "fifa.world" and m.season == "2026" and m.home.country == "national"


def test_final_scoreboard(parsed: dict[str, ParseResult]) -> None:
    matches = parsed[FINAL.name].matches
    # the payload: STATUS_FULL_TIME 23, STATUS_FINAL_AET 5, STATUS_FINAL_PEN 4
    assert Counter(m.finish for m in matches) == {Finish.REGULAR: 23, Finish.AET: 5, Finish.PENALTIES: 4}
    shootout = next(m for m in matches if m.home.name == "Germany" and m.away.name == "Paraguay")
    assert (shootout.home_goals, shootout.away_goals, shootout.home_penalties, shootout.away_penalties) == (1, 1, 3, 4)
    assert shootout.stage == "Round of 32"
    # scored shoot-out kicks are listed in details but are not goals of the match
    for m in matches:
        goals = Counter(e.side for e in m.events if e.type in (EventType.GOAL, EventType.PENALTY_GOAL,
                                                               EventType.OWN_GOAL))
        assert (goals[Side.HOME], goals[Side.AWAY]) == (m.home_goals, m.away_goals), m.source_key
    own = next(m for m in matches if m.home.name == "Australia" and m.away.name == "Egypt")
    assert [(e.side, e.type) for e in own.events if e.type is EventType.OWN_GOAL] == [(Side.HOME, EventType.OWN_GOAL)]
    stats = {s.side: s for s in matches[0].stats}
    # South Africa v Canada as the payload has it: possessionPct, totalShots, shotsOnTarget, wonCorners
    assert [(stats[side].possession, stats[side].shots, stats[side].shots_on_target, stats[side].corners)
            for side in (Side.HOME, Side.AWAY)] == [(58.4, 6, 1, 1), (41.6, 12, 7, 4)]


def test_summary(parsed: dict[str, ParseResult]) -> None:
    [m] = parsed[SUMMARY.name].matches
    assert (m.competition.code, m.season, m.home.name, m.away.name, m.home_goals, m.away_goals, m.home_goals_ht,
            m.away_goals_ht) == ("usa.1", "2024", "St. Louis CITY SC", "D.C. United", 2, 2, 1, 2)
    assert (m.venue, m.referee, m.kickoff_utc) == ("CityPark", "Amin Hadzic", datetime(2024, 3, 24, 0, 30))
    goals = [(e.type, e.side, e.minute, e.player_name) for e in m.events
             if e.type in (EventType.GOAL, EventType.PENALTY_GOAL)]
    assert goals == [(EventType.GOAL, Side.HOME, 19, "Joshua Yaro"), (EventType.GOAL, Side.AWAY, 20,
                                                                      "Theodore Ku-Dipietro"),
                     (EventType.GOAL, Side.AWAY, 38, "Christian Benteke"),
                     (EventType.PENALTY_GOAL, Side.HOME, 70, "João Klauss")]
    subs = [e for e in m.events if e.type is EventType.SUBSTITUTION]
    assert len(subs) == 8 and subs[-1].added_minute == 10
    assert subs[0].player_name == "Anthony Markanich for Nikolas Dyhr"
    assert Counter(e.type for e in m.events)[EventType.YELLOW] == 8
    home = next(s for s in m.stats if s.side is Side.HOME)
    assert (home.possession, home.shots, home.shots_on_target, home.corners, home.fouls, home.passes) == (
        57.2, 15, 5, 6, 15, 418)
    assert sum(1 for e in m.lineups if e.starter) == 22 and len(m.lineups) == 37
    assert next(e for e in m.lineups if e.player_name == "Roman Bürki").position == "G"


def test_vocabularies_are_strict() -> None:
    with pytest.raises(ParseError):
        status_of({"type": {"name": "STATUS_SOMETHING"}})
    with pytest.raises(ParseError):
        clock("about half time")
    assert clock("90'+4'") == (90, 4) and clock("39'") == (39, None)
    doc = json.loads(FINAL.read_bytes())
    whole = PROVIDER.parse("scoreboard", {}, json.dumps(doc).encode())
    doc["events"][0]["competitions"][0]["details"][0]["type"]["id"] = "9999"
    result = PROVIDER.parse("scoreboard", {}, json.dumps(doc).encode())
    # one unknown code costs one record: that event is quarantined (named), its match and the others load
    assert len(result.matches) == len(whole.matches) == 32
    [problem] = result.problems
    assert problem.field == "details.type.id" and "'9999'" in problem.reason
    assert problem.reason.startswith(f"event {doc['events'][0]['id']}: details event")
    assert len(result.matches[0].events) == len(whole.matches[0].events) - 1


def test_live_source_drives_the_live_pipeline(sqlite_engine: Engine) -> None:
    """Norway v England, quarter-final: 1-1 at 75', then 1-2 at 118' in extra time (two real scoreboards)."""
    bodies = [SECOND_HALF.read_bytes(), OVERTIME.read_bytes()]
    asked: list[dict] = []

    def fetch(endpoint: str, params: dict) -> bytes:
        asked.append({"endpoint": endpoint, **params})
        return bodies[0]

    now = [datetime(2026, 7, 11, 22, 37)]
    source = EspnLive(fetch, ["fifa.world"], clock=lambda: now[0])
    assert source.interval_s == 8.0
    broker = MemoryBroker()
    messages: list[dict] = []
    broker.subscribe(messages.append)
    runner = LiveRunner(sqlite_engine, feed_publisher(sqlite_engine, broker), source, PollingPolicy(), speed=10_000)
    run_async(runner.poll_once(discover=True))
    assert asked == [{"endpoint": "scoreboard", "league": "fifa.world"}]
    bodies.pop(0)
    now[0] = datetime(2026, 7, 11, 23, 43)
    run_async(runner.poll_once())
    ours = [m for m in messages if m["data"].get("match_id") == next(
        mid for mid, key in runner.watched.items() if key == "760512")]
    goals = [m["data"] for m in ours if m["type"] == "goal"]
    assert goals[-1]["side"] == "away" and goals[-1]["score"] == {"home": 1, "away": 2}
    statuses = [m["data"]["period"] for m in ours if m["type"] == "match_status"]
    assert statuses[-1] == "extra_time"
