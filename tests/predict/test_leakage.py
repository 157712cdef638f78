"""Leakage is tested, not assumed: every result after a cut-off is changed, and nothing predicted for a match
before the cut-off may change: no feature, no trace, no model's probabilities."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from matchday.ingest.seed import seed_reference_data
from matchday.predict import features
from matchday.predict.history import History
from matchday.predict.records import OddsRecord
from matchday.services import predictions
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.conftest import FDUK
from tests.ingest.helpers import load

CUT_OFF = date(2024, 12, 1)


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> predictions.LeagueData:
    engine = make_engine(f"sqlite:///{Path(tmp_path_factory.mktemp('leak')) / 'store.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    load(engine, "football-data-uk", FDUK / "E0" / "2023-24.csv", FDUK / "E0" / "2024-25.csv")
    with engine.connect() as conn:
        data = predictions.league_data(conn, "eng.1")
    engine.dispose()
    return data


def _rewritten(data: predictions.LeagueData) -> predictions.LeagueData:
    """Every result from the cut-off on turned around (and its odds too)."""
    later = {r.match_id for r in data.history.records if r.match_date >= CUT_OFF}
    records = [replace(r, home_goals=r.away_goals + 2, away_goals=r.home_goals) if r.match_id in later else r
               for r in data.history.records]
    odds = [OddsRecord(q.match_id, q.bookmaker, q.closing, q.price_away, q.price_draw, q.price_home)
            if q.match_id in later else q for q in data.odds]
    return predictions.LeagueData(data.code, data.name, History(records), odds, data.names)


def _before(data: predictions.LeagueData) -> np.ndarray:
    h = data.history
    return np.flatnonzero((h.season == "2024-25") & (np.array([r.match_date < CUT_OFF for r in h.records])))


def test_no_feature_before_the_cut_off_changes(league: predictions.LeagueData) -> None:
    changed = _rewritten(league)
    targets = np.flatnonzero(league.history.season == "2024-25")
    assert np.array_equal(changed.history.match_id, league.history.match_id)
    original = features.build_features(league.history, targets, league.odds)
    rewritten = features.build_features(changed.history, targets, changed.odds)
    before = np.isin(targets, _before(league))
    assert before.sum() > 100
    assert np.array_equal(original.values[before], rewritten.values[before], equal_nan=True)
    assert [t for t, b in zip(original.trace, before, strict=True) if b] == \
        [t for t, b in zip(rewritten.trace, before, strict=True) if b]
    # the test can see a change: features after the cut-off do move
    assert not np.array_equal(original.values[~before], rewritten.values[~before], equal_nan=True)


@pytest.mark.parametrize("model", predictions.MODELS)
def test_no_prediction_before_the_cut_off_changes(league: predictions.LeagueData, model: str) -> None:
    changed = _rewritten(league)
    targets = _before(league)
    assert len(targets) > 100
    assert np.array_equal(predictions.forecast(league, targets, model).probs,
                          predictions.forecast(changed, targets, model).probs)


def test_predictions_after_the_cut_off_do_change(league: predictions.LeagueData) -> None:
    h = league.history
    later = np.flatnonzero((h.season == "2024-25") & np.array([r.match_date >= date(2025, 1, 15)
                                                              for r in h.records]))
    assert not np.allclose(predictions.forecast(league, later, "dixon-coles").probs,
                           predictions.forecast(_rewritten(league), later, "dixon-coles").probs)
