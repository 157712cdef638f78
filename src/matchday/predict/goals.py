"""Poisson and Dixon-Coles goal models with exponential time decay, fitted by weighted maximum likelihood.

log λ_home = c + tier_offset + home + attack[h] + defence[a];  log λ_away = c + tier_offset + attack[a] +
defence[h] (``defence`` is a weakness: higher concedes more). Dixon-Coles multiplies the four low scores by
τ(ρ). Matches of several divisions are fitted together (one offset per division), so a promoted team
carries its lower-division strength on the same scale; a team with no match in the window starts at the
level of the weakest three of the division it joins. A small ridge keeps the fit identified and shrinks teams
with few matches. The objective and its analytic gradient are vectorised; L-BFGS-B does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln

MAX_GOALS = 10


@dataclass(frozen=True)
class GoalModel:
    team_index: dict[int, int]
    attack: np.ndarray
    defence: np.ndarray
    intercept: float
    home: float
    rho: float
    tier_offset: dict[int, float]
    newcomer: dict[int, tuple[float, float]]  # tier -> (attack, defence) for a team the fit never saw
    dixon_coles: bool

    def rates(self, home_ids: np.ndarray, away_ids: np.ndarray, tiers: np.ndarray,
              neutral: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Expected goals (home, away) for each fixture."""
        def strength(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            att, dfc = np.empty(len(ids)), np.empty(len(ids))
            for k, (team, tier) in enumerate(zip(ids, tiers, strict=True)):
                idx = self.team_index.get(int(team))
                if idx is None:
                    att[k], dfc[k] = self.newcomer.get(int(tier), (0.0, 0.0))
                else:
                    att[k], dfc[k] = self.attack[idx], self.defence[idx]
            return att, dfc

        ah, dh = strength(home_ids)
        aa, da = strength(away_ids)
        base = self.intercept + np.array([self.tier_offset.get(int(t), 0.0) for t in tiers])
        home = self.home if neutral is None else np.where(neutral, 0.0, self.home)
        return np.exp(base + home + ah + da), np.exp(base + aa + dh)


def _tau_terms(masks, lam: np.ndarray, mu: np.ndarray, rho: float):
    """log τ and d log τ / d(η_home, η_away, ρ) for every match (0 away from the four low scores)."""
    m00, m01, m10, m11 = masks
    log_tau = np.zeros_like(lam)
    d_eh, d_ea, d_rho = np.zeros_like(lam), np.zeros_like(lam), np.zeros_like(lam)
    lm = lam[m00] * mu[m00]
    t00 = np.maximum(1.0 - lm * rho, 1e-10)
    t01 = np.maximum(1.0 + lam[m01] * rho, 1e-10)
    t10 = np.maximum(1.0 + mu[m10] * rho, 1e-10)
    t11 = max(1.0 - rho, 1e-10)
    log_tau[m00], log_tau[m01], log_tau[m10], log_tau[m11] = np.log(t00), np.log(t01), np.log(t10), np.log(t11)
    d_eh[m00] = d_ea[m00] = -lm * rho / t00
    d_rho[m00] = -lm / t00
    d_eh[m01] = lam[m01] * rho / t01
    d_rho[m01] = lam[m01] / t01
    d_ea[m10] = mu[m10] * rho / t10
    d_rho[m10] = mu[m10] / t10
    d_rho[m11] = -1.0 / t11
    return log_tau, d_eh, d_ea, d_rho


class _Problem:
    """Negative penalised log-likelihood over θ = [attack (n), defence (n), c, home, ρ, tier offsets (T-1)]."""

    def __init__(self, hi, ai, hg, ag, tier_i, weights, n_teams, n_tiers, dixon_coles, ridge):
        self.hi, self.ai, self.hg, self.ag, self.ti = hi, ai, hg, ag, tier_i
        self.w = weights / weights.sum()
        self.n, self.t = n_teams, n_tiers
        self.dc, self.ridge = dixon_coles, ridge
        self.masks = tuple(np.flatnonzero((hg == i) & (ag == j)) for i, j in ((0, 0), (0, 1), (1, 0), (1, 1)))
        self.const = float((self.w * (gammaln(hg + 1) + gammaln(ag + 1))).sum())

    def unpack(self, theta):
        n = self.n
        att, dfc = theta[:n], theta[n:2 * n]
        c, home, rho = theta[2 * n], theta[2 * n + 1], theta[2 * n + 2]
        offsets = np.concatenate([[0.0], theta[2 * n + 3:]])
        return att, dfc, c, home, rho, offsets

    def __call__(self, theta):
        att, dfc, c, home, rho, offsets = self.unpack(theta)
        rho = rho if self.dc else 0.0
        base = c + offsets[self.ti]
        eh = base + home + att[self.hi] + dfc[self.ai]
        ea = base + att[self.ai] + dfc[self.hi]
        lam, mu = np.exp(eh), np.exp(ea)
        ll = self.w * (self.hg * eh - lam + self.ag * ea - mu)
        g_eh = self.w * (self.hg - lam)
        g_ea = self.w * (self.ag - mu)
        g_rho = 0.0
        if self.dc:
            log_tau, d_eh, d_ea, d_rho = _tau_terms(self.masks, lam, mu, rho)
            ll = ll + self.w * log_tau
            g_eh = g_eh + self.w * d_eh
            g_ea = g_ea + self.w * d_ea
            g_rho = float((self.w * d_rho).sum())
        n = self.n
        grad = np.zeros_like(theta)
        grad[:n] = np.bincount(self.hi, g_eh, n) + np.bincount(self.ai, g_ea, n)
        grad[n:2 * n] = np.bincount(self.ai, g_eh, n) + np.bincount(self.hi, g_ea, n)
        grad[2 * n] = g_eh.sum() + g_ea.sum()
        grad[2 * n + 1] = g_eh.sum()
        grad[2 * n + 2] = g_rho
        if self.t > 1:
            grad[2 * n + 3:] = (np.bincount(self.ti, g_eh + g_ea, self.t))[1:]
        penalty = 0.5 * self.ridge * (att @ att + dfc @ dfc)
        value = -(ll.sum() - self.const) + penalty
        grad = -grad
        grad[:2 * n] += self.ridge * theta[:2 * n]
        return value, grad


def fit_goal_model(home_ids: np.ndarray, away_ids: np.ndarray, home_goals: np.ndarray, away_goals: np.ndarray,
                   tiers: np.ndarray, weights: np.ndarray, *, dixon_coles: bool = True,
                   ridge: float = 0.002, start: GoalModel | None = None) -> GoalModel:
    """Weighted ML fit; ``start`` (an earlier fit) warm-starts the optimiser."""
    teams = np.unique(np.concatenate([home_ids, away_ids]))
    team_index = {int(t): i for i, t in enumerate(teams)}
    tier_values = sorted({int(t) for t in tiers}) or [1]
    tier_index = {t: i for i, t in enumerate(tier_values)}
    n, n_tiers = len(teams), len(tier_values)
    hi = np.searchsorted(teams, home_ids)
    ai = np.searchsorted(teams, away_ids)
    ti = np.array([tier_index[int(t)] for t in tiers], dtype=np.int64)
    hg, ag = home_goals.astype(float), away_goals.astype(float)
    theta0 = np.zeros(2 * n + 3 + n_tiers - 1)
    mean_goals = max(float((weights * (hg + ag)).sum() / max(weights.sum(), 1e-12)) / 2.0, 0.1) if len(hg) else 1.3
    theta0[2 * n] = np.log(mean_goals)
    theta0[2 * n + 1] = 0.25
    if start is not None:
        for team, i in team_index.items():
            j = start.team_index.get(team)
            if j is not None:
                theta0[i], theta0[n + i] = start.attack[j], start.defence[j]
        theta0[2 * n], theta0[2 * n + 1], theta0[2 * n + 2] = start.intercept, start.home, start.rho
    if len(hg) == 0:
        return GoalModel({}, np.zeros(0), np.zeros(0), float(np.log(1.35)), 0.25, 0.0, {}, {}, dixon_coles)
    problem = _Problem(hi, ai, hg, ag, ti, weights, n, n_tiers, dixon_coles, ridge)
    bounds = [(None, None)] * (2 * n + 2) + [(-0.25, 0.25) if dixon_coles else (0.0, 0.0)] + \
        [(None, None)] * (n_tiers - 1)
    result = minimize(problem, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"maxiter": 500, "gtol": 1e-7})
    att, dfc, c, home, rho, offsets = problem.unpack(result.x)
    # a team never seen: the level of the weakest three of the division it joins
    newcomer: dict[int, tuple[float, float]] = {}
    for tier, k in tier_index.items():
        members = np.unique(np.concatenate([hi[ti == k], ai[ti == k]]))
        weakest = members[np.argsort(att[members] - dfc[members])[:3]]
        newcomer[tier] = (float(att[weakest].mean()), float(dfc[weakest].mean()))
    return GoalModel(team_index, att.copy(), dfc.copy(), float(c), float(home), float(rho if dixon_coles else 0.0),
                     {t: float(offsets[k]) for t, k in tier_index.items()}, newcomer, dixon_coles)


