"""Prediction benchmark: matchday's models vs penaltyblog's Dixon-Coles, Pinnacle's closing line and base rates.

    flock /tmp/matchday-heavy.lock .venv/bin/python benchmarks/predict.py [--db PATH] [--data DIR] [--json OUT]

Needs the ``bench`` extra (``pip install -e ".[bench]"``: penaltyblog 1.13). The Premier League seasons of
``football-data-co-uk/E0`` that carry Pinnacle closing odds (2012-13 and 2013-14 from ``E0_later-reissue``,
2015-16 to 2021-22, 2023-24, 2024-25) are loaded once, with every other E0 season and the Championship (E1),
into a SQLite store that later runs reuse. Every match of those seasons is predicted walk-forward: refits each
calendar week on the results known at its Monday 00:00 UTC. penaltyblog's DixonColesGoalModel runs under the
same protocol (the previous 1,095 days of Premier League results, time decay ξ = 0.0018; a team it has never
seen gets the window's base rates). Printed: RPS per season and overall, Brier and log loss, paired bootstrap
95% intervals of the RPS differences, and one Dixon-Coles fit on three seasons timed for both libraries.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # both libraries: small problems, no BLAS thread spinning
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from shared_data import data_root

from matchday.predict import combined, features, goals, metrics  # noqa: E402
from matchday.predict import walkforward as wf  # noqa: E402
from matchday.predict.history import DAY, History  # noqa: E402
from matchday.services.predictions import league_data  # noqa: E402

SEASONS = ["2012-13", "2013-14", "2015-16", "2016-17", "2017-18", "2018-19", "2019-20", "2020-21", "2021-22",
           "2023-24", "2024-25"]
WINDOW_DAYS, XI = 1095, 0.0018


def build_store(db: Path, data: Path) -> None:
    from matchday.ingest.pipeline import load_units
    from matchday.ingest.seed import seed_reference_data
    from matchday.sources.base import get_source
    from matchday.store.engine import make_engine
    from matchday.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    seed_reference_data(engine)
    source = get_source("football-data-uk")
    fduk = data / "football-data-co-uk"
    for folder in ("E0", "E0_later-reissue", "E1"):
        load_units(engine, source, source.plan([fduk / folder], {}))
    engine.dispose()


def penaltyblog_forecast(history: History, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, float]:
    """Probabilities, a mask of the targets it could rate (both teams in its window), fits, fitting seconds."""
    import penaltyblog as pb

    probs = np.zeros((len(targets), 3))
    rated = np.zeros(len(targets), dtype=bool)
    top = history.competition == "eng.1"
    fits, seconds = 0, 0.0
    for start, where in wf.blocks(history, targets, 7):
        train = history.known_before(start, since=start - WINDOW_DAYS * DAY)
        train = train[top[train]]
        weights = np.exp(-XI * (start - history.predict_at[train]) / DAY)
        began = time.perf_counter()
        model = pb.models.DixonColesGoalModel(history.home_goals[train].astype(int),
                                              history.away_goals[train].astype(int),
                                              [str(t) for t in history.home[train]],
                                              [str(t) for t in history.away[train]], weights)
        model.fit()
        seconds += time.perf_counter() - began
        fits += 1
        known = set(model.teams)
        counts = np.bincount(metrics.outcome_index(history.home_goals[train], history.away_goals[train]),
                             minlength=3) + 1.0
        for w in where:
            i = targets[w]
            home, away = str(history.home[i]), str(history.away[i])
            if home in known and away in known:
                probs[w] = model.predict(home, away).home_draw_away
                rated[w] = True
            else:
                probs[w] = counts / counts.sum()
    return probs / probs.sum(axis=1, keepdims=True), rated, fits, seconds


def time_three_season_fit(history: History, repeats: int = 15) -> dict[str, float]:
    import penaltyblog as pb
    from threadpoolctl import threadpool_limits

    idx = np.flatnonzero((history.competition == "eng.1") & np.isin(history.season, ["2019-20", "2020-21",
                                                                                    "2021-22"]))
    end = int(history.predict_at[idx].max()) + DAY
    weights = np.exp(-XI * (end - history.predict_at[idx]) / DAY)
    hg, ag = history.home_goals[idx], history.away_goals[idx]
    ours, theirs = [], []
    with threadpool_limits(1):
        for _ in range(repeats):
            began = time.perf_counter()
            goals.fit_goal_model(history.home[idx], history.away[idx], hg, ag, history.tier[idx], weights)
            ours.append(time.perf_counter() - began)
            began = time.perf_counter()
            model = pb.models.DixonColesGoalModel(hg.astype(int), ag.astype(int), [str(t) for t in history.home[idx]],
                                                  [str(t) for t in history.away[idx]], weights)
            model.fit()
            theirs.append(time.perf_counter() - began)
    return {"matches": len(idx), "matchday_s": statistics.median(ours), "penaltyblog_s": statistics.median(theirs)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/matchday-predict-bench.db"))
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    args = parser.parse_args()
    if not args.db.exists():
        began = time.perf_counter()
        build_store(args.db, args.data or data_root())
        print(f"store built in {time.perf_counter() - began:.1f}s: {args.db}")
    from matchday.store.engine import make_engine

    with make_engine(f"sqlite:///{args.db}").connect() as conn:
        data = league_data(conn, "eng.1", since=None)  # every season from 1993-94
    h = data.history
    candidates = np.flatnonzero((h.competition == "eng.1") & np.isin(h.season, SEASONS) & h.played)
    pinnacle_prop, _ = features.market_probabilities(h, candidates, data.odds, closing=True, method="proportional",
                                                     bookmakers=("pinnacle",))
    keep = ~np.isnan(pinnacle_prop[:, 0])
    targets = candidates[keep]
    y = metrics.outcome_index(h.home_goals[targets], h.away_goals[targets])
    print(f"{len(targets)} matches with Pinnacle closing odds ({len(candidates) - len(targets)} without, left out)")

    forecasts: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    training = np.flatnonzero((h.competition == "eng.1") & h.played & (h.season >= "2005-06"))
    feature_set = features.build_features(h, np.union1d(training, targets), data.odds)
    seconds["base models (2005-06 on)"] = time.perf_counter() - began
    pos = {int(i): k for k, i in enumerate(feature_set.targets)}
    rows = np.array([pos[int(i)] for i in targets])
    for name in ("dixon-coles", "elo", "pi"):
        forecasts[f"matchday {name}"] = feature_set.forecasts[name].probs[rows]
    began = time.perf_counter()
    forecasts["matchday poisson"] = wf.goal_forecast(h, targets, wf.GoalConfig(dixon_coles=False)).probs
    seconds["poisson"] = time.perf_counter() - began
    began = time.perf_counter()
    forecasts["matchday combined"] = combined.combined_forecast(h, feature_set, targets).probs
    seconds["combined"] = time.perf_counter() - began
    began = time.perf_counter()
    forecasts["penaltyblog dixon-coles"], pb_rated, pb_fits, pb_fit_s = penaltyblog_forecast(h, targets)
    seconds["penaltyblog walk-forward"] = time.perf_counter() - began
    forecasts["pinnacle closing (proportional)"] = pinnacle_prop[keep]
    forecasts["pinnacle closing (shin)"], _ = features.market_probabilities(h, targets, data.odds, closing=True,
                                                                            bookmakers=("pinnacle",))
    forecasts["base rates"] = wf.base_rate_forecast(h, targets).probs
    report(h, targets, y, forecasts, seconds, pb_fits, pb_fit_s, pb_rated, args.json)


def report(h: History, targets: np.ndarray, y: np.ndarray, forecasts: dict[str, np.ndarray],
           seconds: dict[str, float], pb_fits: int, pb_fit_s: float, pb_rated: np.ndarray, out: Path | None) -> None:
    rps = {name: metrics.rps(p, y) for name, p in forecasts.items()}
    seasons = h.season[targets]
    header = f"{'season':<10}" + "".join(f"{name[:22]:>24}" for name in forecasts)
    print("\nRPS per season (lower is better)\n" + header)
    per_season = {}
    for season in SEASONS:
        mask = seasons == season
        if mask.any():
            per_season[season] = {name: float(r[mask].mean()) for name, r in rps.items()}
            print(f"{season:<10}" + "".join(f"{per_season[season][n]:>24.4f}" for n in forecasts))
    print(f"{'overall':<10}" + "".join(f"{r.mean():>24.4f}" for r in rps.values()))
    overall = {name: metrics.score_all(p, y) for name, p in forecasts.items()}
    print(f"\n{'forecast':<34}{'RPS':>8}{'Brier':>8}{'logloss':>9}")
    for name, s in overall.items():
        print(f"{name:<34}{s['rps']:>8.4f}{s['brier']:>8.4f}{s['log_loss']:>9.4f}")
    print("\npaired bootstrap (2000 resamples of matches), RPS difference, 95% interval:")
    pairs = {}
    for ours in ("matchday combined", "matchday dixon-coles", "matchday elo", "matchday pi"):
        for other in ("penaltyblog dixon-coles", "pinnacle closing (proportional)"):
            mean, lo, hi = metrics.paired_bootstrap(rps[ours], rps[other])
            pairs[f"{ours} - {other}"] = (mean, lo, hi)
            print(f"  {ours:<22} - {other:<32} {mean:+.4f}  [{lo:+.4f}, {hi:+.4f}]")
    print(f"\npenaltyblog could rate {pb_rated.sum()} of {len(pb_rated)} matches (the rest: a team absent from its "
          "window, given base rates); on those matches only, RPS:")
    for name in ("matchday combined", "matchday dixon-coles", "matchday elo", "matchday pi", "penaltyblog dixon-coles",
                 "pinnacle closing (proportional)"):
        print(f"  {name:<34}{rps[name][pb_rated].mean():.4f}")
    gap = overall["penaltyblog dixon-coles"]["rps"] - overall["pinnacle closing (proportional)"]["rps"]
    closed = (overall["penaltyblog dixon-coles"]["rps"] - overall["matchday combined"]["rps"]) / gap if gap else 0.0
    print(f"\ncombined closes {closed:.0%} of the gap between penaltyblog and the closing line")
    speed = time_three_season_fit(h)
    print(f"\nDixon-Coles fit on three seasons ({speed['matches']} matches, median of 15): matchday "
          f"{speed['matchday_s'] * 1000:.1f} ms, penaltyblog {speed['penaltyblog_s'] * 1000:.1f} ms "
          f"(ratio {speed['penaltyblog_s'] / speed['matchday_s']:.1f}x)")
    print(f"walk-forward: penaltyblog {pb_fits} fits, {pb_fit_s:.1f}s fitting; " +
          ", ".join(f"{k} {v:.1f}s" for k, v in seconds.items()))
    if out:
        out.write_text(json.dumps({"per_season": per_season, "overall": overall, "bootstrap": pairs,
                                   "fit_speed": speed, "seconds": seconds}, indent=1))


if __name__ == "__main__":
    main()
