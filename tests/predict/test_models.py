"""Model unit tests: gradients against finite differences, Elo and pi updates, de-margining, scores."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from matchday.predict import goals, market, metrics
from matchday.predict.elo import EloParams, elo_differences
from matchday.predict.goals import _Problem
from matchday.predict.history import History
from matchday.predict.ordered import fit_ordered_logit
from matchday.predict.pi_ratings import PiParams, pi_expected_differences
from matchday.predict.records import MatchRecord
from matchday.sources.football_data_uk.parser import parse_csv
from tests.conftest import FDUK


@pytest.fixture(scope="module")
def season() -> History:
    """The real Premier League 2011-12 (football-data.co.uk) as model input."""
    parsed = parse_csv((FDUK / "E0" / "2011-12.csv").read_bytes(), "E0/2011-12.csv")
    ids: dict[str, int] = {}
    records = [MatchRecord(k, "eng.1", 1, "2011-12", m.match_date, m.kickoff_utc,
                           ids.setdefault(m.home.name, len(ids)), ids.setdefault(m.away.name, len(ids)),
                           m.home_goals, m.away_goals) for k, m in enumerate(parsed.matches)]
    return History(records)


@pytest.mark.parametrize("dixon_coles", [True, False])
def test_goal_model_gradient_matches_finite_differences(season: History, dixon_coles: bool) -> None:
    h = season
    teams = np.unique(np.concatenate([h.home, h.away]))
    weights = np.exp(-0.0018 * np.arange(len(h))[::-1])
    problem = _Problem(np.searchsorted(teams, h.home), np.searchsorted(teams, h.away), h.home_goals, h.away_goals,
                       np.zeros(len(h), dtype=np.int64), weights, len(teams), 1, dixon_coles, 0.01)
    rng = np.random.default_rng(3)
    theta = np.concatenate([rng.normal(0, 0.2, 2 * len(teams)), [0.3, 0.25, -0.08]])
    _, analytic = problem(theta)
    numeric = approx_fprime(theta, lambda t: problem(t)[0], 1e-7)
    if not dixon_coles:
        analytic, numeric = analytic[:-1], numeric[:-1]  # ρ is not a parameter of the Poisson model
    assert np.allclose(analytic, numeric, atol=1e-6, rtol=1e-4)


def test_dixon_coles_fit_on_a_real_season(season: History) -> None:
    h = season
    model = goals.fit_goal_model(h.home, h.away, h.home_goals, h.away_goals, h.tier, np.ones(len(h)))
    # 2011-12: 1066 goals in 380 matches, home sides scoring more; Manchester City and United ahead of the rest
    lam, mu = model.rates(h.home, h.away, h.tier)
    assert lam.sum() + mu.sum() == pytest.approx(1066, rel=0.02)
    assert 0.1 < model.home < 0.45 and -0.25 <= model.rho < 0.05
    grid = goals.score_matrix(lam[:1], mu[:1], model.rho)
    assert grid.sum() == pytest.approx(1.0)
    assert goals.outcome_probabilities(grid).sum() == pytest.approx(1.0)


def test_ordered_logit_gradient() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    y = np.where(x + rng.logistic(size=400) > 0.4, 0, np.where(x + rng.logistic(size=400) > -0.6, 1, 2))
    fitted = fit_ordered_logit(x, y)
    assert fitted.beta > 0.3 and fitted.theta_away < fitted.theta_draw
    p = fitted.probabilities(np.array([-2.0, 0.0, 2.0]))
    assert np.allclose(p.sum(axis=1), 1.0) and p[0, 2] > p[2, 2] and p[2, 0] > p[0, 0]


def _two_matches(first: tuple[int, int]) -> History:
    return History([MatchRecord(1, "eng.1", 1, "2020-21", date(2020, 9, 12), None, 10, 20, *first),
                    MatchRecord(2, "eng.1", 1, "2020-21", date(2020, 9, 19), None, 10, 20)])


def test_elo_update_by_hand() -> None:
    params = EloParams(k=20.0, home=70.0, regress=0.1, margin_exponent=0.7)
    diffs = elo_differences(_two_matches((2, 0)), params)
    assert diffs[0] == pytest.approx(70.0)  # both teams new: equal ratings plus home advantage
    expected = 1.0 / (1.0 + 10.0 ** (-70.0 / 400.0))
    change = 20.0 * 2 ** 0.7 * (1.0 - expected)  # a two-goal win
    assert diffs[1] == pytest.approx(70.0 + 2 * change)
    boosted = elo_differences(_two_matches((2, 0)), EloParams(20.0, 70.0, 0.1, 0.7, early_boost=0.5))
    assert boosted[1] == pytest.approx(70.0 + 2 * 1.5 * change)  # a season's first matches move ratings more


def test_pi_rating_update_by_hand() -> None:
    diffs = pi_expected_differences(_two_matches((3, 1)), PiParams(learning_rate=0.1, carry_over=0.5))
    step = 3.0 * np.log10(1.0 + 2.0)  # error 2 goals against an expected 0
    home_home, away_away = 0.1 * step, -0.1 * step

    def psi(r: float) -> float:
        return float(np.sign(r) * (10 ** (abs(r) / 3) - 1))

    assert diffs[0] == 0.0
    assert diffs[1] == pytest.approx(psi(home_home) - psi(away_away))


def test_demargin_proportional_known_example() -> None:
    probs = market.proportional(np.array([[2.0, 4.0, 4.0]]))  # 0.5 + 0.25 + 0.25: no margin
    assert np.allclose(probs, [[0.5, 0.25, 0.25]])
    probs = market.proportional(np.array([[1.90, 1.90]]))
    assert np.allclose(probs, [[0.5, 0.5]])
    assert market.overround(np.array([[1.90, 1.90]]))[0] == pytest.approx(2 / 1.9 - 1)


def test_shin_reproduces_the_prices_it_came_from() -> None:
    """Shin's model: the bookmaker's implied probabilities are π_i ∝ sqrt(z p_i + (1 − z) p_i²)."""
    prices = np.array([[2.10, 3.40, 3.75], [1.25, 6.50, 12.0]])
    probs = market.shin(prices)
    assert np.allclose(probs.sum(axis=1), 1.0)
    raw = 1 / prices
    for row in range(2):
        p = probs[row]
        best = min(np.linspace(0, 0.2, 20001), key=lambda z: np.abs(
            np.sqrt(z * p + (1 - z) * p ** 2) / np.sqrt(z * p + (1 - z) * p ** 2).sum()
            - raw[row] / raw[row].sum()).sum())
        implied = np.sqrt(best * p + (1 - best) * p ** 2)
        assert np.allclose(implied / implied.sum(), raw[row] / raw[row].sum(), atol=2e-4)
    # the favourite-longshot bias: Shin moves probability towards the favourite, against proportional
    assert probs[1, 0] > market.proportional(prices)[1, 0]


def test_power_method() -> None:
    prices = np.array([[1.25, 6.50, 12.0], [np.nan, 3.0, 3.0]])
    probs = market.power(prices)
    raw = 1 / prices[0]
    k = np.log(probs[0, 0]) / np.log(raw[0])
    assert np.allclose(probs[0], raw ** k) and probs[0].sum() == pytest.approx(1.0) and k > 1
    assert np.isnan(probs[1]).all()
    with pytest.raises(ValueError, match="unknown de-margining"):
        market.demargin(prices, "basic")


def test_rps_known_cases() -> None:
    home, draw, away = 0, 1, 2
    cases = [((1, 0, 0), home, 0.0), ((1, 0, 0), away, 1.0), ((1 / 3, 1 / 3, 1 / 3), home, 5 / 18),
             ((0.85, 0.10, 0.05), home, 0.0125), ((0.6, 0.25, 0.15), draw, (0.36 + 0.0225) / 2)]
    probs = np.array([c[0] for c in cases])
    outcomes = np.array([c[1] for c in cases])
    assert np.allclose(metrics.rps(probs, outcomes), [c[2] for c in cases])
    assert metrics.brier(np.array([[1, 0, 0]]), np.array([away]))[0] == pytest.approx(2.0)
    assert metrics.log_loss(np.array([[0.5, 0.25, 0.25]]), np.array([draw]))[0] == pytest.approx(np.log(4))


def test_paired_bootstrap_interval_covers_the_mean() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.random(500), rng.random(500)
    mean, lo, hi = metrics.paired_bootstrap(a, b)
    assert lo < mean < hi and mean == pytest.approx((a - b).mean())
