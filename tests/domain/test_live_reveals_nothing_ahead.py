"""A replayed or simulated match tells only what has happened on its clock: no extra-time or shoot-out result
before they are played, statistics that grow with the match, and an old 'live' match is unconfirmed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from matchday.domain.live_status import is_unconfirmed, unconfirmed_from
from matchday.domain.records import EventType, MatchStatus
from matchday.sources.live import script_for
from matchday.sources.replay import matches_on
from matchday.sources.simulator.generator import generate_season
from tests.conftest import DATA

KICKOFF = datetime(2030, 1, 1, 15, 0)


def _final():  # noqa: ANN202 - the World Cup 2022 final's script
    found = matches_on("openfootball", [DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json"],
                       date(2022, 12, 18))
    return script_for(found[0], KICKOFF)


def test_the_final_tells_extra_time_and_penalties_only_at_the_end() -> None:
    final = _final()
    for minutes in (-5, 0.5, 1, 45, 60, 95, 100, 118, 125, final.duration_minutes - 1):
        snap = final.snapshot(minutes * 60)
        assert (snap.home_goals_et, snap.away_goals_et, snap.home_penalties, snap.away_penalties) == \
            (None, None, None, None), minutes
        assert snap.finish is None and snap.status is not MatchStatus.FINISHED, minutes
    assert final.snapshot(60).home_goals == 0 and final.snapshot(60).away_goals == 0  # minute 1: 0-0
    end = final.snapshot(final.duration_minutes * 60)
    assert (end.home_goals_et, end.away_goals_et, end.home_penalties, end.away_penalties) == (3, 3, 4, 2)


def test_statistics_grow_with_the_match() -> None:
    season = generate_season(20, 1, "sim.1", "2030-31").matches
    match = next(m for m in season if any(e.type is EventType.RED for e in m.events)
                 and all((e.minute or 0) > 30 for e in m.events if e.type is EventType.RED))
    script = script_for(match, KICKOFF)
    red = next(e for e in match.events if e.type is EventType.RED)
    assert script.snapshot(-60).stats == ()  # before kick-off: none
    totals = {s.side: s for s in match.stats}
    previous = {side: 0 for side in totals}
    for minute in range(1, script.duration_minutes + 1, 5):
        snap = script.snapshot(minute * 60)
        for stats in snap.stats:
            total = totals[stats.side]
            assert previous[stats.side] <= stats.shots <= total.shots  # grows, never past the final count
            previous[stats.side] = stats.shots
            reds_so_far = sum(e.type is EventType.RED and e.side is stats.side for e in snap.events)
            assert stats.red_cards == reds_so_far  # the red card counts from its minute on
    before_red = script.snapshot(script.elapsed_at(red.minute - 1, None) * 60 - 30)
    assert sum(s.red_cards for s in before_red.stats) == sum(e.type is EventType.RED for e in before_red.events)
    assert script.snapshot(60).stats[0].shots < totals[script.snapshot(60).stats[0].side].shots or \
        totals[script.snapshot(60).stats[0].side].shots == 0
    assert script.snapshot(script.duration_minutes * 60).stats == match.stats  # full time: the full totals


def test_a_live_match_hours_past_kickoff_that_no_source_follows_is_unconfirmed() -> None:
    now = datetime(2030, 5, 1, 20, 0)
    assert is_unconfirmed("live", now - timedelta(hours=4), None, now)
    assert is_unconfirmed("halftime", now - timedelta(days=700), now - timedelta(hours=1), now)
    assert not is_unconfirmed("live", now - timedelta(hours=4), now - timedelta(minutes=2), now)  # still followed
    assert not is_unconfirmed("live", now - timedelta(hours=2), None, now)  # may still be playing
    assert not is_unconfirmed("finished", now - timedelta(days=3), None, now)
    assert not is_unconfirmed("live", None, None, now)


def test_a_match_in_play_turns_unconfirmed_when_both_limits_have_passed() -> None:
    kickoff = datetime(2030, 5, 1, 20, 0)
    assert unconfirmed_from("live", kickoff, None) == kickoff + timedelta(hours=3)
    assert unconfirmed_from("halftime", kickoff, kickoff + timedelta(hours=4)) == kickoff + timedelta(hours=4,
                                                                                                   minutes=15)
    assert unconfirmed_from("live", kickoff, kickoff) == kickoff + timedelta(hours=3)
    assert unconfirmed_from("finished", kickoff, None) is None and unconfirmed_from("live", None, None) is None
    for moment in (kickoff + timedelta(hours=3, seconds=-1), kickoff + timedelta(hours=3, seconds=1)):
        assert is_unconfirmed("live", kickoff, None, moment) == (moment >= unconfirmed_from("live", kickoff, None))
