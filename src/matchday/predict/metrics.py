"""Scores of probabilistic 1X2 forecasts (outcome order home, draw, away) and a paired bootstrap."""

from __future__ import annotations

import numpy as np

OUTCOMES = ("home", "draw", "away")


def outcome_index(home_goals: np.ndarray, away_goals: np.ndarray) -> np.ndarray:
    """0 home win, 1 draw, 2 away win."""
    return np.where(home_goals > away_goals, 0, np.where(home_goals == away_goals, 1, 2))


def one_hot(outcomes: np.ndarray) -> np.ndarray:
    return np.eye(3)[np.asarray(outcomes, dtype=int)]


def rps(probs: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    """Ranked probability score per match (ordered outcomes; 0 is perfect)."""
    cum = np.cumsum(np.asarray(probs, dtype=float), axis=1)[:, :2]
    obs = np.cumsum(one_hot(outcomes), axis=1)[:, :2]
    return ((cum - obs) ** 2).sum(axis=1) / 2.0


def brier(probs: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    return ((np.asarray(probs, dtype=float) - one_hot(outcomes)) ** 2).sum(axis=1)


def log_loss(probs: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    picked = np.asarray(probs, dtype=float)[np.arange(len(outcomes)), np.asarray(outcomes, dtype=int)]
    return -np.log(np.clip(picked, 1e-15, 1.0))


def score_all(probs: np.ndarray, outcomes: np.ndarray) -> dict[str, float]:
    return {"rps": float(rps(probs, outcomes).mean()), "brier": float(brier(probs, outcomes).mean()),
            "log_loss": float(log_loss(probs, outcomes).mean()), "matches": len(outcomes)}


def calibration(probs: np.ndarray, outcomes: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Per outcome and probability bin: mean forecast, observed frequency, count."""
    hot = one_hot(outcomes)
    edges = np.linspace(0.0, 1.0, bins + 1)
    out = []
    for k, name in enumerate(OUTCOMES):
        which = np.clip(np.digitize(probs[:, k], edges) - 1, 0, bins - 1)
        for b in range(bins):
            mask = which == b
            if mask.any():
                out.append({"outcome": name, "forecast": float(probs[mask, k].mean()),
                            "observed": float(hot[mask, k].mean()), "count": int(mask.sum())})
    return out


def paired_bootstrap(loss_a: np.ndarray, loss_b: np.ndarray, runs: int = 2000, seed: int = 0,
                     level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``loss_a - loss_b`` and its bootstrap confidence interval (matches resampled in pairs)."""
    diff = np.asarray(loss_a, dtype=float) - np.asarray(loss_b, dtype=float)
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(runs, len(diff)))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    return float(diff.mean()), float(np.quantile(means, tail)), float(np.quantile(means, 1.0 - tail))
