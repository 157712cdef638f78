"""API-Football v3 fixtures → canonical match records. Pure: the decoded ``response`` list in, records out.

Scores: ``goals`` is the running score (after extra time when played); ``score.fulltime`` the score after 90
minutes, ``score.extratime`` the goals of extra time alone, ``score.penalty`` the shoot-out. Shoot-out kicks
arrive as ``Goal`` events with the comment "Penalty Shootout": they are kept in ``attributes`` (they are not
goals of the match). Events name the team credited (an own goal is listed under the team it counted for).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from matchday.catalog import competition_info
from matchday.competition_register import lookup
from matchday.domain.records import (
    CompetitionRef,
    EventType,
    FormationRecord,
    LineupEntry,
    MatchEventRecord,
    MatchRecord,
    MatchStatus,
    ParseResult,
    PlayerMatchStatsRecord,
    RowProblem,
    Side,
    TeamProfile,
    TeamRecord,
    TeamRef,
    TeamStatsRecord,
)
from matchday.domain.seasons import normalise_season
from matchday.errors import ParseError
from matchday.sources.api_football import spec
from matchday.sources.international_results.spec import NATIONAL_TEAMS
from matchday.sources.providerkit import (
    as_code,
    as_dict,
    as_float,
    as_int,
    as_obj,
    as_seq,
    as_text,
    set_aside,
    utc_datetime,
)

P = spec.PROVIDER
_ROUND = re.compile(r"^(?P<stage>.*?)\s+-\s+(?P<number>\d+)$")
_GRID = re.compile(r"^\d{1,2}:\d{1,2}$")
_FORMATION = re.compile(r"^\d(-\d){1,5}$")


class Refs:
    """One CompetitionRef per league and one TeamRef per (team id, scope) in a parse: identity resolves each once."""

    def __init__(self) -> None:
        self.competitions: dict[int, tuple[CompetitionRef, bool]] = {}
        self.teams: dict[tuple[int, str | None], TeamRef] = {}

    def competition(self, league: dict) -> tuple[CompetitionRef, bool]:
        """The league's ref and whether its seasons are calendar years."""
        league_id = as_int(P, "league.id", league.get("id"), optional=False)
        found = self.competitions.get(league_id)
        if found is None:
            found = self.competitions[league_id] = competition_for(league)
        return found

    def team(self, raw: Any, scope: str | None, field: str) -> TeamRef:
        raw = as_dict(P, field, raw)
        team_id = as_int(P, f"{field}.id", raw.get("id"), optional=False)
        ref = self.teams.get((team_id, scope))
        if ref is None:
            name = as_text(P, f"{field}.name", raw.get("name"), optional=False)
            ref = self.teams[(team_id, scope)] = TeamRef(name, scope, str(team_id))
        return ref


def competition_for(league: dict) -> tuple[CompetitionRef, bool]:
    league_id = as_int(P, "league.id", league.get("id"), optional=False)
    name = as_text(P, "league.name", league.get("name")) or str(league_id)
    raw_country = as_text(P, "league.country", league.get("country"))
    known = lookup(P, league_id)
    if known:
        code, country, kind = known.code, known.country, known.kind
    else:
        country = None if raw_country in (None, "World") else spec.COUNTRIES.get(raw_country, raw_country)
        kind = "cup" if league.get("type") == "Cup" else "league"
        code = f"{P}.{league_id}"
    info = competition_info(code)
    calendar = info.calendar_year if info else (kind != "league" or raw_country in spec.CALENDAR_YEAR_COUNTRIES)
    return CompetitionRef(code, name, country, kind, str(league_id), calendar), calendar


def team_scope(comp: CompetitionRef) -> str | None:
    """The identity scope of a competition's teams: its country, national teams, or any (club cups)."""
    if comp.kind == "international":
        return NATIONAL_TEAMS
    return comp.country


def season_label(season: Any, calendar: bool) -> str:
    year = as_int(P, "league.season", season, optional=False)
    try:
        return normalise_season(str(year), calendar_year=calendar)
    except ValueError:
        raise ParseError(P, "league.season", season, "not a season year") from None


def stage_and_round(round_name: str | None) -> tuple[str, int | None]:
    round_name = as_text(P, "league.round", round_name)
    if not round_name:
        return "regular", None
    found = _ROUND.match(round_name)
    stage, number = (found.group("stage"), int(found.group("number"))) if found else (round_name, None)
    return ("regular" if stage == "Regular Season" else stage), number


def status_of(short: Any) -> tuple:
    if as_code(P, "fixture.status.short", short) not in spec.STATUSES:
        raise ParseError(P, "fixture.status.short", short, "unknown status code")
    return spec.STATUSES[short]


