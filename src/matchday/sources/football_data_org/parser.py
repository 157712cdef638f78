"""football-data.org v4 answers → canonical records. Pure.

Scores (v4 docs, "overtime"): ``score.fullTime`` is the running score and, once finished, the final score
after extra time; with ``duration`` PENALTY_SHOOTOUT it also counts the shoot-out kicks, so the match score is
``regularTime + extraTime`` when given, else ``fullTime - penalties``. The ``resultSet`` counters of team match
lists (wins/draws/losses) are the provider's own and are not used.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

from matchday.catalog import competition_info
from matchday.competition_register import lookup
from matchday.domain.records import (
    CompetitionRecord,
    CompetitionRef,
    Finish,
    MatchRecord,
    MatchStatus,
    ParseResult,
    PublishedStandingRecord,
    RowProblem,
    ScorerRecord,
    TeamProfile,
    TeamRecord,
    TeamRef,
)
from matchday.domain.seasons import split_season
from matchday.errors import ParseError
from matchday.sources.football_data_org import spec
from matchday.sources.international_results.spec import NATIONAL_TEAMS
from matchday.sources.providerkit import as_code, as_dict, as_int, as_list, as_text, set_aside, utc_datetime

P = spec.PROVIDER


def competition_ref(raw: Any, area: Any = None) -> CompetitionRef:
    comp = as_dict(P, "competition", raw)
    code = as_text(P, "competition.code", comp.get("code")) or str(comp.get("id"))
    known = lookup(P, code)
    if known:
        canonical, country, kind = known.code, known.country, known.kind
    else:
        country = as_text(P, "area.name", (area or {}).get("name")) if isinstance(area, dict) else None
        country = None if country in ("World", "Europe", "South America") else country
        kind = _competition_kind(comp.get("type"))
        canonical = f"{P}.{code}"
    return CompetitionRef(canonical, as_text(P, "competition.name", comp.get("name")) or code, country, kind, code)


def _competition_kind(code: Any) -> str:
    """``competition.type`` → league | cup; absent means a league; a type not listed costs its record."""
    code = as_code(P, "competition.type", code)
    if code is None:
        return "league"
    if code not in spec.COMPETITION_TYPES:
        raise ParseError(P, "competition.type", code, "unknown competition type")
    return spec.COMPETITION_TYPES[code]


def season_label(comp: CompetitionRef, season: Any) -> str:
    return season_of(comp, season)[0]


def season_of(comp: CompetitionRef, season: Any) -> tuple[str, bool]:
    """(label, calendar year?) of a v4 ``season`` object: the catalog says for known competitions, else the dates
    (a season starting and ending in one year is a calendar-year season)."""
    raw = as_dict(P, "season", season)
    start = as_text(P, "season.startDate", raw.get("startDate"), optional=False) or ""
    end = as_text(P, "season.endDate", raw.get("endDate")) or start
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise ParseError(P, "season.startDate", start, "not a date") from None
    info = competition_info(comp.code)
    calendar = info.calendar_year if info else first.year == last.year
    return (str(first.year) if calendar else split_season(first.year)), calendar


def team_scope(comp: CompetitionRef) -> str | None:
    return NATIONAL_TEAMS if comp.kind == "international" else comp.country


class Refs:
    def __init__(self) -> None:
        self.teams: dict[tuple[int, str | None], TeamRef] = {}
        self.competitions: dict[tuple[str, bool], CompetitionRef] = {}

    def competition(self, raw: Any, area: Any, season: Any) -> tuple[CompetitionRef, str]:
        """The competition (one object per competition and season kind) and the season label."""
        comp = competition_ref(raw, area)
        label, calendar = season_of(comp, season)
        key = (comp.code, calendar)
        ref = self.competitions.get(key)
        if ref is None:
            ref = self.competitions[key] = replace(comp, calendar_year=calendar)
        return ref, label

    def team(self, raw: Any, scope: str | None, field: str) -> TeamRef:
        team = as_dict(P, field, raw)
        team_id = as_int(P, f"{field}.id", team.get("id"), optional=False) or 0
        ref = self.teams.get((team_id, scope))
        if ref is None:
            name = as_text(P, f"{field}.name", team.get("name"), optional=False) or ""
            ref = self.teams[(team_id, scope)] = TeamRef(name, scope, str(team_id))
        return ref


def team_profile(raw: Any) -> TeamProfile | None:
    """Short name, code, crest URL (linked, not copied), founding year, stadium, colours of a team object (match
    rows carry the first three, ``/teams`` all)."""
    if not isinstance(raw, dict):
        return None
    colours = as_text(P, "team.clubColors", raw.get("clubColors"))
    profile = TeamProfile(short_name=as_text(P, "team.shortName", raw.get("shortName")),
                          code=as_text(P, "team.tla", raw.get("tla")),
                          crest_url=as_text(P, "team.crest", raw.get("crest")),
                          founded=as_int(P, "team.founded", raw.get("founded")),
                          stadium=as_text(P, "team.venue", raw.get("venue")),
                          colours=tuple(c.strip() for c in colours.split("/") if c.strip()) if colours else (),
                          website=as_text(P, "team.website", raw.get("website")))
    return None if profile.is_empty() else profile


def _profiles(result: ParseResult, pairs: list[tuple[Any, TeamRef]]) -> None:
    seen = {rec.team for rec in result.teams}
    for raw, ref in pairs:
        profile = team_profile(raw)
        if profile is not None and ref not in seen:
            seen.add(ref)
            result.teams.append(TeamRecord(ref, profile.code, False, {}, profile))


def _pair(score: dict, key: str) -> tuple[int | None, int | None]:
    part = score.get(key) or {}
    return as_int(P, f"score.{key}.home", part.get("home")), as_int(P, f"score.{key}.away", part.get("away"))


def stage_label(stage: Any, group: Any) -> str:
    stage = as_code(P, "stage", stage)
    if stage not in spec.STAGES:
        raise ParseError(P, "stage", stage, "unknown stage")
    if group:
        text = str(group)
        return text.replace("GROUP_", "Group ") if text.startswith("GROUP_") else text
    return spec.STAGES[stage]


def match(raw: dict, refs: Refs, top: dict) -> MatchRecord:
    comp, season = refs.competition(raw.get("competition") or top.get("competition"), raw.get("area"),
                                    raw.get("season") or top.get("season"))
    status_code = as_code(P, "status", raw.get("status"))
    if status_code not in spec.STATUSES:
        raise ParseError(P, "status", status_code, "unknown status")
    status, period = spec.STATUSES[status_code]
    score = as_dict(P, "score", raw.get("score") or {})
    duration = as_code(P, "score.duration", score.get("duration")) or "REGULAR"
    if duration not in spec.DURATIONS:
        raise ParseError(P, "score.duration", duration, "unknown duration")
    full, half = _pair(score, "fullTime"), _pair(score, "halfTime")
    regular, extra, pens = _pair(score, "regularTime"), _pair(score, "extraTime"), _pair(score, "penalties")
    goals = full
    if pens[0] is not None and full[0] is not None:
        if regular[0] is not None:
            goals = (regular[0] + (extra[0] or 0), (regular[1] or 0) + (extra[1] or 0))
        else:
            goals = (full[0] - pens[0], (full[1] or 0) - (pens[1] or 0))
    finish = spec.DURATIONS[duration] if status is MatchStatus.FINISHED else None
    if status is MatchStatus.LIVE and duration == "EXTRA_TIME" and period is None:
        period = None  # IN_PLAY in extra time is not said apart from normal time
    scope = team_scope(comp)
    home = refs.team(raw.get("homeTeam"), scope, "homeTeam")
    away = refs.team(raw.get("awayTeam"), scope, "awayTeam")
    kickoff = utc_datetime(P, "utcDate", raw.get("utcDate"))
    referees = [r for r in as_list(P, "referees", raw.get("referees") or []) if r.get("type") == "REFEREE"]
    after_et = goals if finish in (Finish.AET, Finish.PENALTIES) else (None, None)
    attributes = {"ft_90": list(regular)} if after_et[0] is not None and regular[0] is not None else {}
    return MatchRecord(
        competition=comp, season=season, home=home, away=away, match_date=kickoff.date() if kickoff else None,
        kickoff_utc=kickoff, status=status, stage=stage_label(raw.get("stage"), raw.get("group")),
        round=f"Matchday {raw['matchday']}" if raw.get("matchday") else None,
        round_number=as_int(P, "matchday", raw.get("matchday")),
        home_goals=goals[0], away_goals=goals[1], home_goals_ht=half[0], away_goals_ht=half[1],
        home_goals_et=after_et[0], away_goals_et=after_et[1], home_penalties=pens[0], away_penalties=pens[1],
        finish=finish, period=period, referee=referees[0].get("name") if referees else None,
        venue=as_text(P, "venue", raw.get("venue")), neutral=comp.kind == "international", attributes=attributes,
        source_key=str(as_int(P, "id", raw.get("id"), optional=False)),
    )


def parse_matches(doc: dict) -> ParseResult:
    """``/competitions/{c}/matches``, ``/matches``, ``/teams/{t}/matches`` (a list) or ``/matches/{id}``."""
    items = as_list(P, "matches", doc["matches"]) if "matches" in doc else [doc]
    refs, result = Refs(), ParseResult()
    for index, raw in enumerate(items, start=1):
        result.rows_read += 1
        try:
            found = match(as_dict(P, "matches[]", raw), refs, doc)
            result.matches.append(found)
            _profiles(result, [(raw.get("homeTeam"), found.home), (raw.get("awayTeam"), found.away)])
        except ParseError as exc:
            result.problems.append(RowProblem(index, exc.field, f"match {raw.get('id')}: {exc}",
                                              json.dumps(raw, ensure_ascii=False)[:2000]))
    return result


def parse_standings(doc: dict) -> ParseResult:
    """The TOTAL tables of ``/competitions/{c}/standings`` (HOME and AWAY tables are not kept)."""
    refs, result = Refs(), ParseResult()
    comp, season = refs.competition(doc.get("competition"), doc.get("area"), doc.get("season"))
    tables = as_list(P, "standings", doc.get("standings") or [])
    totals = []
    for index, table in enumerate(tables, start=1):
        table = as_dict(P, "standings[]", table)
        kind = as_code(P, "standings.type", table.get("type"))
        if kind not in spec.STANDING_TYPES:  # a table of an unknown type is set aside (named); the rest load
            set_aside(result.problems, index, ParseError(P, "standings.type", kind, "unknown table type"),
                      f"table {index} ({kind!r}, {table.get('stage')!r} {table.get('group')!r})",
                      {k: v for k, v in table.items() if k != "table"})
            continue
        if kind == "TOTAL":
            totals.append(table)
    for table in totals:
        group = table.get("group")
        label = (str(group).replace("GROUP_", "Group ") if group else None) if len(totals) > 1 else None
        for row in as_list(P, "standings.table", table.get("table") or []):
            result.rows_read += 1
            ref = refs.team(row.get("team"), team_scope(comp), "team")
            _profiles(result, [(row.get("team"), ref)])
            result.standings.append(PublishedStandingRecord(
                comp, season, label, as_int(P, "position", row.get("position"), optional=False) or 0, ref,
                played=as_int(P, "playedGames", row.get("playedGames")), won=as_int(P, "won", row.get("won")),
                drawn=as_int(P, "draw", row.get("draw")), lost=as_int(P, "lost", row.get("lost")),
                goals_for=as_int(P, "goalsFor", row.get("goalsFor")),
                goals_against=as_int(P, "goalsAgainst", row.get("goalsAgainst")),
                goal_difference=as_int(P, "goalDifference", row.get("goalDifference")),
                points=as_int(P, "points", row.get("points")),
                form=(as_text(P, "form", row.get("form")) or "").replace(",", "") or None))
    return result


def parse_scorers(doc: dict) -> ParseResult:
    refs, result = Refs(), ParseResult()
    comp, season = refs.competition(doc.get("competition"), doc.get("area"), doc.get("season"))
    for rank, row in enumerate(as_list(P, "scorers", doc.get("scorers") or []), start=1):
        result.rows_read += 1
        player = as_dict(P, "scorers.player", row.get("player"))
        result.scorers.append(ScorerRecord(
            comp, season, rank, as_text(P, "player.name", player.get("name"), optional=False) or "",
            refs.team(row.get("team"), team_scope(comp), "scorers.team"),
            as_int(P, "goals", row.get("goals")) or 0, as_int(P, "assists", row.get("assists")),
            as_int(P, "penalties", row.get("penalties")), as_int(P, "playedMatches", row.get("playedMatches")),
            None, str(player.get("id")) if player.get("id") is not None else None))
    return result


def parse_teams(doc: dict) -> ParseResult:
    """``/competitions/{c}/teams`` (scoped by the competition) or ``/teams/{id}`` (scoped by its area)."""
    result = ParseResult()
    comp = competition_ref(doc["competition"], doc.get("area")) if isinstance(doc.get("competition"), dict) else None
    for raw in as_list(P, "teams", doc["teams"]) if "teams" in doc else [doc]:
        result.rows_read += 1
        team = as_dict(P, "teams[]", raw)
        area = (team.get("area") or {}).get("name")
        scope = team_scope(comp) if comp else (None if area in (None, "World", "Europe") else area)
        name = as_text(P, "team.name", team.get("name"), optional=False) or ""
        attributes = {k: team[k] for k in ("shortName", "tla", "crest", "founded", "venue", "website")
                      if team.get(k) is not None}
        result.teams.append(TeamRecord(TeamRef(name, scope, str(as_int(P, "team.id", team.get("id"),
                                                                        optional=False))),
                                       as_text(P, "team.tla", team.get("tla")), False, attributes,
                                       team_profile(team)))
    return result


def parse_competitions(doc: dict) -> ParseResult:
    result = ParseResult()
    for index, raw in enumerate(as_list(P, "competitions", doc["competitions"]) if "competitions" in doc
                                else [doc], start=1):
        result.rows_read += 1
        raw = as_dict(P, "competitions[]", raw)
        try:
            comp = competition_ref(raw, raw.get("area"))
        except ParseError as exc:  # one competition of an unknown type: that one is set aside
            set_aside(result.problems, index, exc, f"competition {raw.get('code') or raw.get('id')}",
                      {k: v for k, v in raw.items() if k != "seasons"})
            continue
        seasons = [season_label(comp, s) for s in as_list(P, "seasons", raw.get("seasons") or [])]
        if not seasons and isinstance(raw.get("currentSeason"), dict):
            seasons = [season_label(comp, raw["currentSeason"])]
        result.competitions.append(CompetitionRecord(comp, tuple(seasons), {"type": raw.get("type")}))
    return result