def score_matrix(lam: np.ndarray, mu: np.ndarray, rho: float = 0.0, max_goals: int = MAX_GOALS) -> np.ndarray:
    """P(home scores i, away scores j), shape (n, max_goals + 1, max_goals + 1), renormalised."""
    goals = np.arange(max_goals + 1)
    log_fact = gammaln(goals + 1)
    ph = np.exp(goals * np.log(lam[:, None]) - lam[:, None] - log_fact)
    pa = np.exp(goals * np.log(mu[:, None]) - mu[:, None] - log_fact)
    grid = ph[:, :, None] * pa[:, None, :]
    if rho:
        grid[:, 0, 0] *= np.maximum(1.0 - lam * mu * rho, 0.0)
        grid[:, 0, 1] *= 1.0 + lam * rho
        grid[:, 1, 0] *= 1.0 + mu * rho
        grid[:, 1, 1] *= 1.0 - rho
    return grid / grid.sum(axis=(1, 2), keepdims=True)


def outcome_probabilities(grid: np.ndarray) -> np.ndarray:
    """(n, 3): home win, draw, away win."""
    home = np.tril(np.ones(grid.shape[1:]), -1)
    draw = np.eye(grid.shape[1])
    return np.stack([(grid * home).sum(axis=(1, 2)), (grid * draw).sum(axis=(1, 2)),
                     (grid * home.T).sum(axis=(1, 2))], axis=1)


def over_probability(grid: np.ndarray, line: float = 2.5) -> np.ndarray:
    goals = np.arange(grid.shape[1])
    return (grid * ((goals[:, None] + goals[None, :]) > line)).sum(axis=(1, 2))


def both_score_probability(grid: np.ndarray) -> np.ndarray:
    return grid[:, 1:, 1:].sum(axis=(1, 2))


def likely_scores(grid_one: np.ndarray, top: int = 3) -> list[tuple[int, int, float]]:
    """The ``top`` most likely scores of one match's grid: (home goals, away goals, probability)."""
    flat = np.argsort(grid_one, axis=None)[::-1][:top]
    size = grid_one.shape[1]
    return [(int(k // size), int(k % size), float(grid_one.flat[k])) for k in flat]
