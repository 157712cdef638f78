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
from fractions import Fraction

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
class SplitGroup:
    """One part of a split league: ``size`` teams (0 = the rest); ``halve`` "down"/"up" halves the points
    carried from the first phase, rounded that way (Austria down, Belgium up)."""

    name: str
    size: int = 0
    halve: str | None = None


@dataclass(frozen=True, slots=True)
class Split:
    """After each team's ``after_games``-th match the league splits into ``groups`` by the table then; the
    final positions of each group are confined to it, whatever the points."""

    after_games: int
    groups: tuple[SplitGroup, ...]


@dataclass(frozen=True, slots=True)
class TableRules:
    points_win: int = 3
    points_draw: int = 1
    points_loss: int = 0
    tiebreakers: tuple[str, ...] = ("goal_difference", "goals_for")
    zones: tuple[Zone, ...] = ()
    # head-to-head counts only once every pair of the tied teams has met this often (None: always)
    head_to_head_meetings: int | None = None
    split: Split | None = None
    ranking: str = "points"  # or "points_per_game" (a curtailed season ranked by average)
    void: bool = False  # the season was declared void: no zones (no champion, no relegation)


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
    points_remainder: float = 0.0  # exact minus rounded points, where carried points were halved

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
    split: str | None = None  # the part of a split league the team finished in (positions confined to it)
    points_per_game: float | None = None  # set when the season is ranked by points per game
    conference: str | None = None  # conference of an MLS-shaped league (ranked overall and within it)
    conference_position: int | None = None


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


def _meetings_complete(members: set[int], meetings: list[Result], needed: int) -> bool:
    count: dict[frozenset[int], int] = {}
    for r in meetings:
        pair = frozenset((r.home_id, r.away_id))
        count[pair] = count.get(pair, 0) + 1
    n = len(members)
    return len(count) == n * (n - 1) // 2 and all(c >= needed for c in count.values())


def _head_to_head(group: Sequence[int], recs: dict[int, Record], results: Sequence[Result],
                  rules: TableRules) -> dict[int, Key]:
    members = set(group)
    meetings = [r for r in results if r.home_id in members and r.away_id in members]
    if rules.head_to_head_meetings and not _meetings_complete(members, meetings, rules.head_to_head_meetings):
        # not every meeting played yet: head-to-head does not apply, the next criteria decide
        return {t: (("head_to_head_points", 0),) for t in group}
    mini = accumulate(meetings, group, rules)
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
    meetings = [r for r in results if r.home_id in members and r.away_id in members]
    if rules.head_to_head_meetings and not _meetings_complete(members, meetings, rules.head_to_head_meetings):
        return {t: (("head_to_head_away_goals", 0),) for t in group}
    mini = accumulate(meetings, group, rules)
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
    # halved points: the team whose points lost a half in rounding ranks above one that gained it
    "halved_points_remainder": _simple("halved_points_remainder", lambda r: r.points_remainder),
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


def _apply_deductions(recs: dict[int, Record], deductions: Sequence[Deduction], keep: Callable[[Deduction], bool]
                      ) -> None:
    for ded in deductions:
        if ded.team_id in recs and keep(ded):
            recs[ded.team_id].points -= ded.points
            recs[ded.team_id].deducted += ded.points


def _rank(recs: dict[int, Record], counted: Sequence[Result], rules: TableRules, names: dict[int, str],
          tiebreakers: Sequence[str] | None = None) -> tuple[list[int], list[str | None]]:
    """Order by points (or points per game), then the tie-breakers; labels say what separated each row
    from the next (None when points did, the last row always None)."""
    per_game = rules.ranking == "points_per_game"
    by_primary: dict[Fraction | int, list[int]] = {}
    for rec in recs.values():
        primary = (Fraction(rec.points, rec.played) if rec.played else Fraction(0)) if per_game else rec.points
        by_primary.setdefault(primary, []).append(rec.team_id)
    order: list[int] = []
    labels: list[str | None] = []
    criteria = rules.tiebreakers if tiebreakers is None else tiebreakers
    for primary in sorted(by_primary, reverse=True):
        group = sorted(by_primary[primary], key=lambda t: names.get(t, ""))
        group_order, group_labels = _order_group(group, criteria, recs, counted, rules, names)
        if order:
            labels.append("points_per_game" if per_game else None)  # separated from the previous group
        order.extend(group_order)
        labels.extend(group_labels)
    labels.append(None)
    return order, labels


