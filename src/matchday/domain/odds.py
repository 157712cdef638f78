"""Bookmaker prices → implied probabilities with the margin (overround) removed."""

from __future__ import annotations

from collections.abc import Sequence


def implied_probabilities(prices: Sequence[float | None]) -> tuple[list[float | None], float | None]:
    """Proportional normalisation of 1/price; returns (probabilities, margin). None where prices are missing."""
    if not prices or any(p is None or p <= 1.0 for p in prices):
        return [None] * len(prices), None
    raw = [1.0 / p for p in prices]  # type: ignore[operator]
    book = sum(raw)
    return [r / book for r in raw], book - 1.0
