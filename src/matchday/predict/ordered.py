"""Ordered logistic model of home/draw/away on one strength difference: the draw model of the ratings.

P(away) = σ(θ₁ − βx), P(away or draw) = σ(θ₂ − βx), θ₁ < θ₂, fitted by maximum likelihood.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit


@dataclass(frozen=True)
class OrderedLogit:
    beta: float
    theta_away: float
    theta_draw: float

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        p_away = expit(self.theta_away - self.beta * x)
        p_not_home = expit(self.theta_draw - self.beta * x)
        probs = np.stack([1.0 - p_not_home, p_not_home - p_away, p_away], axis=1)
        return np.clip(probs, 1e-9, 1.0) / np.clip(probs, 1e-9, 1.0).sum(axis=1, keepdims=True)


def fit_ordered_logit(x: np.ndarray, outcomes: np.ndarray, start: OrderedLogit | None = None) -> OrderedLogit:
    """``outcomes``: 0 home, 1 draw, 2 away. Parameterised as (β, θ₁, log(θ₂ − θ₁)) to keep the order."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(outcomes, dtype=int)
    if len(x) < 30:
        return start or OrderedLogit(1.0, -1.0, 0.1)

    def nll(params: np.ndarray) -> tuple[float, np.ndarray]:
        beta, t1, log_gap = params
        t2 = t1 + np.exp(log_gap)
        s1, s2 = expit(t1 - beta * x), expit(t2 - beta * x)
        p = np.where(y == 2, s1, np.where(y == 1, s2 - s1, 1.0 - s2))
        p = np.maximum(p, 1e-12)
        # d s / d z = s(1-s)
        d1, d2 = s1 * (1 - s1), s2 * (1 - s2)
        dp_dt1 = np.where(y == 2, d1, np.where(y == 1, d2 - d1, -d2))
        dp_dt2 = np.where(y == 2, 0.0, np.where(y == 1, d2, -d2))
        dp_dbeta = np.where(y == 2, -x * d1, np.where(y == 1, -x * (d2 - d1), x * d2))
        g_t1 = -dp_dt1 / p
        g_gap = -(dp_dt2 / p) * np.exp(log_gap)
        g_beta = -dp_dbeta / p
        return float(-np.log(p).sum()), np.array([g_beta.sum(), g_t1.sum(), g_gap.sum()])

    s = start or OrderedLogit(1.0, -1.0, 0.1)
    x0 = np.array([s.beta, s.theta_away, np.log(max(s.theta_draw - s.theta_away, 1e-3))])
    res = minimize(nll, x0, jac=True, method="L-BFGS-B")
    beta, t1, log_gap = res.x
    return OrderedLogit(float(beta), float(t1), float(t1 + np.exp(log_gap)))
