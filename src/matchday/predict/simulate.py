"""The rest of a season simulated many times at once, ranked by the competition's own table rules.

Scores of the remaining fixtures are drawn from each fixture's score grid (Dixon-Coles), all runs at once;
points and goals are summed with one matrix product per quantity. Runs are ranked on points and the rules'
simple tie-breakers (goal difference, goals for, goal average, ...) vectorised; a run where teams stay level on
all of those, or whose rules need head-to-head, splits or anything else, is ranked by
``domain.standings.compute_table`` itself on that run's results: the real rules, never an approximation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from matchday.domain.standings import Deduction, Result, TableRules, accumulate, compute_table

SIMPLE_KEYS = ("goal_difference", "goals_for", "goal_average", "fewer_goals_against", "wins", "away_goals_for")
_KNOWN_RULE_FIELDS = {"points_win", "points_draw", "points_loss", "tiebreakers", "zones"}


@dataclass(frozen=True)
class Fixture:
    match_id: int
    match_date: date
    home_id: int
    away_id: int
    grid: np.ndarray  # (g, g) score probabilities


@dataclass(frozen=True)
class SimulationResult:
    teams: list[int]
    runs: int
    position_probabilities: np.ndarray  # (teams, positions)
    zone_probabilities: dict[str, np.ndarray]  # zone name -> (teams,)
    expected_points: np.ndarray
    exact_runs: int  # runs ranked by compute_table


def _simple_prefix(rules: TableRules) -> list[str] | None:
    """The tie-breakers ranked here (those before the first head-to-head one); None when the rules hold
    anything this module does not know (a split ...), so that compute_table ranks every run."""
    extra = [f for f in dataclasses.fields(rules) if f.name not in _KNOWN_RULE_FIELDS]
    if any(getattr(rules, f.name) != (f.default if f.default is not dataclasses.MISSING else f.default_factory())
           for f in extra):
        return None
    prefix: list[str] = []
    for key in rules.tiebreakers:
        if key not in SIMPLE_KEYS:
            break
        prefix.append(key)
    return prefix


def _zone_positions(zone_first: int, zone_last: int, size: int) -> range:
    first = zone_first if zone_first > 0 else size + zone_first + 1
    last = zone_last if zone_last > 0 else size + zone_last + 1
    return range(first, last + 1)


def sample_scores(fixtures: Sequence[Fixture], runs: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(runs, fixtures) home and away goals."""
    home = np.zeros((runs, len(fixtures)), dtype=np.int64)
    away = np.zeros((runs, len(fixtures)), dtype=np.int64)
    for f, fixture in enumerate(fixtures):
        size = fixture.grid.shape[1]
        cdf = np.cumsum(fixture.grid.ravel())
        picks = np.minimum(np.searchsorted(cdf, rng.random(runs) * cdf[-1]), cdf.size - 1)
        home[:, f], away[:, f] = picks // size, picks % size
    return home, away


def simulate_season(played: Sequence[Result], fixtures: Sequence[Fixture], team_ids: Sequence[int],
                    rules: TableRules, deductions: Sequence[Deduction] = (), *, runs: int = 10_000, seed: int = 0,
                    team_names: dict[int, str] | None = None, groups: dict[int, str] | None = None
                    ) -> SimulationResult:
    teams = list(team_ids)
    col = {t: k for k, t in enumerate(teams)}
    n_teams = len(teams)
    rng = np.random.default_rng(seed)
    hg, ag = sample_scores(fixtures, runs, rng)
    home_inc = np.zeros((len(fixtures), n_teams))
    away_inc = np.zeros((len(fixtures), n_teams))
    for f, fixture in enumerate(fixtures):
        home_inc[f, col[fixture.home_id]] = 1.0
        away_inc[f, col[fixture.away_id]] = 1.0
    home_win, draw, away_win = (hg > ag).astype(float), (hg == ag).astype(float), (hg < ag).astype(float)
    base = accumulate(played, teams, rules)
    deducted = np.zeros(n_teams)
    for ded in deductions:
        if ded.team_id in col:
            deducted[col[ded.team_id]] += ded.points
    points = (np.array([base[t].points for t in teams]) - deducted
              + (rules.points_win * home_win + rules.points_draw * draw + rules.points_loss * away_win) @ home_inc
              + (rules.points_win * away_win + rules.points_draw * draw + rules.points_loss * home_win) @ away_inc)
    goals_for = np.array([base[t].goals_for for t in teams]) + hg @ home_inc + ag @ away_inc
    goals_against = np.array([base[t].goals_against for t in teams]) + ag @ home_inc + hg @ away_inc
    keys_by_name = {
        "goal_difference": goals_for - goals_against,
        "goals_for": goals_for,
        "goal_average": np.where(goals_against > 0, goals_for / np.maximum(goals_against, 1),
                                 np.where(goals_for > 0, np.inf, 0.0)),
        "fewer_goals_against": -goals_against,
        "wins": np.array([base[t].won for t in teams]) + home_win @ home_inc + away_win @ away_inc,
        "away_goals_for": np.array([base[t].away_goals_for for t in teams]) + ag @ away_inc,
    }
    prefix = _simple_prefix(rules)
    simple = prefix is not None and not (groups and len(set(groups.values())) > 1)
    criteria = [points] + ([keys_by_name[k] for k in prefix] if simple and prefix else [])
    order = _rank_order(criteria)
    exact = np.ones(runs, dtype=bool) if not simple else _has_full_ties(criteria, order)
    positions = np.empty((runs, n_teams), dtype=np.int64)
    positions[np.arange(runs)[:, None], order] = np.arange(n_teams)[None, :]
    for run in np.flatnonzero(exact):
        results = list(played) + [
            Result(-1 - f, fx.match_date, None, fx.home_id, fx.away_id, int(hg[run, f]), int(ag[run, f]))
            for f, fx in enumerate(fixtures)]
        rows = compute_table(results, teams, rules, deductions, team_names=team_names, groups=groups)
        for row in rows:
            positions[run, col[row.team_id]] = row.position - 1
    counts = np.zeros((n_teams, n_teams))
    np.add.at(counts, (np.broadcast_to(np.arange(n_teams), positions.shape), positions), 1.0)
    probs = counts / runs
    zones = {}
    for zone in rules.zones:
        span = [p - 1 for p in _zone_positions(zone.first, zone.last, n_teams) if 0 < p <= n_teams]
        zones[zone.name] = zones.get(zone.name, np.zeros(n_teams)) + probs[:, span].sum(axis=1)
    return SimulationResult(teams, runs, probs, zones, points.mean(axis=0), int(exact.sum()))


def _rank_order(criteria: list[np.ndarray]) -> np.ndarray:
    """Per run, team columns from first to last: descending on the first criterion, then the next ..."""
    return np.lexsort([-k for k in reversed(criteria)], axis=-1)


def _has_full_ties(criteria: list[np.ndarray], order: np.ndarray) -> np.ndarray:
    """Runs in which two adjacent teams are level on every criterion."""
    tied = np.ones(order.shape[0:1] + (order.shape[1] - 1,), dtype=bool)
    for key in criteria:
        ranked = np.take_along_axis(key, order, axis=1)
        tied &= ranked[:, 1:] == ranked[:, :-1]
    return tied.any(axis=1)
