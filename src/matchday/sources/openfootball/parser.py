"""openfootball JSON bytes → canonical match records. Pure: no I/O.

Two schema generations: the current one (``{"name", "matches": [...]}`` with ``team1`` as a string and
``score: {ht, ft, et, p}``) and the older one (``{"name", "rounds": [{"name", "matches": [...]}]}`` with
``team1`` as ``{"name", "code"}`` and ``score1/score2``, ``score1i`` for half time, ``score1et``, ``score1p``).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from matchday.domain import validation
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
from matchday.domain.seasons import normalise_season
from matchday.errors import ParseError, UnreadableFile
from matchday.sources.international_results.spec import NATIONAL_TEAMS
from matchday.sources.openfootball import spec

_UTC_OFFSET = re.compile(r"^(\d{1,2}):(\d{2})(?:\s*UTC([+-]\d{1,2})(?::?(\d{2}))?)?$")
_ROUND_NUMBER = re.compile(r"(\d+)\s*$")
_SPLIT_ROUND = re.compile(r"^([^,]+),\s*Matchday\s+\d+\s*$")
_CLUB_COUNTRY = re.compile(r"^(.*?)\s*\(([A-Z]{3})\)$")


class _MatchError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def league_from_name(name: str) -> str | None:
    for prefix, key in spec.NAME_PREFIXES.items():
        if name.startswith(prefix):
            return key
    return None


def _text(raw: dict, key: str, what: str) -> str | None:
    """An optional text field: absent/null is None, anything but a string is the match's error."""
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _MatchError(key, f"{what} must be text, got {type(value).__name__} {value!r}"[:200])
    try:
        return validation.optional_text(value, what)
    except validation.InvalidValue as exc:
        raise _MatchError(key, str(exc)) from None


def _team(value: Any, country: str | None, field: str) -> TeamRef:
    name = value.get("name") if isinstance(value, dict) else value
    if name is None or (isinstance(name, str) and not name.strip()):
        raise _MatchError(field, f"team name missing: {value!r}"[:200])
    try:
        name = validation.name(name, f"{field} name")
    except validation.InvalidValue as exc:
        raise _MatchError(field, str(exc)) from None
    match = _CLUB_COUNTRY.match(name)
    if match:  # "Palmeiras (BRA)" in club competitions
        name = match.group(1)
    return TeamRef(name, country, name)


def _pair(score: dict, key: str, legacy: tuple[Any, Any]) -> tuple[int | None, int | None]:
    value = score.get(key)
    if value is None:
        value = list(legacy) if legacy[0] is not None else None
    if value is None:
        return None, None
    if not (isinstance(value, list) and len(value) == 2):
        raise _MatchError(f"score.{key}", f"expected [home, away] goals, got {value!r}"[:200])
    check = validation.penalties if key == "p" else validation.goals
    try:
        home, away = (v if isinstance(v, int) and not isinstance(v, bool) else _not_int(v) for v in value)
        return check(home, "home goals"), check(away, "away goals")
    except validation.InvalidValue as exc:
        raise _MatchError(f"score.{key}", str(exc)) from None


def _not_int(value: Any) -> int:
    raise validation.InvalidValue(f"goals must be whole numbers, got {type(value).__name__} {value!r}"[:200])


def _kickoff(day: date, text: Any, zone: ZoneInfo) -> datetime | None:
    if text is None or text == "":
        return None
    match = _UTC_OFFSET.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise _MatchError("time", f"not a hh:mm time: {text!r}"[:200])
    hour, minute, offset_hours, offset_minutes = match.groups()
    try:
        if offset_hours is not None:
            sign = -1 if offset_hours.startswith("-") else 1
            tz: Any = timezone(sign * timedelta(hours=abs(int(offset_hours)), minutes=int(offset_minutes or 0)))
        else:
            tz = zone
        local = datetime.combine(day, time(int(hour), int(minute)), tzinfo=tz)
    except ValueError as exc:
        raise _MatchError("time", f"not a valid time {text!r}: {exc}") from None
    return local.astimezone(UTC).replace(tzinfo=None)


