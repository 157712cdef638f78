"""Predictions from the store: backtests, coming matches, one match, season simulations.

A thin layer: it reads a country's league history and odds once (store/predict_queries.py) and hands them
to the pure walk-forward harness in ``matchday.predict``; the CLI, the API and the benchmark all come here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import Connection, select

from matchday.domain.seasons import season_start_year
from matchday.errors import Conflict, NotFound
from matchday.predict import combined, features, goals
from matchday.predict import walkforward as wf
from matchday.predict.history import DAY, History, epoch
from matchday.predict.metrics import outcome_index
from matchday.predict.records import OddsRecord
from matchday.store import predict_queries, queries
from matchday.store.schema import matches

MODELS = ("combined", "dixon-coles", "poisson", "elo", "pi", "market", "base-rates")
DEFAULT_MODEL = "combined"
TRAINING_DAYS = 3 * 365  # the combined model learns from the forecasts of this much history before a target
HISTORY_YEARS = 12  # results read before the first match predicted


@dataclass
class LeagueData:
    code: str
    name: str
    history: History
    odds: list[OddsRecord]
    names: dict[int, str]


def league_data(conn: Connection, league: str, since: date | None = None) -> LeagueData:
    """The country's league history (from ``since``: ratings need years, not a century) and the league's odds."""
    comp = queries.find_competition(conn, league)
    records = predict_queries.league_history(conn, comp.country, () if comp.country else (comp.code,), since)
    history = History(records)
    own = [int(m) for m, c in zip(history.match_id, history.competition, strict=True) if c == comp.code]
    odds = predict_queries.match_odds(conn, own)
    names = predict_queries.team_names(conn, np.concatenate([history.home, history.away]).tolist())
    return LeagueData(comp.code, comp.name, history, odds, names)


def _history_start(first: date | None) -> date | None:
    return date(first.year - HISTORY_YEARS, 7, 1) if first else None


def season_start(label: str) -> date:
    return date(season_start_year(label), 7, 1)


def _check_model(model: str) -> None:
    if model not in MODELS:
        raise NotFound(f"unknown model {model!r}; one of {', '.join(MODELS)}")


def _merge(first: wf.Forecast, second: wf.Forecast, order: np.ndarray) -> wf.Forecast:
    targets = np.concatenate([first.targets, second.targets])
    probs = np.concatenate([first.probs, second.probs])
    pos = {int(t): k for k, t in enumerate(targets)}
    take = np.array([pos[int(t)] for t in order], dtype=np.int64)
    fitted_at = np.concatenate([first.extra["fitted_at"], second.extra["fitted_at"]])[take]
    return wf.Forecast(order, probs[take], extra={"fitted_at": fitted_at})


def forecast(data: LeagueData, targets: np.ndarray, model: str = DEFAULT_MODEL, *, as_of: int | None = None,
             refit_days: int = 7) -> wf.Forecast:
    """``model``'s walk-forward forecast of ``targets``; ``as_of`` predicts them all from what was known then."""
    _check_model(model)
    h = data.history
    if model in ("dixon-coles", "poisson"):
        config = wf.GoalConfig(dixon_coles=model == "dixon-coles", refit_days=refit_days)
        return wf.goal_forecast(h, targets, config, as_of=as_of)
    if model == "elo":
        return wf.elo_forecast(h, targets, refit_days, as_of=as_of)
    if model == "pi":
        return wf.pi_forecast(h, targets, refit_days, as_of=as_of)
    if model == "base-rates":
        return wf.base_rate_forecast(h, targets, refit_days, as_of=as_of)
    if model == "market":
        probs, _ = features.market_probabilities(h, targets, data.odds, closing=True)
        opening, _ = features.market_probabilities(h, targets, data.odds, closing=False)
        missing = np.isnan(probs[:, 0])
        probs[missing] = opening[missing]
        missing = np.isnan(probs[:, 0])
        if missing.any():
            probs[missing] = wf.goal_forecast(h, targets[missing], as_of=as_of).probs
        return wf.Forecast(targets, probs)
    # combined: trained on the out-of-sample forecasts of the league's matches in the years before
    first = as_of if as_of is not None else int(h.predict_at[targets].min())
    league = (h.competition == data.code) & h.played
    training = np.setdiff1d(np.flatnonzero(league & (h.predict_at >= first - TRAINING_DAYS * DAY)
                                           & (h.predict_at < first)), targets)
    everything = np.union1d(training, targets)
    base: dict[str, wf.Forecast] = {}
    for name, run in (("elo", wf.elo_forecast), ("pi", wf.pi_forecast)):
        base[name] = run(h, everything, refit_days, as_of=None)
    if as_of is None:
        base["dixon-coles"] = wf.goal_forecast(h, everything, wf.GoalConfig(refit_days=refit_days))
    else:
        past = wf.goal_forecast(h, training, wf.GoalConfig(refit_days=max(refit_days, 28)))
        now = wf.goal_forecast(h, targets, as_of=as_of)
        base["dixon-coles"] = _merge(past, now, everything)
    feature_set = features.build_features(h, everything, data.odds, base)
    return combined.combined_forecast(h, feature_set, targets, refit_days, as_of=as_of)


