"""Snapshot diffs and the match clock: pure, on hand-made and real matches."""

from __future__ import annotations

from datetime import datetime

from matchday.domain.live import MatchState, derive_events
from matchday.domain.match_clock import MatchScript
from matchday.domain.polling import Decision, PollingPolicy, decide
from matchday.domain.records import (
    CompetitionRef,
    EventType,
    Finish,
    MatchEventRecord,
    MatchRecord,
    MatchStatus,
    Period,
    Side,
    TeamRef,
)

KICKOFF = datetime(2026, 11, 22, 15, 0)
BASE = MatchRecord(CompetitionRef("sim.1", "Sim", "Simulation"), "2026-27", TeamRef("A", None), TeamRef("B", None),
                   KICKOFF.date(), KICKOFF, MatchStatus.SCHEDULED)
GOAL_A = MatchEventRecord(EventType.GOAL, Side.HOME, 12, None, "Ann")
CARD_B = MatchEventRecord(EventType.YELLOW, Side.AWAY, 30, None, "Bob")
GOAL_B = MatchEventRecord(EventType.PENALTY_GOAL, Side.AWAY, 45, 2, "Ben")
SCRIPT = MatchScript(BASE, (GOAL_A, CARD_B, GOAL_B), added_first_half=3, added_second_half=4)


def test_the_clock_walks_through_a_match() -> None:
    assert SCRIPT.snapshot(-60).status is MatchStatus.SCHEDULED
    at_20 = SCRIPT.snapshot(20 * 60)
    assert (at_20.status, at_20.period, at_20.minute, at_20.home_goals, at_20.away_goals) == (
        MatchStatus.LIVE, Period.FIRST_HALF, 21, 1, 0)
    half_time = SCRIPT.snapshot(50 * 60)
    assert (half_time.status, half_time.home_goals, half_time.away_goals) == (MatchStatus.HALFTIME, 1, 1)
    assert SCRIPT.snapshot(70 * 60).period is Period.SECOND_HALF
    final = SCRIPT.snapshot(SCRIPT.duration_minutes * 60)
    assert (final.status, final.home_goals, final.away_goals, final.minute) == (MatchStatus.FINISHED, 1, 1, None)


def test_diff_gives_each_event_once_in_order() -> None:
    states = [MatchState.of(SCRIPT.snapshot(t * 60)) for t in (-1, 0, 11, 14, 31, 49, 51, 65, 140)]
    feed = [e for a, b in zip([None, *states], states, strict=False) for e in derive_events(a, b)]
    kinds = [e.type for e in feed if e.type != "match_update"]
    assert kinds == ["match_status", "goal", "yellow_card", "goal", "match_status", "match_status", "match_status"]
    goals = [e.data for e in feed if e.type == "goal"]
    assert [(g["side"], g["minute"], g["player"], g["score"]) for g in goals] == [
        ("home", 12, "Ann", {"home": 1, "away": 0}), ("away", 45, "Ben", {"home": 1, "away": 1})]
    statuses = [(e.data["status"], e.data["score"]) for e in feed if e.type == "match_status"]
    assert statuses == [("live", {"home": 0, "away": 0}), ("halftime", {"home": 1, "away": 1}),
                        ("live", {"home": 1, "away": 1}), ("finished", {"home": 1, "away": 1})]


def test_a_result_seen_only_at_full_time_comes_with_its_score() -> None:
    """A results-only source goes from scheduled straight to finished: match_status carries the result."""
    final = MatchState(MatchStatus.FINISHED, None, None, 2, 1)
    feed = derive_events(MatchState(MatchStatus.SCHEDULED), final)
    assert [e.type for e in feed] == ["goal", "goal", "goal", "match_status", "match_update"]
    status = feed[3].data
    assert (status["status"], status["previous_status"], status["score"]) == (
        "finished", "scheduled", {"home": 2, "away": 1})
    postponed = derive_events(MatchState(MatchStatus.SCHEDULED), MatchState(MatchStatus.POSTPONED))
    assert postponed[0].data["score"] == {"home": None, "away": None}


def test_repeated_and_late_snapshots_change_nothing() -> None:
    now = MatchState.of(SCRIPT.snapshot(60 * 60))
    assert derive_events(now, now) == []
    earlier = MatchState.of(SCRIPT.snapshot(20 * 60))
    assert derive_events(now, earlier) == []  # an older snapshot never rolls the match back


def test_score_only_sources_still_produce_goals() -> None:
    before = MatchState(MatchStatus.LIVE, Period.SECOND_HALF, 70, 0, 0)
    after = MatchState(MatchStatus.LIVE, Period.SECOND_HALF, 72, 2, 0)
    goals = [e for e in derive_events(before, after) if e.type == "goal"]
    assert [(g.data["side"], g.data["minute"], g.data["score"]) for g in goals] == [
        ("home", 72, {"home": 1, "away": 0}), ("home", 72, {"home": 2, "away": 0})]


def test_polling_policy() -> None:
    policy = PollingPolicy()
    live, first, extra = MatchStatus.LIVE, Period.FIRST_HALF, Period.EXTRA_TIME
    assert decide(policy, MatchStatus.SCHEDULED, None, KICKOFF, None, datetime(2026, 11, 22, 12, 0)) is Decision.WAIT
    assert decide(policy, MatchStatus.SCHEDULED, None, KICKOFF, None, datetime(2026, 11, 22, 14, 57)) is Decision.POLL
    assert decide(policy, live, first, KICKOFF, None, datetime(2026, 11, 22, 15, 30)) is Decision.POLL
    recently = datetime(2026, 11, 22, 15, 29, 50)
    assert decide(policy, live, first, KICKOFF, recently, datetime(2026, 11, 22, 15, 30)) is Decision.WAIT
    # after the expected end (kick-off + 115 min): every 10 minutes until final
    late = datetime(2026, 11, 22, 17, 10)
    assert decide(policy, live, first, KICKOFF, datetime(2026, 11, 22, 17, 0), late) is Decision.POLL
    assert decide(policy, live, first, KICKOFF, datetime(2026, 11, 22, 17, 5), late) is Decision.WAIT
    # ... unless the match is in extra time: then it is still played, and checked at the live interval
    assert decide(policy, live, extra, KICKOFF, datetime(2026, 11, 22, 17, 9, 30), late) is Decision.POLL
    assert decide(policy, live, first, KICKOFF, None, datetime(2026, 11, 22, 20, 0)) is Decision.FLAG
    assert decide(policy, MatchStatus.FINISHED, None, KICKOFF, None, late) is Decision.DONE



def test_the_break_before_extra_time_is_progress() -> None:
    second_half = MatchState(MatchStatus.LIVE, Period.SECOND_HALF, 94, 2, 2)
    break_before_extra_time = MatchState(MatchStatus.HALFTIME, Period.HALFTIME, 90, 2, 2)
    assert [e.type for e in derive_events(second_half, break_before_extra_time)] == ["match_status", "match_update"]


def test_a_shootout_known_only_by_its_winner_is_still_played_out() -> None:
    script = MatchScript(BASE, (GOAL_A, GOAL_B), extra_time=True, shootout=True)
    during = script.snapshot((script.duration_minutes - 5) * 60)
    final = script.snapshot(script.duration_minutes * 60)
    assert (during.status, during.period) == (MatchStatus.LIVE, Period.PENALTIES)
    assert (final.status, final.finish, final.home_penalties) == (MatchStatus.FINISHED, Finish.PENALTIES, None)
