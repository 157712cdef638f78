"""Tie-breakers on small hand-made leagues where the right order is known."""

from __future__ import annotations

from datetime import date, timedelta

from matchday.domain.records import Side
from matchday.domain.standings import Deduction, Result, TableRules, compute_table

DAY = date(2020, 1, 1)


def _results(*scores: tuple[int, int, int, int]) -> list[Result]:
    return [Result(i, DAY + timedelta(days=i), None, h, a, hg, ag) for i, (h, a, hg, ag) in enumerate(scores)]


def test_head_to_head_is_recursive_on_the_still_tied_subset() -> None:
    # 1, 2, 3 all on 5 points. Three-way mini-table: 3 (5 pts, 3:3) ahead of 1 and 2 (5 pts, 2:2 each);
    # 1 and 2 are then compared among themselves only, where 1 has 4 points to 1.
    results = _results((1, 2, 1, 0), (2, 1, 0, 0), (3, 1, 1, 0), (1, 3, 1, 1), (2, 3, 2, 1), (3, 2, 0, 0),
                       (4, 1, 1, 0), (4, 2, 1, 0), (4, 3, 1, 0))
    rules = TableRules(tiebreakers=("head_to_head", "goal_difference", "goals_for"))
    rows = compute_table(results, [1, 2, 3, 4], rules)
    assert [r.team_id for r in rows] == [4, 3, 1, 2]
    assert [r.decided_by for r in rows] == [None, "head_to_head_goals_for", "head_to_head_points", None]


def test_goal_average_and_goal_difference_disagree() -> None:
    results = _results((1, 3, 2, 0), (2, 3, 5, 4))  # 1: 2-0 (avg inf, gd +2); 2: 5-4 (avg 1.25, gd +1)
    by_average = compute_table(results, [1, 2, 3], TableRules(points_win=2, tiebreakers=("goal_average",)))
    assert [r.team_id for r in by_average][:2] == [1, 2]
    results = _results((1, 3, 3, 2), (2, 3, 2, 0))  # 1: gd +1 avg 1.5; 2: gd +2 avg inf
    rows = compute_table(results, [1, 2, 3], TableRules(tiebreakers=("goal_average",)))
    assert [r.team_id for r in rows][:2] == [2, 1]


def test_deductions_apply_from_their_date_and_venue_tables_ignore_them() -> None:
    results = _results((1, 2, 1, 0), (2, 1, 1, 0))
    ledger = [Deduction(1, 5, DAY + timedelta(days=10)), Deduction(1, -2, DAY + timedelta(days=20))]
    before = compute_table(results, [1, 2], TableRules(), ledger, as_of=DAY + timedelta(days=5))
    after = compute_table(results, [1, 2], TableRules(), ledger)
    assert [r.points for r in before] == [3, 3]
    assert after[-1].team_id == 1 and after[-1].points == 0 and after[-1].points_deducted == 3
    home = compute_table(results, [1, 2], TableRules(), ledger, venue=Side.HOME)
    assert {r.team_id: (r.played, r.points) for r in home} == {1: (1, 3), 2: (1, 3)}


def test_groups_are_ranked_apart_and_a_group_without_results_still_lists_its_teams() -> None:
    results = _results((1, 2, 3, 0), (3, 4, 0, 1))
    groups = {1: "North", 2: "North", 3: "South", 4: "South", 5: "West", 6: "West"}
    rows = compute_table(results, [1, 2, 3, 4, 5, 6], TableRules(), groups=groups)
    assert [(r.group, r.position, r.team_id, r.points) for r in rows] == [
        ("North", 1, 1, 3), ("North", 2, 2, 0), ("South", 1, 4, 3), ("South", 2, 3, 0),
        ("West", 1, 5, 0), ("West", 2, 6, 0)]