def _rows(order: Sequence[int], labels: Sequence[str | None], recs: dict[int, Record], rules: TableRules,
          venue: Side | None, splits: dict[int, str] | None = None) -> list[TableRow]:
    size = len(order)
    per_game = rules.ranking == "points_per_game"
    with_zones = venue is None and not rules.void
    rows = []
    for pos, team_id in enumerate(order, start=1):
        rec = recs[team_id]
        rows.append(TableRow(
            position=pos, team_id=team_id, played=rec.played, won=rec.won, drawn=rec.drawn, lost=rec.lost,
            goals_for=rec.goals_for, goals_against=rec.goals_against, goal_difference=rec.goal_difference,
            points=rec.points, points_deducted=rec.deducted, form="".join(rec.form[-5:]),
            decided_by=labels[pos - 1], zone=_zone_for(pos, size, rules.zones) if with_zones else None,
            split=splits.get(team_id) if splits else None,
            points_per_game=round(rec.points / rec.played, 3) if per_game and rec.played else
            (0.0 if per_game else None),
        ))
    return rows


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
    conferences: dict[int, str] | None = None,
    split_after: set[int] | None = None,
) -> list[TableRow]:
    """The table after the results up to ``as_of`` (inclusive) / ``up_to_round``, optionally home/away only.

    ``groups`` (team → group) splits a season played in parallel groups into one ranking per group, in group
    order; a team's results all lie within its group. ``conferences`` (team → conference) keeps one overall
    ranking and adds each team's position within its conference (all its results count). A split league
    (``rules.split``) is one plain table until its second phase begins, then ranks each part apart;
    ``split_after`` (the second-phase match ids, from ``split_phase``) saves working them out again.
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
    names = team_names or {}
    teams = list(team_ids)
    if rules.split is not None and venue is None:
        from matchday.domain.split_league import split_phase, split_table

        after = split_after if split_after is not None else split_phase(results, rules.split.after_games)
        if any(r.match_id in after for r in counted):
            return _with_conferences(
                split_table(counted, after, teams, rules, deductions, as_of, names), conferences)
    recs = accumulate(counted, teams, rules, venue)
    if venue is None:
        _apply_deductions(recs, deductions,
                          lambda d: as_of is None or d.effective_date is None or d.effective_date <= as_of)
    order, labels = _rank(recs, counted, rules, names)
    return _with_conferences(_rows(order, labels, recs, rules, venue), conferences)


def _with_conferences(rows: list[TableRow], conferences: dict[int, str] | None) -> list[TableRow]:
    if not conferences:
        return rows
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        conf = conferences.get(row.team_id)
        if conf is not None:
            seen[conf] = seen.get(conf, 0) + 1
        out.append(replace(row, conference=conf, conference_position=seen[conf] if conf is not None else None))
    return out


def position_history(
    results: Sequence[Result], team_ids: Iterable[int], rules: TableRules, deductions: Sequence[Deduction] = (),
    team_names: dict[int, str] | None = None, groups: dict[int, str] | None = None,
) -> list[tuple[date, dict[int, int]]]:
    """Each team's position (within its group, if any) after every match date of the season."""
    teams = list(team_ids)
    after = None
    if rules.split is not None:
        from matchday.domain.split_league import split_phase

        after = split_phase(results, rules.split.after_games)
    return [
        (day, {row.team_id: row.position for row in compute_table(
            results, teams, rules, deductions, as_of=day, team_names=team_names, groups=groups,
            split_after=after)})
        for day in sorted({r.match_date for r in results})
    ]
