"""League tables from results, per competition rules kept as data.

The ordering is points first, then the rules' tie-breakers in order. A tie-breaker is a named key
("goal_difference", "goal_average", "head_to_head" ...) that maps each team of a tied group to a tuple of
named components; higher is better. ``head_to_head`` builds a mini-table of the matches between the tied
teams and is applied recursively to any still-tied subset (La Liga, Serie A, UEFA style) before the next
criterion is tried. Each row records which component separated it from the row below when points were level.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from matchday.domain.records import Side


@dataclass(frozen=True, slots=True)
class Result:
    """A counted match, reduced to what a table needs."""

    match_id: int
    match_date: date
    round: int | None
    home_id: int
    away_id: int
    home_goals: int
    away_goals: int


@dataclass(frozen=True, slots=True)
class Zone:
    name: str
    first: int  # 1-based; negative counts from the bottom (-1 = last)
    last: int


@dataclass(frozen=True, slots=True)
class TableRules:
    points_win: int = 3
    points_draw: int = 1
    points_loss: int = 0
    tiebreakers: tuple[str, ...] = ("goal_difference", "goals_for")
    zones: tuple[Zone, ...] = ()


@dataclass(frozen=True, slots=True)
class Deduction:
    team_id: int
    points: int
    effective_date: date | None
    reason: str = ""


@dataclass(slots=True)
class Record:
    """Running totals of one team."""

    team_id: int
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0
    away_goals_for: int = 0
    points: int = 0
    deducted: int = 0
    form: list[str] = field(default_factory=list)

    @property
    def goal_difference(self) -> int:
        return self.goals_for - self.goals_against


@dataclass(frozen=True, slots=True)
class TableRow:
    position: int
    team_id: int
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    goal_difference: int
    points: int
    points_deducted: int
    form: str
    decided_by: str | None  # what separated this row from the next one on equal points
    zone: str | None
    group: str | None = None  # a season played in parallel groups (2. Bundesliga Nord/Süd) ranks each apart


def _add_result(rec: Record, scored: int, conceded: int, away: bool, rules: TableRules) -> None:
    rec.played += 1
    rec.goals_for += scored
    rec.goals_against += conceded
    if away:
        rec.away_goals_for += scored
    if scored > conceded:
        rec.won += 1
        rec.points += rules.points_win
        rec.form.append("W")
    elif scored == conceded:
        rec.drawn += 1
        rec.points += rules.points_draw
        rec.form.append("D")
    else:
        rec.lost += 1
        rec.points += rules.points_loss
        rec.form.append("L")


def accumulate(
    results: Iterable[Result], team_ids: Iterable[int], rules: TableRules, venue: Side | None = None
) -> dict[int, Record]:
    """Totals per team; ``venue`` keeps only home (or only away) matches of each team."""
    records = {team_id: Record(team_id) for team_id in team_ids}
    for res in sorted(results, key=lambda r: (r.match_date, r.match_id)):
        for team_id in (res.home_id, res.away_id):
            records.setdefault(team_id, Record(team_id))
        if venue is not Side.AWAY:
            _add_result(records[res.home_id], res.home_goals, res.away_goals, False, rules)
        if venue is not Side.HOME:
            _add_result(records[res.away_id], res.away_goals, res.home_goals, True, rules)
    return records


# --- tie-breakers: each returns, per team, a tuple of (component name, value); higher is better ---

Key = tuple[tuple[str, float], ...]
KeyFn = Callable[[Sequence[int], dict[int, Record], Sequence[Result], TableRules], dict[int, Key]]


def _simple(name: str, value: Callable[[Record], float]) -> KeyFn:
    def key(group: Sequence[int], recs: dict[int, Record], _res: Sequence[Result], _r: TableRules) -> dict:
        return {t: ((name, value(recs[t])),) for t in group}

    return key


def _goal_average(rec: Record) -> float:
    if rec.goals_against == 0:
        return math.inf if rec.goals_for else 0.0
    return rec.goals_for / rec.goals_against


def _head_to_head(group: Sequence[int], recs: dict[int, Record], results: Sequence[Result],
                  rules: TableRules) -> dict[int, Key]:
    members = set(group)
    mini = accumulate((r for r in results if r.home_id in members and r.away_id in members), group, rules)
    return {
        t: (("head_to_head_points", mini[t].points), ("head_to_head_goal_difference", mini[t].goal_difference),
            ("head_to_head_goals_for", mini[t].goals_for))
        for t in group
    }


def _head_to_head_points(group: Sequence[int], recs: dict[int, Record], results: Sequence[Result],
                         rules: TableRules) -> dict[int, Key]:
    return {t: key[:1] for t, key in _head_to_head(group, recs, results, rules).items()}


def _head_to_head_away_goals(group: Sequence[int], recs: dict[int, Record], results: Sequence[Result],
                             rules: TableRules) -> dict[int, Key]:
    members = set(group)
    mini = accumulate((r for r in results if r.home_id in members and r.away_id in members), group, rules)
    return {t: (("head_to_head_away_goals", mini[t].away_goals_for),) for t in group}


TIEBREAKERS: dict[str, KeyFn] = {
    "goal_difference": _simple("goal_difference", lambda r: r.goal_difference),
    "goals_for": _simple("goals_for", lambda r: r.goals_for),
    "goal_average": _simple("goal_average", _goal_average),
    "fewer_goals_against": _simple("fewer_goals_against", lambda r: -r.goals_against),
    "wins": _simple("wins", lambda r: r.won),
    "away_goals_for": _simple("away_goals_for", lambda r: r.away_goals_for),
    "head_to_head": _head_to_head,
    "head_to_head_points": _head_to_head_points,
    "head_to_head_away_goals": _head_to_head_away_goals,
}
RECURSIVE_TIEBREAKERS = frozenset({"head_to_head", "head_to_head_points"})


def _first_difference(a: Key, b: Key) -> str:
    for (name, va), (_, vb) in zip(a, b, strict=True):
        if va != vb:
            return name
    raise AssertionError("keys are equal")


def _order_group(group: list[int], criteria: Sequence[str], recs: dict[int, Record],
                 results: Sequence[Result], rules: TableRules, names: dict[int, str]) -> tuple[list[int], list[str]]:
    """Order teams level on points; returns the order and, for each adjacent pair, what separated it."""
    if len(group) == 1:
        return group, []
    if not criteria:
        ordered = sorted(group, key=lambda t: names.get(t, ""))
        return ordered, ["not_separated"] * (len(group) - 1)
    name, rest = criteria[0], criteria[1:]
    keys = TIEBREAKERS[name](group, recs, results, rules)
    ordered = sorted(group, key=lambda t: keys[t], reverse=True)
    subgroups: list[list[int]] = [[ordered[0]]]
    labels: list[str] = []
    for prev, team in zip(ordered, ordered[1:], strict=False):
        if keys[team] == keys[prev]:
            subgroups[-1].append(team)
        else:
            labels.append(_first_difference(keys[prev], keys[team]))
            subgroups.append([team])
    if len(subgroups) == 1:
        return _order_group(group, rest, recs, results, rules, names)
    out: list[int] = []
    out_labels: list[str] = []
    for index, sub in enumerate(subgroups):
        # a still-tied subset gets the head-to-head again, among itself only
        sub_criteria = criteria if name in RECURSIVE_TIEBREAKERS and len(sub) > 1 else rest
        sub_order, sub_labels = _order_group(sub, sub_criteria, recs, results, rules, names)
        out.extend(sub_order)
        out_labels.extend(sub_labels)
        if index < len(labels):
            out_labels.append(labels[index])
    return out, out_labels


def effective_rounds(results: Sequence[Result]) -> dict[int, int]:
    """Each match's round: the source's round number, else the later of the two teams' game numbers."""
    games: dict[int, int] = {}
    rounds: dict[int, int] = {}
    for res in sorted(results, key=lambda r: (r.match_date, r.match_id)):
        games[res.home_id] = games.get(res.home_id, 0) + 1
        games[res.away_id] = games.get(res.away_id, 0) + 1
        rounds[res.match_id] = res.round if res.round is not None else max(games[res.home_id], games[res.away_id])
    return rounds


