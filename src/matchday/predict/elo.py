"""Elo ratings with home advantage, a goal-difference multiplier and regression to the mean between seasons.

The update is K × G × (result − expected) with the goal-difference multiplier G = max(1, |gd|)^e, and K raised by
a factor over a season's first six matches (after the summer's transfers early results say more). e, that factor,
K and the regression are fitted on the training period. At each new season every rating moves ``regress`` of the
way back to the mean of its division's last season. A team never seen, or back after seasons in no division we
hold, starts at the mean rating of last season's three weakest teams of the division it joins (promoted teams
replace relegated ones); with several divisions in the history, one pool rates them all on one scale. Outcome
probabilities come from an ordered logit on the rating difference (the fitted draw model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchday.predict.history import History

START = 1500.0
EARLY_GAMES = 6


@dataclass(frozen=True)
class EloParams:
    k: float = 20.0
    home: float = 70.0
    regress: float = 0.1
    margin_exponent: float = 0.7
    early_boost: float = 0.0  # K × (1 + boost) while either team has played fewer than EARLY_GAMES this season


def elo_differences(history: History, params: EloParams) -> np.ndarray:
    """For every match in ``history`` (played or not): home rating + home advantage − away rating, from the
    results known at its kick-off only. Results are applied in the order they became known."""
    return elo_differences_many(history, [params])[:, 0]


def elo_differences_many(history: History, grid: list[EloParams]) -> np.ndarray:
    """:func:`elo_differences` for several parameter sets in one pass: (matches, parameter sets)."""
    k = np.array([p.k for p in grid])
    home_adv = np.array([p.home for p in grid])
    regress = np.array([p.regress for p in grid])
    exponent = np.array([p.margin_exponent for p in grid])
    early_k = k * (1.0 + np.array([p.early_boost for p in grid]))
    games: dict[int, int] = {}  # results applied this season, per team
    n = len(history)
    diffs = np.zeros((n, len(grid)))
    ratings: dict[int, np.ndarray] = {}
    last_season: dict[int, str] = {}
    division: dict[tuple[str, str], list[int]] = {}  # (competition, season) -> its teams so far
    labels = sorted(set(history.season.tolist()))
    previous_season = dict(zip(labels[1:], labels[:-1], strict=True))
    order_known = np.argsort(history.known_at, kind="stable")
    applied = 0
    played, known_at, predict_at = history.played, history.known_at, history.predict_at
    homes, aways = history.home.tolist(), history.away.tolist()
    hgs, ags = history.home_goals.tolist(), history.away_goals.tolist()
    for i in range(n):
        moment = predict_at[i]
        while applied < n and known_at[order_known[applied]] <= moment:
            j = order_known[applied]
            applied += 1
            if played[j]:
                h, a = homes[j], aways[j]
                rh, ra = ratings[h], ratings[a]
                expected = 1.0 / (1.0 + 10.0 ** (-(rh + home_adv - ra) / 400.0))
                gd = hgs[j] - ags[j]
                result = 1.0 if gd > 0 else 0.5 if gd == 0 else 0.0
                early = min(games.get(h, 0), games.get(a, 0)) < EARLY_GAMES
                games[h], games[a] = games.get(h, 0) + 1, games.get(a, 0) + 1
                change = (early_k if early else k) * max(1.0, abs(gd)) ** exponent * (result - expected)
                ratings[h] = rh + change
                ratings[a] = ra - change
        comp, season = history.competition[i], history.season[i]
        this_season = division.setdefault((comp, season), [])
        for team in (homes[i], aways[i]):
            if last_season.get(team) == season:
                continue
            before = division.get((comp, previous_season.get(season, "")), [])
            if team not in ratings or last_season[team] != previous_season.get(season):
                # new, or back after seasons outside every division we hold: the level of last season's
                # weakest three of the division it joins (the teams promoted sides replace)
                known = [ratings[t] for t in before if t in ratings]
                if known:
                    ratings[team] = np.sort(np.array(known), axis=0)[:3].mean(axis=0)
                elif team not in ratings:
                    ratings[team] = np.full(len(grid), START)
            else:
                pool = [ratings[t] for t in before] or [ratings[team]]
                ratings[team] = ratings[team] + regress * (np.mean(pool, axis=0) - ratings[team])
            last_season[team] = season
            games[team] = 0
            this_season.append(team)
        diffs[i] = ratings[homes[i]] + home_adv - ratings[aways[i]]
    return diffs
