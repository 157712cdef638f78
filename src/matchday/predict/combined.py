"""The combined model: a regularised multinomial logistic regression over the feature set, trained
walk-forward, so it learns from past out-of-sample forecasts how much to trust each input.

Per block, each target is predicted by a regression trained on the earlier matches (results known at the
block start) that have every feature the target has: a match without odds yet is predicted from ratings,
goal model, form and rest alone.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from matchday.predict.features import FeatureSet
from matchday.predict.history import History
from matchday.predict.metrics import outcome_index
from matchday.predict.walkforward import Forecast, blocks, single_threaded

MIN_TRAINING = 300
C = 0.05


def _fallbacks(names: tuple[str, ...], pattern: tuple[bool, ...]) -> list[np.ndarray]:
    """The target's own features first, then without closing odds, then without any odds."""
    cols = [k for k, has in enumerate(pattern) if has]
    without_close = [k for k in cols if not names[k].startswith("close_")]
    without_odds = [k for k in without_close if not names[k].startswith("open_")]
    return [np.array(c) for c in (cols, without_close, without_odds)]


@single_threaded
def combined_forecast(history: History, features: FeatureSet, targets: np.ndarray, refit_days: int = 7,
                      min_training: int = MIN_TRAINING, as_of: int | None = None) -> Forecast:
    """Forecast ``targets`` (a subset of ``features.targets``); the feature rows of earlier matches train it.
    Fallback when too little is known: the Dixon-Coles forecast."""
    position = {int(i): k for k, i in enumerate(features.targets)}
    rows = np.array([position[int(i)] for i in targets], dtype=np.int64)
    outcomes = outcome_index(history.home_goals[features.targets], history.away_goals[features.targets])
    known_at = history.known_at[features.targets]
    played = history.played[features.targets]
    available = ~np.isnan(features.values)
    probs = features.forecasts["dixon-coles"].probs[rows].copy()
    fits = 0
    for start, where in blocks(history, targets, refit_days, as_of):
        trainable = played & (known_at <= start)
        patterns: dict[tuple[bool, ...], list[int]] = {}
        for w in where:
            patterns.setdefault(tuple(available[rows[w]]), []).append(w)
        for pattern, members in patterns.items():
            for cols in _fallbacks(features.names, pattern):
                train = np.flatnonzero(trainable & available[:, cols].all(axis=1))
                if len(train) >= min_training and len(np.unique(outcomes[train])) == 3:
                    break
            else:
                continue
            scaler = StandardScaler().fit(features.values[np.ix_(train, cols)])
            model = LogisticRegression(C=C, max_iter=500)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(scaler.transform(features.values[np.ix_(train, cols)]), outcomes[train])
            fits += 1
            members_rows = rows[members]
            probs[members] = model.predict_proba(scaler.transform(features.values[np.ix_(members_rows, cols)]))
    return Forecast(targets, probs, fits=fits)
