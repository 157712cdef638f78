"""The season simulator ranks with the competition's real rules: certain scores must give the real table."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from matchday.catalog import rules_for
from matchday.domain.standings import Deduction, Result, compute_table
from matchday.predict.simulate import Fixture, simulate_season
from matchday.sources.football_data_uk.parser import parse_csv
from tests.conftest import FDUK


def _season(folder: str, season: str) -> tuple[list[Result], dict[int, str]]:
    parsed = parse_csv((FDUK / folder / f"{season}.csv").read_bytes(), f"{folder}/{season}.csv")
    ids: dict[str, int] = {}
    results = [Result(k, m.match_date, None, ids.setdefault(m.home.name, len(ids)),
                      ids.setdefault(m.away.name, len(ids)), m.home_goals, m.away_goals)
               for k, m in enumerate(parsed.matches)]
    return results, {i: name for name, i in ids.items()}


def _certain(result: Result) -> Fixture:
    grid = np.zeros((11, 11))
    grid[result.home_goals, result.away_goals] = 1.0
    return Fixture(result.match_id, result.match_date, result.home_id, result.away_id, grid)


def _simulate(results: list[Result], names: dict[int, str], split: date, rules, deductions=()):  # noqa: ANN001, ANN202
    played = [r for r in results if r.match_date < split]
    fixtures = [_certain(r) for r in results if r.match_date >= split]
    return simulate_season(played, fixtures, list(names), rules, deductions, runs=40, team_names=names)


def test_certain_scores_give_the_published_1996_97_table_with_its_deduction() -> None:
    results, names = _season("E0", "1996-97")
    boro = next(i for i, n in names.items() if n.startswith("Middlesbrough"))
    sim = _simulate(results, names, date(1997, 4, 1), rules_for("eng.1", "1996-97"),
                    [Deduction(boro, 3, date(1997, 1, 14), "failure to fulfil a fixture")])
    final = {names[t]: int(np.argmax(sim.position_probabilities[k])) + 1 for k, t in enumerate(sim.teams)}
    assert np.all(sim.position_probabilities.max(axis=1) == 1.0)
    assert final["Man United"] == 1 and final["Sunderland"] == 18 and final["Middlesbrough"] == 19 \
        and final["Nott'm Forest"] == 20  # Middlesbrough went down by the three points taken from them
    assert sim.zone_probabilities["relegation"][sim.teams.index(boro)] == 1.0
    assert sim.expected_points[sim.teams.index(boro)] == pytest.approx(39)


def test_head_to_head_rules_are_the_domain_tables() -> None:
    """La Liga ranks teams level on points by head-to-head: those runs go through compute_table."""
    results, names = _season("SP1", "2024-25")
    rules = rules_for("esp.1", "2024-25")
    sim = _simulate(results, names, date(2025, 3, 1), rules)
    table = compute_table(results, list(names), rules, team_names=names)
    expected = {row.team_id: row.position for row in table}
    got = {t: int(np.argmax(sim.position_probabilities[k])) + 1 for k, t in enumerate(sim.teams)}
    assert got == expected and names[table[0].team_id] == "Barcelona"
    level = len({row.points for row in table}) < len(table)
    assert sim.exact_runs == (40 if level else 0)  # teams level on points: those runs ranked by the domain