def _pair(score: dict, key: str) -> tuple[int | None, int | None]:
    part = as_obj(P, f"score.{key}", score.get(key))
    return (as_int(P, f"score.{key}.home", part.get("home")), as_int(P, f"score.{key}.away", part.get("away")))


def event(raw: dict) -> tuple[str, MatchEventRecord | None, dict | None]:
    """(team id, event or None, shoot-out kick or None) of one ``events[]`` item; side is a placeholder."""
    kind, detail = as_code(P, "events.type", raw.get("type")), as_code(P, "events.detail", raw.get("detail"))
    if kind not in spec.EVENT_TYPES:
        raise ParseError(P, "events.type", kind, "unknown event type")
    team = as_dict(P, "events.team", raw.get("team"))
    team_id = str(as_int(P, "events.team.id", team.get("id"), optional=False))
    time = as_obj(P, "events.time", raw.get("time"))
    minute = as_int(P, "events.time.elapsed", time.get("elapsed"))
    extra = as_int(P, "events.time.extra", time.get("extra"))
    player = as_obj(P, "events.player", raw.get("player")).get("name")
    if kind == "Goal":
        if detail not in spec.GOAL_DETAILS:
            raise ParseError(P, "events.detail", detail, "unknown goal detail")
        if raw.get("comments") == spec.SHOOTOUT_COMMENT:
            return team_id, None, {"team": team_id, "kick": extra, "player": player,
                                   "scored": detail != "Missed Penalty"}
        event_type = spec.GOAL_DETAILS[detail]
    elif kind == "Card":
        if detail not in spec.CARD_DETAILS:
            raise ParseError(P, "events.detail", detail, "unknown card detail")
        event_type = spec.CARD_DETAILS[detail]
    elif kind == "subst":
        if not isinstance(detail, str) or not spec.SUBSTITUTION.match(detail):
            raise ParseError(P, "events.detail", detail, "unknown substitution detail")
        event_type = EventType.SUBSTITUTION
        # player = the one going off, assist = the one coming on (checked against the lineups)
        incoming = as_obj(P, "events.assist", raw.get("assist")).get("name")
        player = f"{incoming} for {player}" if incoming and player else player
    else:
        event_type = EventType.VAR
    return team_id, MatchEventRecord(event_type, Side.HOME, minute, extra, player), None


def lineup(raw: dict, side: Side, problems: list[RowProblem] | None = None) -> list[LineupEntry]:
    """A side's line-up; a player of an unknown position is set aside into ``problems`` (named), the others
    load (no list to collect into: the error stands)."""
    entries = []
    for key, starter in (("startXI", True), ("substitutes", False)):
        for index, item in enumerate(as_seq(P, f"lineups.{key}", raw.get(key)), start=1):
            player = as_dict(P, f"lineups.{key}.player", as_dict(P, f"lineups.{key}[]", item).get("player"))
            position = as_code(P, "lineups.player.pos", player.get("pos"))
            if position is not None and position not in spec.LINEUP_POSITIONS:
                set_aside(problems, index, ParseError(P, "lineups.player.pos", position, "unknown position"),
                          f"{key} player {player.get('name')!r}", item)
                continue
            name = as_text(P, "lineups.player.name", player.get("name"), optional=False)
            grid = as_text(P, "lineups.player.grid", player.get("grid"))
            if grid is not None and not _GRID.match(grid):
                raise ParseError(P, "lineups.player.grid", grid, "not row:column")
            entries.append(LineupEntry(side, name, starter, position,
                                       as_int(P, "lineups.player.number", player.get("number")), grid))
    return entries


def formation(raw: dict, side: Side) -> FormationRecord | None:
    """The side's formation ("4-3-3") and coach of a ``lineups[]`` item; None when it gives neither."""
    shape = as_text(P, "lineups.formation", raw.get("formation"))
    if shape is not None and not _FORMATION.match(shape):
        raise ParseError(P, "lineups.formation", shape, "not a formation like 4-3-3")
    coach = as_text(P, "lineups.coach.name", (raw.get("coach") or {}).get("name"))
    return FormationRecord(side, shape, coach) if shape or coach else None


def crest(raw: Any, ref: TeamRef) -> TeamRecord | None:
    """The team's crest URL as a fixture names it (``teams.home.logo``)."""
    logo = as_text(P, "teams.logo", (raw or {}).get("logo")) if isinstance(raw, dict) else None
    return TeamRecord(ref, profile=TeamProfile(crest_url=logo)) if logo else None


