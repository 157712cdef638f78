"""The one walk-forward harness: every prediction is made from the results known at its block's start.

Targets are grouped into blocks (calendar weeks from Monday 00:00 UTC by default; a single kick-off for an
on-demand prediction). For each block the model is refitted on the results with ``known_at <= block start``
(History.known_before) and predicts every target of the block. The same code serves the CLI backtest, the
API's one-match prediction and the benchmark.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from matchday.predict import elo as elo_mod
from matchday.predict import goals, pi_ratings
from matchday.predict.history import DAY, History
from matchday.predict.metrics import outcome_index
from matchday.predict.ordered import OrderedLogit, fit_ordered_logit

WEEK = 7 * DAY


def single_threaded(fn: Callable) -> Callable:
    """Run with one BLAS thread: these problems are small, and threads only spin (measured: 20x slower fits
    with a multithreaded OpenBLAS on a busy two-core machine)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):  # noqa: ANN202 - whatever fn returns
        with threadpool_limits(1):
            return fn(*args, **kwargs)

    return wrapper
MONDAY_OFFSET = 4 * DAY  # 1970-01-01 was a Thursday: weeks start at epoch + 4 days


@dataclass(frozen=True)
class GoalConfig:
    dixon_coles: bool = True
    window_days: int = 1095
    xi: float = 0.0018  # time decay per day
    ridge: float = 0.002
    refit_days: int = 7
    lower_division_weight: float = 1.0  # weight of a lower division's match relative to the top flight's


