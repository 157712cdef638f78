"""pi-ratings (Constantinou & Fenton 2013): a home and an away rating per team, in goals, learned from errors.

Expected goal difference of a match = ψ(R_home,H) − ψ(R_away,A), ψ(r) = sign(r)(10^{|r|/3} − 1). After the
match the error e = observed − expected goal difference is turned into ψ⁻¹-scaled updates: the home team's
home rating moves by λ·3·log10(1 + |e|)·sign(e), its away rating by γ times that (the away team mirrored).
λ (learning rate) and γ (cross-venue carry-over) are fitted on the training data; outcome probabilities come
from an ordered logit on the expected goal difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchday.predict.history import History


@dataclass(frozen=True)
class PiParams:
    learning_rate: float = 0.035
    carry_over: float = 0.7


def _psi(r: np.ndarray) -> np.ndarray:
    return np.sign(r) * (10.0 ** (np.abs(r) / 3.0) - 1.0)


def pi_expected_differences(history: History, params: PiParams) -> np.ndarray:
    """Expected goal difference for every match from results known at its kick-off."""
    return pi_expected_differences_many(history, [params])[:, 0]


def pi_expected_differences_many(history: History, grid: list[PiParams]) -> np.ndarray:
    """:func:`pi_expected_differences` for several parameter sets in one pass: (matches, parameter sets)."""
    lam = np.array([p.learning_rate for p in grid])
    gamma = np.array([p.carry_over for p in grid])
    n, width = len(history), len(grid)
    out = np.zeros((n, width))
    home_r: dict[int, np.ndarray] = {}
    away_r: dict[int, np.ndarray] = {}
    division: dict[str, set[int]] = {}
    order_known = np.argsort(history.known_at, kind="stable")
    applied = 0
    homes, aways = history.home.tolist(), history.away.tolist()
    gds = (history.home_goals - history.away_goals).tolist()
    for i in range(n):
        moment = history.predict_at[i]
        while applied < n and history.known_at[order_known[applied]] <= moment:
            j = order_known[applied]
            applied += 1
            if not history.played[j]:
                continue
            h, a = homes[j], aways[j]
            error = gds[j] - (_psi(home_r[h]) - _psi(away_r[a]))
            step = 3.0 * np.log10(1.0 + np.abs(error)) * np.sign(error) * lam
            home_r[h] = home_r[h] + step
            away_r[h] = away_r[h] + step * gamma
            away_r[a] = away_r[a] - step
            home_r[a] = home_r[a] - step * gamma
        h, a = homes[i], aways[i]
        members = division.setdefault(history.competition[i], set())
        for team in (h, a):
            if team not in home_r:  # a newcomer: the level of the division's weakest three
                if members:
                    both = np.array([home_r[t] + away_r[t] for t in members])
                    weakest = np.argsort(both, axis=0)[:3]
                    ordered = list(members)
                    home_r[team] = np.array([np.mean([home_r[ordered[w]][c] for w in weakest[:, c]])
                                             for c in range(width)])
                    away_r[team] = np.array([np.mean([away_r[ordered[w]][c] for w in weakest[:, c]])
                                             for c in range(width)])
                else:
                    home_r[team], away_r[team] = np.zeros(width), np.zeros(width)
            members.add(team)
        out[i] = _psi(home_r[h]) - _psi(away_r[a])
    return out