def _zone_for(position: int, size: int, zones: Sequence[Zone]) -> str | None:
    for zone in zones:
        first = zone.first if zone.first > 0 else size + zone.first + 1
        last = zone.last if zone.last > 0 else size + zone.last + 1
        if first <= position <= last:
            return zone.name
    return None


def compute_table(
    results: Sequence[Result],
    team_ids: Iterable[int],
    rules: TableRules,
    deductions: Sequence[Deduction] = (),
    *,
    as_of: date | None = None,
    up_to_round: int | None = None,
    venue: Side | None = None,
    team_names: dict[int, str] | None = None,
    groups: dict[int, str] | None = None,
) -> list[TableRow]:
    """The table after the results up to ``as_of`` (inclusive) / ``up_to_round``, optionally home/away only.

    ``groups`` (team → group) splits a season played in parallel groups into one ranking per group, in group
    order; a team's results all lie within its group.
    """
    if groups and len(set(groups.values())) > 1:
        teams = list(team_ids)
        rows: list[TableRow] = []
        for name in sorted(set(groups.values())):
            members = [t for t in teams if groups.get(t) == name]
            within = [r for r in results if groups.get(r.home_id) == name]
            rows += [replace(row, group=name) for row in compute_table(
                within, members, rules, deductions, as_of=as_of, up_to_round=up_to_round, venue=venue,
                team_names=team_names)]
        return rows
    rounds = effective_rounds(results) if up_to_round is not None else {}
    counted = [
        r for r in results
        if (as_of is None or r.match_date <= as_of) and (up_to_round is None or rounds[r.match_id] <= up_to_round)
    ]
    recs = accumulate(counted, team_ids, rules, venue)
    if venue is None:
        for ded in deductions:
            if ded.team_id in recs and (as_of is None or ded.effective_date is None or ded.effective_date <= as_of):
                recs[ded.team_id].points -= ded.points
                recs[ded.team_id].deducted += ded.points
    names = team_names or {}
    by_points: dict[int, list[int]] = {}
    for rec in recs.values():
        by_points.setdefault(rec.points, []).append(rec.team_id)
    order: list[int] = []
    labels: list[str | None] = []
    for points in sorted(by_points, reverse=True):
        group = sorted(by_points[points], key=lambda t: names.get(t, ""))
        group_order, group_labels = _order_group(group, rules.tiebreakers, recs, counted, rules, names)
        if order:
            labels.append(None)  # separated from the previous group by points
        order.extend(group_order)
        labels.extend(group_labels)
    labels.append(None)
    size = len(order)
    return [
        TableRow(
            position=pos,
            team_id=team_id,
            played=recs[team_id].played,
            won=recs[team_id].won,
            drawn=recs[team_id].drawn,
            lost=recs[team_id].lost,
            goals_for=recs[team_id].goals_for,
            goals_against=recs[team_id].goals_against,
            goal_difference=recs[team_id].goal_difference,
            points=recs[team_id].points,
            points_deducted=recs[team_id].deducted,
            form="".join(recs[team_id].form[-5:]),
            decided_by=labels[pos - 1],
            zone=_zone_for(pos, size, rules.zones) if venue is None else None,
        )
        for pos, team_id in enumerate(order, start=1)
    ]


def position_history(
    results: Sequence[Result], team_ids: Iterable[int], rules: TableRules, deductions: Sequence[Deduction] = (),
    team_names: dict[int, str] | None = None, groups: dict[int, str] | None = None,
) -> list[tuple[date, dict[int, int]]]:
    """Each team's position (within its group, if any) after every match date of the season."""
    teams = list(team_ids)
    return [
        (day, {row.team_id: row.position for row in compute_table(
            results, teams, rules, deductions, as_of=day, team_names=team_names, groups=groups)})
        for day in sorted({r.match_date for r in results})
    ]