def team_stats(items: list, side: Side, problems: list[RowProblem] | None = None) -> TeamStatsRecord:
    """A side's statistics; one of an unknown type is set aside into ``problems`` (named), the others load."""
    values: dict[str, Any] = {}
    for index, item in enumerate(items, start=1):
        stat_type = as_code(P, "statistics.type", as_dict(P, "statistics[]", item).get("type"))
        if stat_type not in spec.STAT_TYPES:
            set_aside(problems, index, ParseError(P, "statistics.type", stat_type, "unknown statistic"),
                      f"statistic {stat_type!r}", item)
            continue
        target = spec.STAT_TYPES[stat_type]
        if target is None:
            continue
        number = as_float(P, f"statistics.{stat_type}", item.get("value"))
        values[target] = number if target in ("possession", "expected_goals") or number is None else int(number)
    return TeamStatsRecord(side, **values)


def player_stats(raw: dict, side: Side, problems: list[RowProblem] | None = None) -> list[PlayerMatchStatsRecord]:
    """A side's player figures; a player of an unknown position is set aside into ``problems`` (named)."""
    out = []
    for index, item in enumerate(as_seq(P, "players.players", raw.get("players")), start=1):
        item = as_dict(P, "players.players[]", item)
        player = as_dict(P, "players.player", item.get("player"))
        name = as_text(P, "players.player.name", player.get("name"), optional=False)
        stats = as_obj(P, "players.statistics[0]", (as_seq(P, "players.statistics", item.get("statistics"))
                                                      or [None])[0])
        games, goals = as_obj(P, "statistics.games", stats.get("games")), as_obj(P, "statistics.goals",
                                                                                   stats.get("goals"))
        shots, passes = as_obj(P, "statistics.shots", stats.get("shots")), as_obj(P, "statistics.passes",
                                                                                    stats.get("passes"))
        cards = as_obj(P, "statistics.cards", stats.get("cards"))
        position = as_code(P, "players.games.position", games.get("position"))
        if position is not None and position not in spec.LINEUP_POSITIONS:
            set_aside(problems, index, ParseError(P, "players.games.position", position, "unknown position"),
                      f"player {name!r}", item)
            continue
        out.append(PlayerMatchStatsRecord(
            side, name, minutes=as_int(P, "games.minutes", games.get("minutes")), position=position,
            shirt_number=as_int(P, "games.number", games.get("number")), substitute=games.get("substitute"),
            rating=as_float(P, "games.rating", games.get("rating")),
            goals=as_int(P, "goals.total", goals.get("total")),
            assists=as_int(P, "goals.assists", goals.get("assists")),
            shots=as_int(P, "shots.total", shots.get("total")), shots_on_target=as_int(P, "shots.on", shots.get("on")),
            key_passes=as_int(P, "passes.key", passes.get("key")),
            passes=as_int(P, "passes.total", passes.get("total")),
            yellow_cards=as_int(P, "cards.yellow", cards.get("yellow")),
            red_cards=as_int(P, "cards.red", cards.get("red")),
            attributes={"player_id": player.get("id")} if player.get("id") is not None else {}))
    return out


def _side_of(team_id: str, home_id: str, away_id: str, field: str) -> Side:
    if team_id == home_id:
        return Side.HOME
    if team_id == away_id:
        return Side.AWAY
    raise ParseError(P, field, team_id, "team is neither side of the fixture")