def _minute(goal: dict, field: str) -> tuple[int | None, int | None]:
    minute = goal.get("minute")
    if minute is None:
        return None, None
    try:
        if isinstance(minute, str) and "+" in minute:
            base, added = minute.split("+", 1)
            return validation.minute(base), validation.minute(added, "added minute")
        offset = goal.get("offset")
        return validation.minute(minute), validation.minute(offset, "offset") if offset is not None else None
    except validation.InvalidValue as exc:
        raise _MatchError(field, f"not a minute: {exc}") from None


def _goals(raw: dict) -> tuple[MatchEventRecord, ...]:
    events = []
    for side, key in ((Side.HOME, "goals1"), (Side.AWAY, "goals2")):
        goals = raw.get(key) or []
        if not isinstance(goals, list):
            raise _MatchError(key, f"expected a list of goals, got {type(goals).__name__} {goals!r}"[:200])
        for number, goal in enumerate(goals, start=1):
            field = f"{key}[{number}]"
            if not isinstance(goal, dict):
                raise _MatchError(field, f"expected a goal object, got {type(goal).__name__} {goal!r}"[:200])
            minute, added = _minute(goal, field)
            for flag in ("owngoal", "penalty"):
                if not isinstance(goal.get(flag, False), bool | None):
                    raise _MatchError(f"{field}.{flag}", f"expected true/false, got {goal.get(flag)!r}"[:200])
            kind = (EventType.OWN_GOAL if goal.get("owngoal") else
                    EventType.PENALTY_GOAL if goal.get("penalty") else EventType.GOAL)
            events.append(MatchEventRecord(kind, side, minute, added, _text(goal, "name", f"{field} scorer")))
    events.sort(key=lambda e: (e.minute or 0, e.added_minute or 0))
    return tuple(events)


def _stage_and_round(round_name: str | None, group: str | None, kind: str) -> tuple[str, int | None]:
    number = None
    if round_name:
        match = _ROUND_NUMBER.search(round_name)
        number = int(match.group(1)) if match and "Matchday" in round_name else None
    if kind != "league":
        return (group or round_name or "tournament"), number
    if round_name is None or round_name.startswith(spec.REGULAR_STAGE_PREFIXES) or split_group(round_name):
        return "regular", number
    return "playoffs", None


def split_group(round_name: str | None) -> str | None:
    """The part of a split league a round belongs to: Scotland's "Championship, Matchday 34" and "Relegation,
    Matchday 34" are the league's second phase (its top and bottom halves), not play-offs."""
    found = _SPLIT_ROUND.match(round_name or "")
    return found.group(1) if found else None


def _match(raw: Any, comp: CompetitionRef, season: str, zone: ZoneInfo, round_name: str | None) -> MatchRecord:
    if not isinstance(raw, dict):
        raise _MatchError("(match)", f"expected a match object, got {type(raw).__name__} {raw!r}"[:200])
    try:
        day = validation.match_date(date.fromisoformat(raw.get("date", "")))
    except (TypeError, ValueError):
        raise _MatchError("date", f"not a yyyy-mm-dd date: {raw.get('date')!r}"[:200]) from None
    scope = comp.country or (NATIONAL_TEAMS if comp.kind == "international" else None)
    home = _team(raw.get("team1"), scope, "team1")
    away = _team(raw.get("team2"), scope, "team2")
    score = raw.get("score") or {}
    if not isinstance(score, dict):
        raise _MatchError("score", f"expected an object, got {score!r}")
    ft = _pair(score, "ft", (raw.get("score1"), raw.get("score2")))
    ht = _pair(score, "ht", (raw.get("score1i"), raw.get("score2i")))
    et = _pair(score, "et", (raw.get("score1et"), raw.get("score2et")))
    pens = _pair(score, "p", (raw.get("score1p"), raw.get("score2p")))
    status_text = raw.get("status")
    if status_text is not None:
        if not isinstance(status_text, str) or status_text not in spec.STATUSES:
            raise _MatchError("status", str(ParseError(spec.PROVIDER, "status", status_text, "unknown status"))[:200])
        status = spec.STATUSES[status_text]
    else:
        status = MatchStatus.FINISHED if ft[0] is not None else MatchStatus.SCHEDULED
    finish = None
    if status is MatchStatus.FINISHED:
        finish = Finish.PENALTIES if pens[0] is not None else Finish.AET if et[0] is not None else Finish.REGULAR
    if "round" in raw:
        round_label = _text(raw, "round", "round")
    else:
        try:
            round_label = validation.optional_text(round_name, "round")
        except validation.InvalidValue as exc:
            raise _MatchError("rounds.name", str(exc)) from None
    stage, number = _stage_and_round(round_label, _text(raw, "group", "group"), comp.kind)
    # a match decided after extra time: the full-time score is the score after 120 minutes
    home_goals, away_goals = et if et[0] is not None else ft
    return MatchRecord(
        competition=comp, season=season, home=home, away=away, match_date=day,
        kickoff_utc=_kickoff(day, raw.get("time"), zone), status=status, stage=stage,
        round=round_label, round_number=number,
        home_goals=home_goals, away_goals=away_goals, home_goals_ht=ht[0], away_goals_ht=ht[1],
        home_goals_et=et[0], away_goals_et=et[1], home_penalties=pens[0], away_penalties=pens[1],
        finish=finish, venue=_text(raw, "ground", "ground"), neutral=comp.kind != "league",
        events=_goals(raw),
        attributes={**({"ft_90": list(ft)} if et[0] is not None else {}),
                    **({"split": group} if comp.kind == "league" and (group := split_group(round_label)) else {})},
    )


