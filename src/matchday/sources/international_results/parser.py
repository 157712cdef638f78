"""international_results CSV bytes → canonical records. Pure: no I/O.

``results.csv`` is the match list; ``goalscorers.csv`` and ``shootouts.csv`` are joined onto it by
(date, home team, away team). Team names are current country names; ``former_names.csv`` gives aliases.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from matchday.domain import validation
from matchday.domain.names import fold_accents
from matchday.domain.records import (
    CompetitionRef,
    EventType,
    Finish,
    MatchEventRecord,
    MatchRecord,
    MatchStatus,
    ParseResult,
    RowProblem,
    Side,
    TeamRef,
)
from matchday.errors import UnreadableFile
from matchday.sources.csvtext import NA_VALUES, raw_line, read_rows
from matchday.sources.international_results import spec

_SLUG = re.compile(r"[^a-z0-9]+")
MatchKey = tuple[str, str, str]


def tournament_code(name: str) -> str:
    return spec.TOURNAMENT_CODES.get(name) or "int." + _SLUG.sub("-", fold_accents(name).lower()).strip("-")


def _columns(data: bytes, location: str, kind: str):
    header, rows = read_rows(data, location)
    expected = spec.FILES[kind]
    missing = [c for c in expected if c not in header]
    if missing:
        raise UnreadableFile(location, f"not an international_results {kind} file: missing {', '.join(missing)}")
    return [header.index(c) for c in expected], rows


@lru_cache(maxsize=4096)
def _team(name: str) -> TeamRef:
    """One ref object per team: identity resolution then resolves each team once per load."""
    return TeamRef(name, spec.NATIONAL_TEAMS, name)


def _goals(data: bytes, location: str, problems: list[RowProblem]) -> dict[MatchKey, list[MatchEventRecord]]:
    idx, rows = _columns(data, location, "goalscorers")
    goals: dict[MatchKey, list[MatchEventRecord]] = {}
    for line, f in rows:
        day, home, away, team, scorer, minute, own, pen = (f[i] if i < len(f) else "" for i in idx)
        if team not in (home, away):
            problems.append(RowProblem(line, "team", f"{team!r} is neither {home!r} nor {away!r}", raw_line(f)))
            continue
        try:
            minute_value = None if minute in NA_VALUES else validation.minute(minute)
            scorer_name = None if scorer in NA_VALUES else validation.name(scorer, "scorer")
        except validation.InvalidValue as exc:
            problems.append(RowProblem(line, "minute/scorer", str(exc), raw_line(f)))
            continue
        try:
            own_goal, penalty = spec.BOOLEANS[own], spec.BOOLEANS[pen]
        except KeyError:
            problems.append(RowProblem(line, "own_goal/penalty", "not TRUE/FALSE", raw_line(f)))
            continue
        kind = EventType.OWN_GOAL if own_goal else EventType.PENALTY_GOAL if penalty else EventType.GOAL
        side = Side.HOME if team == home else Side.AWAY
        goals.setdefault((day, home, away), []).append(MatchEventRecord(kind, side, minute_value, None, scorer_name))
    problems.extend(rows.problems)
    return goals


def _fields(f: list[str], idx: list[int]) -> list[str]:
    if max(idx) >= len(f):
        raise validation.InvalidValue(f"row has {len(f)} fields, expected at least {max(idx) + 1}")
    return [f[i] for i in idx]


def _shootouts(data: bytes, location: str, problems: list[RowProblem]) -> dict[MatchKey, str]:
    idx, rows = _columns(data, location, "shootouts")
    winners: dict[MatchKey, str] = {}
    for line, f in rows:
        try:
            day, home, away, winner = _fields(f, idx)
            if winner not in (home, away):
                raise validation.InvalidValue(f"winner {winner[:60]!r} is neither {home[:60]!r} nor {away[:60]!r}")
        except validation.InvalidValue as exc:
            problems.append(RowProblem(line, "winner", str(exc), raw_line(f)))
            continue
        winners[(day, home, away)] = winner
    problems.extend(rows.problems)
    return winners


def parse_former_names(data: bytes, location: str,
                       problems: list[RowProblem] | None = None) -> list[tuple[str, str]]:
    """(current name, former name) pairs; damaged rows go to ``problems``."""
    idx, rows = _columns(data, location, "former_names")
    pairs = []
    found: list[RowProblem] = []
    for line, f in rows:
        try:
            current, former = _fields(f, idx[:2])
            pairs.append((validation.name(current, "current"), validation.name(former, "former")))
        except validation.InvalidValue as exc:
            found.append(RowProblem(line, "current/former", str(exc), raw_line(f)))
    if problems is not None:
        problems.extend(found + rows.problems)
    return pairs


def parse_results(results: bytes, location: str, goalscorers: bytes | None = None,
                  shootouts: bytes | None = None, goalscorers_location: str = "goalscorers.csv",
                  shootouts_location: str = "shootouts.csv") -> ParseResult:
    idx, rows = _columns(results, location, "results")
    result = ParseResult()
    goal_problems: list[RowProblem] = []
    goals = _goals(goalscorers, goalscorers_location, goal_problems) if goalscorers else {}
    shootout_winners = _shootouts(shootouts, shootouts_location, goal_problems) if shootouts else {}
    comps: dict[str, CompetitionRef] = {}
    checked = validation.NameChecks()
    for line, f in rows:
        result.rows_read += 1
        day_text, home, away, hs, as_, tournament, city, country, neutral = (f[i] if i < len(f) else "" for i in idx)
        field = "date"
        try:
            day = validation.match_date(date.fromisoformat(day_text))
            field = "home_score"
            home_goals = None if hs in NA_VALUES else validation.goals(hs, "home_score")
            field = "away_score"
            away_goals = None if as_ in NA_VALUES else validation.goals(as_, "away_score")
            field = "neutral"
            is_neutral = spec.BOOLEANS[neutral]
            field = "home_team"
            checked(home, "home team")
            field = "away_team"
            checked(away, "away team")
            field = "tournament"
            checked(tournament, "tournament")
            field = "city"
            city = validation.optional_text(city, "city")
            field = "country"
            country = validation.optional_text(country, "country")
        except validation.InvalidValue as exc:
            result.problems.append(RowProblem(line, field, str(exc), raw_line(f)))
            continue
        except (ValueError, KeyError, OverflowError):
            result.problems.append(RowProblem(line, field, f"invalid value for {field}", raw_line(f)))
            continue
        if (home_goals is None) != (away_goals is None):
            result.problems.append(RowProblem(line, "home_score/away_score", "only one side of the score is given",
                                              raw_line(f)))
            continue
        comp = comps.get(tournament)
        if comp is None:
            comp = comps[tournament] = CompetitionRef(tournament_code(tournament), tournament, None, "international",
                                                     source_key=tournament)
        key = (day_text, home, away)
        winner = shootout_winners.get(key)
        record = MatchRecord(
            competition=comp, season=str(day.year), home=_team(home), away=_team(away), match_date=day,
            status=MatchStatus.FINISHED if home_goals is not None else MatchStatus.SCHEDULED,
            stage=tournament, home_goals=home_goals, away_goals=away_goals,
            finish=Finish.PENALTIES if winner else None, venue=city or None, neutral=is_neutral,
            source_line=line, events=tuple(goals.pop(key, ())),
            attributes={"country": country, **({"shootout_winner": winner} if winner else {})},
        )
        result.matches.append(record)
    # goals whose match is not in results.csv are reported, not dropped silently
    for (day_text, home, away), events in goals.items():
        goal_problems.append(RowProblem(0, "date/home_team/away_team",
                                        f"{len(events)} goal(s) for a match not in results: {day_text} {home}-{away}",
                                        f"{day_text},{home},{away}"))
    result.rows_read += len(rows.problems)
    result.problems.extend(rows.problems + goal_problems)
    return result
