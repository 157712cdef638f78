"""A versioned feature set computed as of each match's kick-off, every value traceable to its data.

Features of a match come only from results with ``known_at <= predict_at`` (the walk-forward forecasts of the
ratings and goal models, form and rest from earlier results) and from that match's own odds quoted before
kick-off (opening, and closing: the last price before kick-off). ``trace`` says, per match and feature group,
which matches or quotes a value was computed from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from matchday.predict import market
from matchday.predict.history import DAY, History
from matchday.predict.records import OddsRecord
from matchday.predict.walkforward import Forecast, elo_forecast, goal_forecast, pi_forecast

FEATURE_SET_VERSION = "1"
BOOKMAKER_PREFERENCE = ("pinnacle", "market_average", "betbrain_average", "bet365", "william_hill")
FORM_MATCHES = 5
REST_CAP_DAYS = 14.0


@dataclass(frozen=True)
class FeatureSet:
    version: str
    names: tuple[str, ...]
    targets: np.ndarray  # indices into the history
    values: np.ndarray  # (n, len(names)); NaN where a value is not available (no odds)
    trace: list[dict[str, object]]
    forecasts: dict[str, Forecast]  # the base models' walk-forward forecasts behind the values


def _iso(moment: int) -> str:
    return (datetime(1970, 1, 1) + timedelta(seconds=moment)).isoformat()


def log_ratios(probs: np.ndarray) -> np.ndarray:
    """(n, 3) probabilities → (n, 2): log(p_home / p_draw), log(p_away / p_draw)."""
    p = np.clip(probs, 1e-6, 1.0)
    return np.stack([np.log(p[:, 0] / p[:, 1]), np.log(p[:, 2] / p[:, 1])], axis=1)


def market_probabilities(history: History, targets: np.ndarray, odds: Sequence[OddsRecord], *, closing: bool,
                         method: str = "shin", bookmakers: Sequence[str] = BOOKMAKER_PREFERENCE
                         ) -> tuple[np.ndarray, list[str | None]]:
    """De-margined 1X2 probabilities per target from the first bookmaker in ``bookmakers`` that priced it
    (NaN rows where none did), and the bookmaker used."""
    rank = {name: k for k, name in enumerate(bookmakers)}
    best: dict[int, OddsRecord] = {}
    for quote in odds:
        if quote.closing != closing or quote.bookmaker not in rank:
            continue
        held = best.get(quote.match_id)
        if held is None or rank[quote.bookmaker] < rank[held.bookmaker]:
            best[quote.match_id] = quote
    prices = np.full((len(targets), 3), np.nan)
    used: list[str | None] = []
    for k, i in enumerate(targets):
        quote = best.get(int(history.match_id[i]))
        used.append(quote.bookmaker if quote else None)
        if quote:
            prices[k] = (quote.price_home, quote.price_draw, quote.price_away)
    return market.demargin(prices, method), used


def form_and_rest(history: History, targets: np.ndarray) -> tuple[np.ndarray, list[dict[str, object]]]:
    """Per target: home/away points per game over the last results known at kick-off, and days since each
    team's last known match (capped); with the ids of the matches used."""
    wanted = set(int(i) for i in targets)
    recent: dict[int, list[tuple[int, float, int]]] = {}  # team -> [(match id, points, kickoff)]
    values: dict[int, tuple[float, float, float, float]] = {}
    traces: dict[int, dict[str, object]] = {}
    order_known = np.argsort(history.known_at, kind="stable")
    applied, n = 0, len(history)
    for i in range(n):
        moment = history.predict_at[i]
        while applied < n and history.known_at[order_known[applied]] <= moment:
            j = order_known[applied]
            applied += 1
            if history.played[j]:
                hg, ag = history.home_goals[j], history.away_goals[j]
                home_pts = 3.0 if hg > ag else 1.0 if hg == ag else 0.0
                away_pts = 3.0 if ag > hg else 1.0 if hg == ag else 0.0
                for team, pts in ((int(history.home[j]), home_pts), (int(history.away[j]), away_pts)):
                    recent.setdefault(team, []).append((int(history.match_id[j]), pts, int(history.predict_at[j])))
                    del recent[team][:-FORM_MATCHES]
        if i not in wanted:
            continue
        row, trace = [], {}
        for side, team in (("home", int(history.home[i])), ("away", int(history.away[i]))):
            games = recent.get(team, [])
            row.append(float(np.mean([g[1] for g in games])) if games else 1.0)
            rest = (moment - games[-1][2]) / DAY if games else REST_CAP_DAYS
            row.append(min(float(rest), REST_CAP_DAYS))
            trace[f"form_{side}"] = [g[0] for g in games]
            trace[f"rest_{side}"] = games[-1][0] if games else None
        values[i] = tuple(row)  # type: ignore[assignment]
        traces[i] = trace
    return np.array([values[int(i)] for i in targets]).reshape(len(targets), 4), [traces[int(i)] for i in targets]


NAMES = ("elo_home", "elo_away", "pi_home", "pi_away", "dc_home", "dc_away", "form_home", "rest_home",
         "form_away", "rest_away", "open_home", "open_away", "close_home", "close_away")


def build_features(history: History, targets: np.ndarray, odds: Sequence[OddsRecord],
                   forecasts: dict[str, Forecast] | None = None) -> FeatureSet:
    """Features of ``targets`` (indices into ``history``); ``forecasts`` reuses base forecasts already made
    over the same targets."""
    forecasts = dict(forecasts or {})
    if "elo" not in forecasts:
        forecasts["elo"] = elo_forecast(history, targets)
    if "pi" not in forecasts:
        forecasts["pi"] = pi_forecast(history, targets)
    if "dixon-coles" not in forecasts:
        forecasts["dixon-coles"] = goal_forecast(history, targets)
    form, traces = form_and_rest(history, targets)
    opening, open_books = market_probabilities(history, targets, odds, closing=False)
    closing, close_books = market_probabilities(history, targets, odds, closing=True)
    values = np.column_stack([log_ratios(forecasts["elo"].probs), log_ratios(forecasts["pi"].probs),
                              log_ratios(forecasts["dixon-coles"].probs), form, log_ratios(opening),
                              log_ratios(closing)])
    values[np.isnan(opening[:, 0]), 10:12] = np.nan
    values[np.isnan(closing[:, 0]), 12:14] = np.nan
    for k, trace in enumerate(traces):
        i = int(targets[k])
        for name, fc in forecasts.items():
            # ratings: every result known at kick-off; their draw model and the goal model: those known at the fit
            fitted = fc.extra.get("fitted_at")
            trace[name] = {"results_known_at": _iso(int(history.predict_at[i])),
                           "fitted_on_results_known_at": _iso(int(fitted[k])) if fitted is not None else None,
                           "params": repr(fc.extra["params"]) if "params" in fc.extra else None}
        trace["opening_odds"] = open_books[k]
        trace["closing_odds"] = close_books[k]
    return FeatureSet(FEATURE_SET_VERSION, NAMES, targets, values, traces, forecasts)