def parse_json(data: bytes, location: str, league: str | None = None, season: str | None = None) -> ParseResult:
    """Parse one openfootball season file. ``league``/``season`` come from its path (``2024-25/en.1.json``)."""
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(location, f"not JSON: {exc}") from None
    except RecursionError:
        raise UnreadableFile(location, "not an openfootball file: JSON nested too deeply") from None
    if not isinstance(doc, dict) or not ("matches" in doc or "rounds" in doc):
        raise UnreadableFile(location, "not an openfootball season file (no 'matches' or 'rounds')")
    league = league or league_from_name(str(doc.get("name", "")))
    if league not in spec.LEAGUES:
        raise UnreadableFile(location, f"unknown openfootball league {league!r}; name the file <season>/<league>.json")
    code, country, _repo, zone_name = spec.LEAGUES[league]
    kind = "league" if country else ("international" if code in ("fifa.world", "uefa.euro") else "cup")
    comp = CompetitionRef(code=code, name=str(doc.get("name", code)), country=country, kind=kind, source_key=league)
    if season is None:
        found = re.search(r"(\d{4})(?:/(\d{2}))?", str(doc.get("name", "")))
        if not found:
            raise UnreadableFile(location, "cannot tell the season; name the file <season>/<league>.json")
        season = found.group(0).replace("/", "-")
    season = normalise_season(season, calendar_year=kind != "league")
    zone = ZoneInfo(zone_name)
    result = ParseResult()
    raw_matches = _raw_matches(doc, location, result)
    for number, (raw, round_name) in enumerate(raw_matches, start=1):
        result.rows_read += 1
        try:
            result.matches.append(_match(raw, comp, season, zone, round_name))
        except _MatchError as exc:
            result.problems.append(RowProblem(number, exc.field, f"match {number}: {exc.reason}",
                                              json.dumps(raw, ensure_ascii=False, default=str)[:2000]))
    return result


def _raw_matches(doc: dict, location: str, result: ParseResult) -> list[tuple[Any, str | None]]:
    """(match, round name) pairs of either schema generation; a malformed round is quarantined whole."""
    if "matches" in doc:
        if not isinstance(doc["matches"], list):
            raise UnreadableFile(location, f"'matches' must be a list, got {type(doc['matches']).__name__}")
        return [(m, None) for m in doc["matches"]]
    if not isinstance(doc["rounds"], list):
        raise UnreadableFile(location, f"'rounds' must be a list, got {type(doc['rounds']).__name__}")
    found: list[tuple[Any, str | None]] = []
    for number, round_ in enumerate(doc["rounds"], start=1):
        matches = round_.get("matches", []) if isinstance(round_, dict) else None
        name = round_.get("name") if isinstance(round_, dict) else None
        if not isinstance(matches, list) or not isinstance(name, str | None):
            result.problems.append(RowProblem(number, "rounds", f"round {number} is not a round object with a "
                                              "name and a list of matches; skipped",
                                              json.dumps(round_, ensure_ascii=False, default=str)[:2000]))
            continue
        found.extend((m, name) for m in matches)
    return found
