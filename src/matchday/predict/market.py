"""Bookmaker prices → probabilities with the margin removed: proportional, Shin and power methods.

Shin (1993) models the margin as protection against insiders (share ``z``); the power method raises the raw
implied probabilities to the exponent that makes them sum to one (longshots carry more of the margin).
Vectorised over rows: ``prices`` is (n, k); a row with any missing or invalid price gives NaN.
"""

from __future__ import annotations

import numpy as np

METHODS = ("proportional", "shin", "power")


def _raw(prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    prices = np.atleast_2d(np.asarray(prices, dtype=float))
    valid = np.all(np.isfinite(prices) & (prices > 1.0), axis=1)
    safe = np.where(valid[:, None], prices, 2.0)
    return 1.0 / safe, valid


def proportional(prices: np.ndarray) -> np.ndarray:
    raw, valid = _raw(prices)
    probs = raw / raw.sum(axis=1, keepdims=True)
    probs[~valid] = np.nan
    return probs


def overround(prices: np.ndarray) -> np.ndarray:
    raw, valid = _raw(prices)
    return np.where(valid, raw.sum(axis=1) - 1.0, np.nan)


def _shin_probs(raw: np.ndarray, book: np.ndarray, z: np.ndarray) -> np.ndarray:
    z = z[:, None]
    return (np.sqrt(z ** 2 + 4.0 * (1.0 - z) * raw ** 2 / book[:, None]) - z) / (2.0 * (1.0 - z))


def shin(prices: np.ndarray, iterations: int = 60) -> np.ndarray:
    """Shin's probabilities: bisection on the insider share z so that they sum to one."""
    raw, valid = _raw(prices)
    book = raw.sum(axis=1)
    lo, hi = np.zeros(len(raw)), np.full(len(raw), 0.5)
    for _ in range(iterations):
        mid = (lo + hi) / 2.0
        total = _shin_probs(raw, book, mid).sum(axis=1)
        # the sum falls as z grows: too high a sum means z must grow
        lo = np.where(total > 1.0, mid, lo)
        hi = np.where(total > 1.0, hi, mid)
    probs = _shin_probs(raw, book, (lo + hi) / 2.0)
    probs /= probs.sum(axis=1, keepdims=True)
    probs[~valid] = np.nan
    return probs


def power(prices: np.ndarray, iterations: int = 60) -> np.ndarray:
    """p_i = raw_i ** k with k > 1 chosen (bisection) so that the p_i sum to one."""
    raw, valid = _raw(prices)
    lo, hi = np.full(len(raw), 1.0), np.full(len(raw), 3.0)
    for _ in range(iterations):
        mid = (lo + hi) / 2.0
        total = (raw ** mid[:, None]).sum(axis=1)
        lo = np.where(total > 1.0, mid, lo)
        hi = np.where(total > 1.0, hi, mid)
    probs = raw ** ((lo + hi) / 2.0)[:, None]
    probs /= probs.sum(axis=1, keepdims=True)
    probs[~valid] = np.nan
    return probs


def demargin(prices: np.ndarray, method: str = "shin") -> np.ndarray:
    if method not in METHODS:
        raise ValueError(f"unknown de-margining method {method!r}; one of {', '.join(METHODS)}")
    return {"proportional": proportional, "shin": shin, "power": power}[method](prices)