@dataclass
class Forecast:
    """Predictions for ``targets`` (indices into the history), in that order."""

    targets: np.ndarray
    probs: np.ndarray  # (n, 3) home, draw, away
    home_xg: np.ndarray | None = None
    away_xg: np.ndarray | None = None
    rho: np.ndarray | None = None
    fits: int = 0
    fit_seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def blocks(history: History, targets: np.ndarray, refit_days: int = 7,
           as_of: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """(block start, positions in ``targets``) in time order; every target kicks off at or after its start.
    ``as_of`` puts every target in one block starting then (predictions made now for coming matches)."""
    if len(targets) == 0:
        return
    if as_of is not None:
        yield as_of, np.arange(len(targets))
        return
    moments = history.predict_at[targets]
    if refit_days <= 0:
        keys = moments
        starts = moments
    else:
        span = refit_days * DAY
        keys = (moments - MONDAY_OFFSET) // span
        starts = keys * span + MONDAY_OFFSET
    for key in np.unique(keys):
        where = np.flatnonzero(keys == key)
        yield int(starts[where].min()), where


@single_threaded
def goal_forecast(history: History, targets: np.ndarray, config: GoalConfig = GoalConfig(),
                  fitter: Callable[..., goals.GoalModel] | None = None, as_of: int | None = None) -> Forecast:
    import time

    fitter = fitter or goals.fit_goal_model
    n = len(targets)
    probs, hxg, axg, rho = np.zeros((n, 3)), np.zeros(n), np.zeros(n), np.zeros(n)
    previous: goals.GoalModel | None = None
    fits, seconds = 0, 0.0
    fitted_at = np.zeros(n, dtype=np.int64)
    for start, where in blocks(history, targets, config.refit_days, as_of):
        fitted_at[where] = start
        train = history.known_before(start, since=start - config.window_days * DAY)
        weights = np.exp(-config.xi * (start - history.predict_at[train]) / DAY)
        if config.lower_division_weight != 1.0:
            weights = np.where(history.tier[train] > history.tier[targets[where]].min(),
                               weights * config.lower_division_weight, weights)
        began = time.perf_counter()
        model = fitter(history.home[train], history.away[train], history.home_goals[train],
                       history.away_goals[train], history.tier[train], weights, dixon_coles=config.dixon_coles,
                       ridge=config.ridge, start=previous)
        seconds += time.perf_counter() - began
        fits += 1
        previous = model
        idx = targets[where]
        lam, mu = model.rates(history.home[idx], history.away[idx], history.tier[idx])
        grid = goals.score_matrix(lam, mu, model.rho)
        probs[where] = goals.outcome_probabilities(grid)
        hxg[where], axg[where], rho[where] = lam, mu, model.rho
    forecast = Forecast(targets, probs, hxg, axg, rho, fits, seconds)
    forecast.extra["model"] = previous
    forecast.extra["fitted_at"] = fitted_at  # per target: the moment whose known results the fit used
    return forecast


def _outcomes(history: History, idx: np.ndarray) -> np.ndarray:
    return outcome_index(history.home_goals[idx], history.away_goals[idx])


@single_threaded
def rating_forecast(history: History, targets: np.ndarray, strength: np.ndarray, refit_days: int = 7,
                    logit_window_days: int = 3 * 365, as_of: int | None = None) -> Forecast:
    """Outcome probabilities from a pre-match strength difference (Elo or pi) through a walk-forward
    ordered logit (the draw model), refitted per block on the results known then."""
    probs = np.zeros((len(targets), 3))
    model: OrderedLogit | None = None
    fits = 0
    fitted_at = np.zeros(len(targets), dtype=np.int64)
    for start, where in blocks(history, targets, refit_days, as_of):
        fitted_at[where] = start
        train = history.known_before(start, since=start - logit_window_days * DAY)
        model = fit_ordered_logit(strength[train], _outcomes(history, train), start=model)
        fits += 1
        probs[where] = model.probabilities(strength[targets[where]])
    return Forecast(targets, probs, fits=fits, extra={"fitted_at": fitted_at})


ELO_GRID = [elo_mod.EloParams(k, 70.0, regress, exponent, boost)
            for k in (10.0, 14.0, 18.0) for regress in (0.1, 0.2) for exponent in (0.7, 1.0) for boost in (0.0, 0.5)]
PI_GRID = [pi_ratings.PiParams(lr, gamma) for lr in (0.02, 0.03, 0.045, 0.06) for gamma in (0.5, 0.7)]


@single_threaded
def _tune(history: History, before: int, candidates: list, strength_fn: Callable,
          many_fn: Callable) -> tuple[object, np.ndarray]:
    """The candidate whose ordered logit, fitted on the results known at ``before``, has the lowest log loss
    on them (in-sample on the training period only: nothing from the target period is used)."""
    train = history.known_before(before)
    if len(train) < 1000:
        default = candidates[0].__class__()
        return default, strength_fn(history, default)
    best, best_loss, best_strength = None, np.inf, None
    # skip the first seasons of the training data: ratings start from nothing there
    scored = train[len(train) // 4:]
    outcomes = _outcomes(history, scored)
    strengths = many_fn(history, candidates)
    for column, params in enumerate(candidates):
        strength = strengths[:, column]
        fitted = fit_ordered_logit(strength[scored], outcomes)
        p = fitted.probabilities(strength[scored])
        loss = -np.log(p[np.arange(len(scored)), outcomes]).mean()
        if loss < best_loss:
            best, best_loss, best_strength = params, loss, strength
    return best, best_strength


def elo_forecast(history: History, targets: np.ndarray, refit_days: int = 7, as_of: int | None = None,
                 params: elo_mod.EloParams | None = None) -> Forecast:
    first = as_of if as_of is not None else int(history.predict_at[targets].min()) if len(targets) else 0
    if params is None:
        params, strength = _tune(history, first, ELO_GRID, elo_mod.elo_differences,
                                 elo_mod.elo_differences_many)
    else:
        strength = elo_mod.elo_differences(history, params)
    forecast = rating_forecast(history, targets, strength / 400.0, refit_days, as_of=as_of)
    forecast.extra["params"] = params
    forecast.extra["strength"] = strength[targets]
    return forecast


def pi_forecast(history: History, targets: np.ndarray, refit_days: int = 7, as_of: int | None = None,
                params: pi_ratings.PiParams | None = None) -> Forecast:
    first = as_of if as_of is not None else int(history.predict_at[targets].min()) if len(targets) else 0
    if params is None:
        params, strength = _tune(history, first, PI_GRID, pi_ratings.pi_expected_differences,
                                 pi_ratings.pi_expected_differences_many)
    else:
        strength = pi_ratings.pi_expected_differences(history, params)
    forecast = rating_forecast(history, targets, strength, refit_days, as_of=as_of)
    forecast.extra["params"] = params
    forecast.extra["strength"] = strength[targets]
    return forecast


def base_rate_forecast(history: History, targets: np.ndarray, refit_days: int = 7,
                       window_days: int = 3 * 365, as_of: int | None = None) -> Forecast:
    """Home/draw/away frequencies of the results known at each block start."""
    probs = np.tile([0.46, 0.26, 0.28], (len(targets), 1))
    for start, where in blocks(history, targets, refit_days, as_of):
        train = history.known_before(start, since=start - window_days * DAY)
        if len(train):
            counts = np.bincount(_outcomes(history, train), minlength=3) + 1.0
            probs[where] = counts / counts.sum()
    return Forecast(targets, probs)