def season_targets(data: LeagueData, season: str, played_only: bool = True) -> np.ndarray:
    h = data.history
    mask = (h.competition == data.code) & (h.season == season)
    if played_only:
        mask &= h.played
    targets = np.flatnonzero(mask)
    if len(targets) == 0:
        raise NotFound(f"no {'played ' if played_only else ''}matches of {data.code} {season} in the store")
    return targets


def kickoff_text(history: History, i: int) -> str:
    rec = history.records[i]
    return (rec.kickoff_utc or datetime.combine(rec.match_date, datetime.min.time())).isoformat()


def rows(data: LeagueData, fc: wf.Forecast) -> list[dict]:
    h = data.history
    out = []
    for k, i in enumerate(fc.targets):
        p = fc.probs[k] / fc.probs[k].sum()
        rec = h.records[int(i)]
        out.append({"match_id": rec.match_id, "kickoff_utc": kickoff_text(h, int(i)), "season": rec.season,
                    "home": data.names.get(rec.home_id, str(rec.home_id)),
                    "away": data.names.get(rec.away_id, str(rec.away_id)),
                    "p_home": float(p[0]), "p_draw": float(p[1]), "p_away": float(p[2]),
                    "home_goals": rec.home_goals, "away_goals": rec.away_goals})
    return out


def outcomes(data: LeagueData, targets: np.ndarray) -> np.ndarray:
    return outcome_index(data.history.home_goals[targets], data.history.away_goals[targets])


def goal_details(data: LeagueData, targets: np.ndarray, as_of: int) -> list[dict]:
    """Expected goals, most likely scores, over/under 2.5 and both teams to score, from the Dixon-Coles fit
    on the results known at ``as_of``."""
    fc = wf.goal_forecast(data.history, targets, as_of=as_of)
    model: goals.GoalModel = fc.extra["model"]
    grid = goals.score_matrix(fc.home_xg, fc.away_xg, model.rho)
    over = goals.over_probability(grid)
    btts = goals.both_score_probability(grid)
    return [{"home_xg": float(fc.home_xg[k]), "away_xg": float(fc.away_xg[k]), "p_over_2_5": float(over[k]),
             "p_under_2_5": float(1.0 - over[k]), "p_btts": float(btts[k]),
             "likely_scores": [{"home": a, "away": b, "p": p} for a, b, p in goals.likely_scores(grid[k], 5)]}
            for k in range(len(targets))]


def now_epoch() -> int:
    return epoch(datetime.now(UTC).replace(tzinfo=None))


def backtest(conn: Connection, league: str, season: str, model: str = DEFAULT_MODEL) -> dict:
    """Walk-forward over every played match of the season: per-match rows, and RPS / Brier / log loss of the
    model next to the market's closing odds (margin removed, Shin) and the base rates, on the same matches."""
    from matchday.predict import metrics

    _check_model(model)
    comp, label, _season_id = queries.find_competition_season(conn, league, season)
    data = league_data(conn, comp.code, _history_start(season_start(label)))
    targets = season_targets(data, label)
    fc = forecast(data, targets, model)
    y = outcomes(data, targets)
    scores = {model: metrics.score_all(fc.probs, y),
              "base-rates": metrics.score_all(wf.base_rate_forecast(data.history, targets).probs, y)}
    closing, _ = features.market_probabilities(data.history, targets, data.odds, closing=True)
    with_odds = ~np.isnan(closing[:, 0])
    if with_odds.any():
        scores["market-closing"] = metrics.score_all(closing[with_odds], y[with_odds])
        if not with_odds.all():
            scores[f"{model} (matches with closing odds)"] = metrics.score_all(fc.probs[with_odds], y[with_odds])
    return {"league": comp.code, "season": label, "model": model, "rows": rows(data, fc), "scores": scores,
            "calibration": metrics.calibration(fc.probs, y)}


def upcoming(conn: Connection, league: str, *, on_date=None, round_number: int | None = None,
             model: str = DEFAULT_MODEL, now: int | None = None) -> list[dict]:
    """Coming matches of the league (all unplayed, or those of ``on_date`` / ``round_number``) predicted from
    everything in the store known now."""
    data = league_data(conn, league, _history_start(date.today()))
    h = data.history
    now = now if now is not None else now_epoch()
    mask = (h.competition == data.code) & ~h.played & (h.predict_at >= now - DAY)
    if on_date is not None:
        mask &= np.array([r.match_date == on_date for r in h.records])
    if round_number is not None:
        wanted = set(predict_queries.round_match_ids(conn, data.code, round_number))
        mask &= np.isin(h.match_id, list(wanted))
    targets = np.flatnonzero(mask)
    if len(targets) == 0:
        return []
    fc = forecast(data, targets, model, as_of=now)
    out = rows(data, fc)
    for row, extra in zip(out, goal_details(data, targets, now), strict=True):
        row.update(extra, model=model)
    return out


