"""Elo ratings with home advantage, a goal-difference multiplier and regression to the mean between seasons.

The update is K × G × (result − expected) with the goal-difference multiplier G = max(1, |gd|)^e (e fitted, like
K and the regression, on the training period). At each new season every rating moves ``regress`` of the way
back to its division's mean. A team never seen starts at the mean rating of the three weakest teams of the
division it joins (promoted teams replace relegated ones); with several divisions in the history, one pool
rates them all on one scale. Outcome probabilities come from an ordered logit on the rating difference (the
fitted draw model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchday.predict.history import History

START = 1500.0


@dataclass(frozen=True)
class EloParams:
    k: float = 20.0
    home: float = 70.0
    regress: float = 0.1
    margin_exponent: float = 0.7


def margin_multiplier(goal_difference: float, exponent: float) -> float:
    return max(1.0, abs(goal_difference)) ** exponent


def elo_differences(history: History, params: EloParams) -> np.ndarray:
    """For every match in ``history`` (played or not): home rating + home advantage − away rating, from the
    results known at its kick-off only. Results are applied in the order they became known."""
    n = len(history)
    diffs = np.zeros(n)
    ratings: dict[int, float] = {}
    last_season: dict[int, str] = {}
    division: dict[str, list[int]] = {}
    order_known = np.argsort(history.known_at, kind="stable")
    applied = 0
    played = history.played
    for i in range(n):
        moment = history.predict_at[i]
        while applied < n and history.known_at[order_known[applied]] <= moment:
            j = order_known[applied]
            applied += 1
            if played[j]:
                _apply(history, j, ratings, params)
        comp = history.competition[i]
        season = history.season[i]
        for team in (history.home[i], history.away[i]):
            team = int(team)
            if team not in ratings:
                ratings[team] = _newcomer(ratings, division.get(comp, []))
            elif last_season.get(team) != season and last_season.get(team) is not None:
                mean = float(np.mean([ratings[t] for t in division.get(comp, [team])]))
                ratings[team] += params.regress * (mean - ratings[team])
            last_season[team] = season
            members = division.setdefault(comp, [])
            if team not in members:
                members.append(team)
        diffs[i] = ratings[int(history.home[i])] + params.home - ratings[int(history.away[i])]
    return diffs


def _newcomer(ratings: dict[int, float], members: list[int]) -> float:
    known = sorted(ratings[t] for t in members if t in ratings)
    return float(np.mean(known[:3])) if known else START


def _apply(history: History, j: int, ratings: dict[int, float], params: EloParams) -> None:
    home, away = int(history.home[j]), int(history.away[j])
    hg, ag = history.home_goals[j], history.away_goals[j]
    rh, ra = ratings.get(home, START), ratings.get(away, START)
    expected = 1.0 / (1.0 + 10.0 ** (-(rh + params.home - ra) / 400.0))
    result = 1.0 if hg > ag else 0.5 if hg == ag else 0.0
    change = params.k * margin_multiplier(hg - ag, params.margin_exponent) * (result - expected)
    ratings[home] = rh + change
    ratings[away] = ra - change
