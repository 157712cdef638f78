"""Split leagues: after a number of matches each team's league splits into parts (Scotland's top and bottom six,
Austria's and Belgium's play-off groups with halved points) whose final positions are confined to each part."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from matchday.domain.standings import (
    Deduction,
    Result,
    TableRow,
    TableRules,
    _apply_deductions,
    _rank,
    _rows,
    accumulate,
)


def split_phase(results: Sequence[Result], after_games: int) -> set[int]:
    """Ids of the matches played after the split, told from the data.

    Where the source numbers its rounds, a round beyond ``after_games``. Otherwise, where the first phase is
    a balanced round robin (``after_games`` a multiple of the other teams: 33 = 3 × 11 in Scotland), a meeting
    of a pair beyond its first-phase count: a first-phase match postponed until after the split stays in the
    first phase. Failing both, a match both of whose teams had already played ``after_games`` matches.
    """
    teams = {t for r in results for t in (r.home_id, r.away_id)}
    per_pair = after_games // (len(teams) - 1) if len(teams) > 1 and after_games % (len(teams) - 1) == 0 else 0
    games: dict[int, int] = {}
    meetings: dict[frozenset[int], int] = {}
    after: set[int] = set()
    for res in sorted(results, key=lambda r: (r.match_date, r.match_id)):
        home = games[res.home_id] = games.get(res.home_id, 0) + 1
        away = games[res.away_id] = games.get(res.away_id, 0) + 1
        pair = frozenset((res.home_id, res.away_id))
        met = meetings[pair] = meetings.get(pair, 0) + 1
        if res.round is not None:
            later = res.round > after_games
        elif per_pair:
            later = met > per_pair
        else:
            later = min(home, away) > after_games
        if later:
            after.add(res.match_id)
    return after


def split_table(counted: Sequence[Result], after: set[int], teams: list[int], rules: TableRules,
                deductions: Sequence[Deduction], as_of: date | None, names: dict[int, str]) -> list[TableRow]:
    """A split league once its second phase has begun (``counted``: the matches up to the table's date,
    ``after``: the second-phase ones): each group ranked apart, in group order. The groups are the table
    after the first phase, with the deductions in force by then; later deductions come off afterwards."""
    assert rules.split is not None
    first_phase = [r for r in counted if r.match_id not in after]
    split_day = max((r.match_date for r in first_phase), default=date.min)

    def early(ded: Deduction) -> bool:
        return ded.effective_date is None or ded.effective_date <= split_day

    def late(ded: Deduction) -> bool:
        return not early(ded) and (as_of is None or ded.effective_date is None or ded.effective_date <= as_of)

    at_split = accumulate(first_phase, teams, rules)
    _apply_deductions(at_split, deductions, early)
    split_order, _ = _rank(at_split, first_phase, rules, names)
    splits: dict[int, str] = {}
    parts: list[list[int]] = []
    start = 0
    for part in rules.split.groups:
        members = split_order[start:start + part.size] if part.size else split_order[start:]
        start += len(members)
        parts.append(members)
        splits.update((t, part.name) for t in members)
    # a second-phase match between teams of different parts (a play-off for a European place) is no table match
    counted = [r for r in counted if r.match_id not in after or splits[r.home_id] == splits[r.away_id]]
    season = accumulate(counted, teams, rules)
    second = accumulate([r for r in counted if r.match_id in after], teams, rules)
    order: list[int] = []
    labels: list[str | None] = []
    for index, (part, members) in enumerate(zip(rules.split.groups, parts, strict=True)):
        recs = {t: season[t] for t in members}
        for t in members:
            if part.halve:
                exact = at_split[t].points / 2
                carried = math.floor(exact) if part.halve == "down" else math.ceil(exact)
                recs[t].points = carried + second[t].points
                recs[t].points_remainder = exact - carried
                recs[t].deducted = at_split[t].deducted
            else:
                recs[t].points -= at_split[t].deducted
                recs[t].deducted = at_split[t].deducted
        _apply_deductions(recs, deductions, late)
        tiebreakers = ("halved_points_remainder", *rules.tiebreakers) if part.halve else rules.tiebreakers
        part_order, part_labels = _rank(recs, counted, rules, names, tiebreakers)
        if index < len(rules.split.groups) - 1 and part_labels:
            part_labels[-1] = "split"  # above the next group because of the split, whatever the points
        order.extend(part_order)
        labels.extend(part_labels)
    return _rows(order, labels, season, rules, None, splits)
