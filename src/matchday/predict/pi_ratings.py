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


def _psi(r: float) -> float:
    return float(np.sign(r) * (10.0 ** (abs(r) / 3.0) - 1.0))


def pi_expected_differences(history: History, params: PiParams) -> np.ndarray:
    """Expected goal difference for every match from results known at its kick-off."""
    n = len(history)
    out = np.zeros(n)
    home_r: dict[int, float] = {}
    away_r: dict[int, float] = {}
    order_known = np.argsort(history.known_at, kind="stable")
    division: dict[str, set[int]] = {}
    applied = 0
    lam, gamma = params.learning_rate, params.carry_over
    for i in range(n):
        moment = history.predict_at[i]
        while applied < n and history.known_at[order_known[applied]] <= moment:
            j = order_known[applied]
            applied += 1
            if not history.played[j]:
                continue
            h, a = int(history.home[j]), int(history.away[j])
            expected = _psi(home_r.get(h, 0.0)) - _psi(away_r.get(a, 0.0))
            error = (history.home_goals[j] - history.away_goals[j]) - expected
            step = 3.0 * np.log10(1.0 + abs(error)) * np.sign(error)
            home_r[h] = home_r.get(h, 0.0) + step * lam
            away_r[h] = away_r.get(h, 0.0) + step * lam * gamma
            away_r[a] = away_r.get(a, 0.0) - step * lam
            home_r[a] = home_r.get(a, 0.0) - step * lam * gamma
        h, a = int(history.home[i]), int(history.away[i])
        members = division.setdefault(history.competition[i], set())
        for team in (h, a):
            if team not in home_r:  # a newcomer: the level of the division's weakest three
                weakest = sorted(members, key=lambda t: home_r[t] + away_r[t])[:3]
                home_r[team] = float(np.mean([home_r[t] for t in weakest])) if weakest else 0.0
                away_r[team] = float(np.mean([away_r[t] for t in weakest])) if weakest else 0.0
            members.add(team)
        out[i] = _psi(home_r.get(h, 0.0)) - _psi(away_r.get(a, 0.0))
    return out
