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


#: whose closing 1X2 prices the odds-scaled prediction preset uses, best first: Pinnacle's closing line is the
#: sharpest; then the market average (football-data.co.uk's AvgC*, from 2019-20), BetBrain's average, bet365
CLOSING_PREFERENCE = ("pinnacle", "market_average", "betbrain_average", "bet365")


def closing_1x2(quotes: Sequence[tuple[str, bool, float | None, float | None, float | None]]
                ) -> tuple[int, int, int] | None:
    """The closing 1X2 odds of a match in hundredths (2.37 → 237) from its quotes ``(bookmaker, closing, home,
    draw, away)``: the first bookmaker of ``CLOSING_PREFERENCE`` with a complete closing price, else any complete
    closing price (bookmakers in name order); opening prices are never used. None when there is none."""
    complete = {bookmaker: (home, draw, away) for bookmaker, closing, home, draw, away in quotes
                if closing and all(p is not None and p > 1.0 for p in (home, draw, away))}
    order = [b for b in CLOSING_PREFERENCE if b in complete] + sorted(b for b in complete
                                                                      if b not in CLOSING_PREFERENCE)
    if not order:
        return None
    home, draw, away = complete[order[0]]
    return round(home * 100), round(draw * 100), round(away * 100)  # type: ignore[operator]