def match_prediction(conn: Connection, match_id: int, model: str = DEFAULT_MODEL) -> dict:
    """One match, predicted from the results known at its kick-off (or now, if that is earlier)."""
    found = predict_queries.match_competition(conn, match_id)
    if found is None:
        raise NotFound(f"no match with id {match_id}")
    data = league_data(conn, found[0], _history_start(predict_queries.match_day(conn, match_id)))
    index = data.history.index.get(match_id)
    if index is None:
        raise NotFound(f"match {match_id} is not a league match that can be predicted")
    as_of = min(int(data.history.predict_at[index]), now_epoch())
    targets = np.array([index])
    fc = forecast(data, targets, model, as_of=as_of)
    row = rows(data, fc)[0]
    row.update(goal_details(data, targets, as_of)[0], model=model,
               as_of=(datetime(1970, 1, 1) + timedelta(seconds=as_of)).isoformat())
    return row


def _require_every_fixture(conn: Connection, code: str, label: str, season_id: int, names: dict[int, str]) -> None:
    """A round-robin season whose store lacks fixtures cannot be simulated: the missing matches would simply
    never be played (and the leader would win the title in every run)."""
    from matchday.domain.fixture_gaps import missing_meetings

    stored = conn.execute(select(matches.c.home_team_id, matches.c.away_team_id)
                          .where(matches.c.season_id == season_id, matches.c.stage == "regular")).all()
    gaps = missing_meetings(names, [(home, away) for home, away in stored])
    if gaps:
        missing = sum(n for _a, _b, n in gaps)
        shown = "; ".join(f"{names[a]} v {names[b]}" + (f" ({n}×)" if n > 1 else "") for a, b, n in gaps[:5])
        more = f" and {len(gaps) - 5} more pairs" if len(gaps) > 5 else ""
        raise Conflict(f"{code} {label}: the store holds {len(stored)} matches and lacks {missing} fixtures "
                       f"of the round robin: {shown}{more}. Load the season's fixture list (matchday load … or "
                       f"matchday collect), then simulate again.", "FIXTURES_MISSING")


def simulate(conn: Connection, league: str, season: str, *, runs: int = 10_000, as_of: date | None = None,
             seed: int = 0) -> dict:
    """The rest of the season (from now, or from the end of ``as_of``: later results are treated as not yet
    played) simulated ``runs`` times from the Dixon-Coles fit on the results known then, ranked by the
    league's table rules (catalog), deductions and groups."""
    from matchday.catalog import rules_for
    from matchday.predict.simulate import Fixture, simulate_season

    comp, label, season_id = queries.find_competition_season(conn, league, season)
    data = league_data(conn, comp.code, _history_start(season_start(label)))
    h = data.history
    moment = epoch(datetime.combine(as_of + timedelta(days=1), time())) if as_of else now_epoch()
    inputs = queries.season_inputs(conn, season_id)
    results = [r for r in inputs.results
               if data.history.index.get(r.match_id) is not None and h.known_at[h.index[r.match_id]] <= moment]
    played_ids = {r.match_id for r in results}
    season_rows = np.flatnonzero((h.competition == comp.code) & (h.season == label))
    remaining = np.array([i for i in season_rows if int(h.match_id[i]) not in played_ids], dtype=np.int64)
    names, groups = inputs.names, inputs.groups
    rules = rules_for(comp.code, label)
    if not groups and rules.split is None:
        _require_every_fixture(conn, comp.code, label, season_id, names)
    fixtures: list[Fixture] = []
    if len(remaining):
        fc = wf.goal_forecast(h, remaining, as_of=moment)
        grid = goals.score_matrix(fc.home_xg, fc.away_xg, fc.extra["model"].rho)
        fixtures = [Fixture(int(h.match_id[i]), h.records[i].match_date, int(h.home[i]), int(h.away[i]), grid[k])
                    for k, i in enumerate(remaining)]
    sim = simulate_season(results, fixtures, list(names), rules, queries.season_deductions(conn, season_id),
                          runs=runs, seed=seed, team_names=names, groups=groups)
    teams_out = []
    for k, team in enumerate(sim.teams):
        teams_out.append({"team_id": team, "team_name": names.get(team, str(team)),
                          "expected_points": round(float(sim.expected_points[k]), 2),
                          "positions": [round(float(p), 4) for p in sim.position_probabilities[k]],
                          **{f"p_{zone}": round(float(v[k]), 4) for zone, v in sim.zone_probabilities.items()},
                          "p_title": round(float(sim.position_probabilities[k, 0]), 4)})
    teams_out.sort(key=lambda t: -sum(p * (len(t["positions"]) - j) for j, p in enumerate(t["positions"])))
    return {"league_id": comp.id, "league": comp.code, "season": label, "runs": runs,
            "as_of": (datetime(1970, 1, 1) + timedelta(seconds=moment)).isoformat(),
            "matches_played": len(results), "matches_remaining": len(fixtures), "exact_runs": sim.exact_runs,
            "zones": [z.name for z in rules.zones], "teams": teams_out}
