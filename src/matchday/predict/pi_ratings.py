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
    division: dict[tuple[str, str], list[int]] = {}  # (competition, season) -> its teams so far
    last_season: dict[int, str] = {}
    labels = sorted(set(history.season.tolist()))
    previous_season = dict(zip(labels[1:], labels[:-1], strict=True))
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
        comp, season = history.competition[i], history.season[i]
        this_season = division.setdefault((comp, season), [])
        for team in (h, a):
            if last_season.get(team) == season:
                continue
            if team not in home_r or last_season[team] != previous_season.get(season):
                # new, or back after seasons in no division we hold: last season's weakest three's level
                before = [t for t in division.get((comp, previous_season.get(season, "")), []) if t in home_r]
                if before:
                    both = np.array([home_r[t] + away_r[t] for t in before])
                    weakest = np.argsort(both, axis=0)[:3]
                    cols = np.arange(width)
                    home_r[team] = np.array([home_r[before[w]] for w in range(len(before))])[weakest, cols].mean(0)
                    away_r[team] = np.array([away_r[before[w]] for w in range(len(before))])[weakest, cols].mean(0)
                elif team not in home_r:
                    home_r[team], away_r[team] = np.zeros(width), np.zeros(width)
            last_season[team] = season
            this_season.append(team)
        out[i] = _psi(home_r[h]) - _psi(away_r[a])
    return out
