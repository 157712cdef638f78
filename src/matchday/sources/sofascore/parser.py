"""SofaScore api/v1 answers → canonical records. Pure.

Scores: ``homeScore.current`` is the running score; ``period1`` the half-time score; ``normaltime`` the score
after 90 minutes; with a shoot-out, ``penalties`` holds it and the match score is ``normaltime + overtime``
(else ``current - penalties``). Incidents come newest first; goals take their side from the score they leave
(``homeScore``/``awayScore`` after the goal), which also places own goals on the side they counted for.
A capture whose arrays were trimmed (``{"__trimmed__": n}`` markers) gives partial details only.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from matchday.catalog import competition_info
from matchday.competition_register import lookup
from matchday.domain.records import (
    AWAY_KEY,
    HOME_KEY,
    CompetitionRef,
    EventType,
    Finish,
    LineupEntry,
    MatchDetailRecord,
    MatchEventRecord,
    MatchRecord,
    MatchStatus,
    ParseResult,
    PlayerMatchStatsRecord,
    PublishedStandingRecord,
    Side,
    TeamPart,
    TeamRef,
    TeamStatsRecord,
)
from matchday.domain.seasons import normalise_season, season_for_date
from matchday.errors import ParseError
from matchday.sources.international_results.spec import NATIONAL_TEAMS
from matchday.sources.providerkit import as_code, as_dict, as_float, as_int, as_list, as_text, set_aside, utc_datetime
from matchday.sources.sofascore import spec

P = spec.PROVIDER
TRIMMED = "__trimmed__"


def items(value: Any, field: str) -> tuple[list, bool]:
    """The list without trim markers, and whether any were found."""
    raw = as_list(P, field, value or [])
    kept = [x for x in raw if not (isinstance(x, dict) and TRIMMED in x)]
    return kept, len(kept) != len(raw)


def competition(tournament: Any) -> tuple[CompetitionRef, bool]:
    tournament = as_dict(P, "tournament", tournament)
    unique = tournament.get("uniqueTournament") or tournament
    unique_id = as_int(P, "uniqueTournament.id", unique.get("id"), optional=False) or 0
    known = lookup(P, unique_id)
    if known:
        code, country, kind = known.code, known.country, known.kind
    else:
        category = unique.get("category") or tournament.get("category") or {}
        country_name = (category.get("country") or {}).get("name") if isinstance(category.get("country"), dict) \
            else None
        code, country, kind = f"{P}.{unique_id}", country_name, "league" if country_name else "cup"
    info = competition_info(code)
    calendar = info.calendar_year if info else kind != "league"
    return CompetitionRef(code, as_text(P, "uniqueTournament.name", unique.get("name")) or code, country, kind,
                          str(unique_id), calendar), calendar


_SEASON_YEAR = re.compile(r"^(\d{4}|\d{4}[-/]\d{2}(\d{2})?|\d{2}/\d{2})$")


def season_label(season: Any, calendar: bool, kickoff: datetime | None = None) -> str:
    """The season an event belongs to: its ``season.year`` ("2026", "25/26", "2025/2026"); an event without
    a season object, or whose season has no year ("Season 2"), belongs to the season of its competition
    running at its kick-off (calendar year, or July to June)."""
    raw = season if isinstance(season, dict) else {}
    year = raw.get("year")
    if not (isinstance(year, str | int) and _SEASON_YEAR.match(str(year).strip())):
        if season is not None and not isinstance(season, dict):
            raise ParseError(P, "season", str(season)[:80], "expected an object")
        if kickoff is None:
            raise ParseError(P, "season.year", year, "no season year and no start time to place the event")
        return season_for_date(kickoff.date(), calendar)
    year = str(year).strip()
    if "/" in year and len(year) == 5:  # "25/26"
        start = int(year[:2])
        year = f"{2000 + start if start < 50 else 1900 + start}-{year[3:]}"
    try:
        return normalise_season(year, calendar_year=calendar)
    except ValueError:
        raise ParseError(P, "season.year", year, "not a season") from None


def team(raw: Any, field: str, refs: dict) -> TeamRef:
    raw = as_dict(P, field, raw)
    team_id = str(as_int(P, f"{field}.id", raw.get("id"), optional=False))
    national = bool(raw.get("national"))
    country = raw.get("country") if isinstance(raw.get("country"), dict) else {}
    scope = NATIONAL_TEAMS if national else country.get("name")
    ref = refs.get((team_id, scope))
    if ref is None:
        name = as_text(P, f"{field}.name", raw.get("name"), optional=False) or ""
        ref = refs[(team_id, scope)] = TeamRef(name, scope, team_id)
    return ref


def _score(raw: Any, key: str, field: str) -> int | None:
    return as_int(P, f"{field}.{key}", (raw or {}).get(key)) if isinstance(raw, dict) else None


def event(raw: dict, refs: dict, fetched_at: datetime | None = None) -> MatchRecord:
    comp, calendar = competition(raw.get("tournament"))
    status_raw = as_dict(P, "status", raw.get("status"))
    code = status_raw.get("code")
    if code not in spec.STATUSES:
        raise ParseError(P, "status.code", code, "unknown status code")
    status, period, finish = spec.STATUSES[code]
    home_score, away_score = raw.get("homeScore") or {}, raw.get("awayScore") or {}
    counted = status not in (MatchStatus.SCHEDULED, MatchStatus.POSTPONED, MatchStatus.CANCELLED)
    goals = (_score(home_score, "current", "homeScore"), _score(away_score, "current", "awayScore")) if counted \
        else (None, None)
    pens = (_score(home_score, "penalties", "homeScore"), _score(away_score, "penalties", "awayScore"))
    if pens[0] is not None and goals[0] is not None:
        normal = (_score(home_score, "normaltime", "homeScore"), _score(away_score, "normaltime", "awayScore"))
        extra = (_score(home_score, "overtime", "homeScore") or 0, _score(away_score, "overtime", "awayScore") or 0)
        goals = ((normal[0] + extra[0], (normal[1] or 0) + extra[1]) if normal[0] is not None else
                 (goals[0] - pens[0], (goals[1] or 0) - (pens[1] or 0)))
    ht = (_score(home_score, "period1", "homeScore"), _score(away_score, "period1", "awayScore")) if counted \
        else (None, None)
    kickoff = utc_datetime(P, "startTimestamp", raw.get("startTimestamp"))
    minute = spec.BREAK_MINUTES.get(code)
    times = raw.get("time") or {}
    if code in spec.PERIOD_START_MINUTE and fetched_at and times.get("currentPeriodStartTimestamp"):
        started = utc_datetime(P, "time.currentPeriodStartTimestamp", times["currentPeriodStartTimestamp"])
        minute = spec.PERIOD_START_MINUTE[code] + int((fetched_at - started).total_seconds() // 60) + 1
    after_et = goals if finish in (Finish.AET, Finish.PENALTIES) else (None, None)
    round_info = raw.get("roundInfo") or {}
    number = as_int(P, "roundInfo.round", round_info.get("round"))
    stage = round_info.get("name") or "regular"  # a league round, or a cup's league phase
    venue = raw.get("venue") if isinstance(raw.get("venue"), dict) else {}
    referee = raw.get("referee") if isinstance(raw.get("referee"), dict) else {}
    return MatchRecord(
        competition=comp, season=season_label(raw.get("season"), calendar, kickoff),
        home=team(raw.get("homeTeam"), "homeTeam", refs), away=team(raw.get("awayTeam"), "awayTeam", refs),
        match_date=kickoff.date() if kickoff else None, kickoff_utc=kickoff, status=status, stage=stage,
        round=f"Round {number}" if number else None, round_number=number, home_goals=goals[0],
        away_goals=goals[1], home_goals_ht=ht[0], away_goals_ht=ht[1], home_goals_et=after_et[0],
        away_goals_et=after_et[1], home_penalties=pens[0], away_penalties=pens[1], finish=finish,
        period=period, minute=minute if status in (MatchStatus.LIVE, MatchStatus.HALFTIME) else None,
        venue=venue.get("name"), referee=referee.get("name"),
        attendance=as_int(P, "attendance", raw.get("attendance")), neutral=comp.kind == "international",
        attributes={"custom_id": raw["customId"]} if raw.get("customId") else {},
        source_key=str(as_int(P, "id", raw.get("id"), optional=False)),
    )


def incidents(key: str, body: dict) -> ParseResult:
    found, trimmed = items(body.get("incidents"), "incidents")
    chronological = list(reversed(found))
    events, shootout, problems = [], [], []
    last = (0, 0)
    for index, item in enumerate(chronological, start=1):
        item = as_dict(P, "incidents[]", item)
        kind, klass = as_code(P, "incidentType", item.get("incidentType")), as_code(P, "incidentClass",
                                                                                    item.get("incidentClass"))
        what = f"incident {item.get('id') or index} ({kind!r} {klass!r}, minute {item.get('time')})"
        if kind not in spec.INCIDENT_TYPES:
            set_aside(problems, index, ParseError(P, "incidentType", kind, "unknown incident type"), what, item)
            continue
        side_key = HOME_KEY if item.get("isHome") else AWAY_KEY
        minute, added = as_int(P, "time", item.get("time")), as_int(P, "addedTime", item.get("addedTime"))
        player = (item.get("player") or {}).get("name")
        if kind == "goal":
            if klass not in spec.GOAL_CLASSES:
                set_aside(problems, index, ParseError(P, "incidentClass", klass, "unknown goal class"), what, item)
                continue
            now = (as_int(P, "homeScore", item.get("homeScore")), as_int(P, "awayScore", item.get("awayScore")))
            if now[0] is not None and now[1] is not None:
                side_key = HOME_KEY if now[0] > last[0] else AWAY_KEY if now[1] > last[1] else side_key
                last = (now[0], now[1])
            events.append((side_key, MatchEventRecord(spec.GOAL_CLASSES[klass], Side.HOME, minute, added, player)))
        elif kind == "card":
            if klass not in spec.CARD_CLASSES:
                set_aside(problems, index, ParseError(P, "incidentClass", klass, "unknown card class"), what, item)
                continue
            events.append((side_key, MatchEventRecord(spec.CARD_CLASSES[klass], Side.HOME, minute, added, player)))
        elif kind == "substitution":
            incoming, outgoing = (item.get("playerIn") or {}).get("name"), (item.get("playerOut") or {}).get("name")
            name = f"{incoming} for {outgoing}" if incoming and outgoing else incoming or outgoing
            events.append((side_key, MatchEventRecord(EventType.SUBSTITUTION, Side.HOME, minute, added, name)))
        elif kind == "inGamePenalty" and klass in ("missed", "saved"):
            events.append((side_key, MatchEventRecord(EventType.MISSED_PENALTY, Side.HOME, minute, added, player)))
        elif kind == "varDecision":
            events.append((side_key, MatchEventRecord(EventType.VAR, Side.HOME, minute, added, player)))
        elif kind == "penaltyShootout":
            shootout.append({"team": "home" if item.get("isHome") else "away", "kick": item.get("sequence"),
                             "player": player, "scored": klass == "scored"})
    # an incident set aside leaves the list incomplete: it fills gaps, never replaces what is stored
    detail = MatchDetailRecord(key, events=tuple(events), kinds=frozenset({"events"}),
                               partial=trimmed or bool(problems))
    return ParseResult(details=[detail], rows_read=len(found), problems=problems)


def statistics(key: str, body: dict) -> ParseResult:
    periods, trimmed = items(body.get("statistics"), "statistics")
    whole = [p for p in periods if isinstance(p, dict) and p.get("period") == "ALL"]
    values: dict[Side, dict[str, Any]] = {Side.HOME: {}, Side.AWAY: {}}
    rows, problems = 0, []
    for period in whole:
        groups, cut = items(period.get("groups"), "statistics.groups")
        trimmed |= cut
        for group in groups:
            stats, cut = items(group.get("statisticsItems"), "statisticsItems")
            trimmed |= cut
            for stat in stats:
                rows += 1
                stat = as_dict(P, "statisticsItems[]", stat)
                name = as_code(P, "statisticsItems.key", stat.get("key"))
                if name not in spec.STATISTICS:
                    set_aside(problems, rows, ParseError(P, "statisticsItems.key", name, "unknown statistic"),
                              f"statistic {stat.get('name')!r}", stat)
                    continue
                target = spec.STATISTICS[name]
                if target is None:
                    continue
                for side, value_key in ((Side.HOME, "homeValue"), (Side.AWAY, "awayValue")):
                    number = as_float(P, f"statistics.{name}", stat.get(value_key))
                    values[side][target] = number if target in ("possession", "expected_goals") or number is None \
                        else int(number)
    parts = tuple(TeamPart(HOME_KEY if side is Side.HOME else AWAY_KEY, side.value,
                           stats=TeamStatsRecord(Side.HOME, **values[side])) for side in (Side.HOME, Side.AWAY))
    detail = MatchDetailRecord(key, parts=parts, kinds=frozenset({"stats"}), partial=trimmed or bool(problems))
    return ParseResult(details=[detail], rows_read=rows, problems=problems)


def lineups(key: str, body: dict) -> ParseResult:
    parts, rows, trimmed, problems = [], 0, False, []
    for side_name, side_key in (("home", HOME_KEY), ("away", AWAY_KEY)):
        side = as_dict(P, side_name, body.get(side_name) or {})
        players, cut = items(side.get("players"), f"{side_name}.players")
        trimmed |= cut
        entries, figures = [], []
        for item in players:
            rows += 1
            item = as_dict(P, "players[]", item)
            player = as_dict(P, "players.player", item.get("player"))
            name = as_text(P, "player.name", player.get("name"), optional=False) or ""
            position = as_code(P, "players.position", item.get("position") or player.get("position"))
            if position not in ("G", "D", "M", "F", None):
                set_aside(problems, rows, ParseError(P, "players.position", position, "unknown position"),
                          f"{side_name} player {name!r}", item)
                continue
            starter = not item.get("substitute")
            number = as_int(P, "shirtNumber", item.get("shirtNumber") or item.get("jerseyNumber"))
            entries.append(LineupEntry(Side.HOME, name, starter, position, number))
            stats = item.get("statistics") or {}
            if stats.get("minutesPlayed"):
                figures.append(PlayerMatchStatsRecord(
                    Side.HOME, name, minutes=as_int(P, "minutesPlayed", stats.get("minutesPlayed")),
                    position=position, shirt_number=number, substitute=not starter,
                    rating=as_float(P, "rating", stats.get("rating")), goals=as_int(P, "goals", stats.get("goals")),
                    assists=as_int(P, "goalAssist", stats.get("goalAssist")),
                    expected_goals=as_float(P, "expectedGoals", stats.get("expectedGoals")),
                    expected_assists=as_float(P, "expectedAssists", stats.get("expectedAssists")),
                    key_passes=as_int(P, "keyPass", stats.get("keyPass")),
                    passes=as_int(P, "totalPass", stats.get("totalPass"))))
        parts.append(TeamPart(side_key, side_name, lineup=tuple(entries), player_stats=tuple(figures)))
    kinds = frozenset({"lineups"} | ({"player_stats"} if any(p.player_stats for p in parts) else set()))
    return ParseResult(details=[MatchDetailRecord(key, parts=tuple(parts), kinds=kinds,
                                                  partial=trimmed or bool(problems))],
                       rows_read=rows, problems=problems)


def standings(body: dict) -> ParseResult:
    """The total table(s) of a tournament season; the season is the one running when the table was updated."""
    result, refs = ParseResult(), {}
    tables, _trimmed = items(body.get("standings"), "standings")
    totals = [t for t in tables if isinstance(t, dict) and t.get("type", "total") == "total"]
    for table in totals:
        comp, calendar = competition(table.get("tournament"))
        updated = utc_datetime(P, "updatedAtTimestamp", table.get("updatedAtTimestamp")
                               or body.get("updatedAtTimestamp"))
        if updated is None:
            raise ParseError(P, "updatedAtTimestamp", None, "a table without its date cannot be placed in a season")
        season = season_for_date(updated.date(), calendar)
        rows, _cut = items(table.get("rows"), "standings.rows")
        for row in rows:
            result.rows_read += 1
            scored, conceded = as_int(P, "scoresFor", row.get("scoresFor")), as_int(P, "scoresAgainst",
                                                                                   row.get("scoresAgainst"))
            result.standings.append(PublishedStandingRecord(
                comp, season, table.get("name") if len(totals) > 1 else None,
                as_int(P, "position", row.get("position"), optional=False) or 0, team(row.get("team"), "team", refs),
                played=as_int(P, "matches", row.get("matches")), won=as_int(P, "wins", row.get("wins")),
                drawn=as_int(P, "draws", row.get("draws")), lost=as_int(P, "losses", row.get("losses")),
                goals_for=scored, goals_against=conceded,
                goal_difference=scored - conceded if scored is not None and conceded is not None else None,
                points=as_int(P, "points", row.get("points")),
                description=((row.get("promotion") or {}).get("text")), updated_at=updated))
    return result
