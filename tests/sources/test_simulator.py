"""The simulator: a proper double round-robin, reproducible for a seed."""

from __future__ import annotations

from collections import Counter

from matchday.domain.records import EventType
from matchday.sources.simulator.generator import generate_season


def test_double_round_robin_on_weekends() -> None:
    season = generate_season(20, seed=3).matches
    assert len(season) == 380
    pairs = Counter((m.home.name, m.away.name) for m in season)
    assert len(pairs) == 380 and set(pairs.values()) == {1}
    assert Counter(m.round_number for m in season) == {r: 10 for r in range(1, 39)}
    assert {m.match_date.weekday() for m in season} <= {5, 6}
    for team in {m.home.name for m in season}:
        assert sum(team in (m.home.name, m.away.name) for m in season) == 38


def test_goals_events_and_scores_agree() -> None:
    for match in generate_season(10, seed=11).matches:
        goals = [e for e in match.events if e.type is EventType.GOAL]
        assert sum(e.side == "home" for e in goals) == match.home_goals
        assert sum(e.side == "away" for e in goals) == match.away_goals
        assert match.home_goals_ht <= match.home_goals and match.away_goals_ht <= match.away_goals


def test_deterministic_for_a_seed_and_home_advantage() -> None:
    assert generate_season(20, seed=5) == generate_season(20, seed=5)
    assert generate_season(20, seed=5).matches != generate_season(20, seed=6).matches
    many = [m for seed in range(5) for m in generate_season(20, seed=seed).matches]
    home, away = sum(m.home_goals for m in many), sum(m.away_goals for m in many)
    assert 1.1 < home / away < 1.6 and 2.2 < (home + away) / len(many) < 3.3