def fixture(raw: dict, refs: Refs, problems: list[RowProblem] | None = None) -> MatchRecord:
    """One fixture; an embedded event or statistic of an unknown code is set aside into ``problems`` (named)
    and the fixture loads without it."""
    info = as_dict(P, "fixture", raw.get("fixture"))
    comp, calendar = refs.competition(as_dict(P, "league", raw.get("league")))
    league = as_dict(P, "league", raw.get("league"))
    scope = team_scope(comp)
    teams = as_dict(P, "teams", raw.get("teams"))
    home, away = refs.team(teams.get("home"), scope, "teams.home"), refs.team(teams.get("away"), scope, "teams.away")
    status_raw = as_dict(P, "fixture.status", info.get("status"))
    status, period, finish = status_of(status_raw.get("short"))
    kickoff = utc_datetime(P, "fixture.date", info.get("date"))
    day = date.fromisoformat(info["date"][:10]) if isinstance(info.get("date"), str) else None
    goals = as_obj(P, "goals", raw.get("goals"))
    score = as_obj(P, "score", raw.get("score"))
    home_goals, away_goals = as_int(P, "goals.home", goals.get("home")), as_int(P, "goals.away", goals.get("away"))
    ht, ft, et, pens = _pair(score, "halftime"), _pair(score, "fulltime"), _pair(score, "extratime"), \
        _pair(score, "penalty")
    after_et = (None, None)
    if et[0] is not None and ft[0] is not None:
        after_et = (ft[0] + et[0], (ft[1] or 0) + (et[1] or 0))
    elif et[0] is not None and home_goals is not None:
        after_et = (home_goals, away_goals)
    stage, number = stage_and_round(league.get("round"))
    attributes: dict[str, Any] = {}
    if after_et[0] is not None and ft[0] is not None:
        attributes["ft_90"] = list(ft)
    if status_raw.get("extra") is not None:
        attributes["added_time"] = status_raw.get("extra")
    home_id, away_id = home.source_key or "", away.source_key or ""
    events, shootout = [], []
    for index, item in enumerate(as_seq(P, "events", raw.get("events")), start=1):
        item = as_dict(P, "events[]", item)
        try:
            team_id, ev, kick = event(item)
        except ParseError as exc:
            minute = as_obj(P, "events.time", item.get("time")).get("elapsed")
            set_aside(problems, index, exc, f"event {index} ({item.get('type')!r} {item.get('detail')!r}, "
                                            f"minute {minute})", item)
            continue
        side = _side_of(team_id, home_id, away_id, "events.team.id")
        if ev is not None:
            events.append(MatchEventRecord(ev.type, side, ev.minute, ev.added_minute, ev.player_name))
        elif kick is not None:
            shootout.append({**kick, "team": side.value})
    if shootout:  # listed last kick first in the recorded answers; kept in kick order
        attributes["shootout"] = sorted(shootout, key=lambda k: k["kick"] or 0)
    lineups, formations = [], []
    for item in as_seq(P, "lineups", raw.get("lineups")):
        item = as_dict(P, "lineups[]", item)
        team_id = str(as_obj(P, "lineups.team", item.get("team")).get("id"))
        side = _side_of(team_id, home_id, away_id, "lineups.team.id")
        lineups.extend(lineup(item, side, problems))
        shape = formation(item, side)
        if shape is not None:
            formations.append(shape)
    stats = tuple(team_stats(as_seq(P, "statistics.statistics", item.get("statistics")),
                             _side_of(str(as_obj(P, "statistics.team", item.get("team")).get("id")), home_id,
                                      away_id, "statistics.team.id"), problems)
                  for item in (as_dict(P, "statistics[]", x) for x in as_seq(P, "statistics", raw.get("statistics"))))
    players = [p for item in (as_dict(P, "players[]", x) for x in as_seq(P, "players", raw.get("players")))
               for p in player_stats(item, _side_of(str(as_obj(P, "players.team", item.get("team")).get("id")),
                                                    home_id, away_id, "players.team.id"), problems)]
    live = status in (MatchStatus.LIVE, MatchStatus.HALFTIME)
    venue = as_obj(P, "fixture.venue", info.get("venue")).get("name")
    return MatchRecord(
        competition=comp, season=season_label(league.get("season"), calendar), home=home, away=away,
        match_date=day, kickoff_utc=kickoff, status=status, stage=stage, round=league.get("round"),
        round_number=number, home_goals=home_goals, away_goals=away_goals, home_goals_ht=ht[0],
        away_goals_ht=ht[1], home_goals_et=after_et[0], away_goals_et=after_et[1], home_penalties=pens[0],
        away_penalties=pens[1], finish=finish, period=period,
        minute=as_int(P, "fixture.status.elapsed", status_raw.get("elapsed")) if live else None,
        venue=venue, referee=as_text(P, "fixture.referee", info.get("referee")),
        neutral=comp.kind == "international", events=tuple(events), stats=stats, lineups=tuple(lineups),
        attributes=attributes, source_key=str(as_int(P, "fixture.id", info.get("id"), optional=False)),
        player_stats=tuple(players), formations=tuple(formations),
    )


def parse_fixtures(response: list) -> ParseResult:
    """``GET /fixtures`` in any form (by league and season, date, ``live=all``, ``ids=`` with embedded parts).

    A fixture that cannot be read is reported (with the fixture id and the field), the others still load."""
    refs = Refs()
    result = ParseResult()
    for index, raw in enumerate(response, start=1):
        result.rows_read += 1
        try:
            problems: list[RowProblem] = []
            match = fixture(as_dict(P, "response[]", raw), refs, problems)
            result.matches.append(match)
            fixture_id = raw["fixture"].get("id")
            result.problems.extend(RowProblem(index, p.field, f"fixture {fixture_id}: {p.reason}", p.raw)
                                   for p in problems)
            teams = raw.get("teams") or {}
            result.teams.extend(t for t in (crest(teams.get("home"), match.home), crest(teams.get("away"), match.away))
                                if t is not None)
        except ParseError as exc:
            info = raw.get("fixture") if isinstance(raw, dict) else None
            fixture_id = info.get("id") if isinstance(info, dict) else None
            result.problems.append(RowProblem(index, exc.field, f"fixture {fixture_id}: {exc}",
                                              json.dumps(raw, ensure_ascii=False)[:2000]))
    return result
