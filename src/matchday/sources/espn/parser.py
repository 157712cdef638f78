"""ESPN scoreboard and summary answers → canonical match records. Pure.

Competitor ``score`` is a string and counts extra time; ``shootoutScore`` (an integer) is the shoot-out. Only
scored shoot-out kicks are listed in ``details`` (with ``shootout: true``): they are not goals of the match and
are left out of the events. Clocks read ``"39'"`` or ``"90'+4'"``.
"""

from __future__ import annotations

import re
from typing import Any

from matchday.catalog import competition_info
from matchday.competition_register import lookup
from matchday.domain.records import (
    CompetitionRef,
    EventType,
    Finish,
    LineupEntry,
    MatchEventRecord,
    MatchRecord,
    MatchStatus,
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
from matchday.sources.espn import spec
from matchday.sources.international_results.spec import NATIONAL_TEAMS
from matchday.sources.providerkit import as_dict, as_float, as_int, as_list, as_text, set_aside, utc_datetime

P = spec.PROVIDER
_CLOCK = re.compile(r"^(\d+)'(?:\+(\d+)'?)?$")
_HEX = re.compile(r"^[0-9A-Fa-f]{6}$")


def competition(league: dict) -> tuple[CompetitionRef, bool]:
    slug = as_text(P, "league.slug", league.get("slug"), optional=False) or ""
    known = lookup(P, slug)
    code, country, kind = (known.code, known.country, known.kind) if known else (f"{P}.{slug}", None, "league")
    info = competition_info(code)
    calendar = info.calendar_year if info else kind != "league"
    return CompetitionRef(code, as_text(P, "league.name", league.get("name")) or slug, country, kind, slug,
                          calendar), calendar


def competition_by_id(league_id: str) -> tuple[CompetitionRef, bool]:
    """A competition known only by ESPN's numeric league id (an all-leagues scoreboard's event uid): the
    register's entry, else ``espn.<id>``."""
    known = lookup("espn-league-id", league_id)
    if known is None:
        return CompetitionRef(f"{P}.{league_id}", f"ESPN league {league_id}", None, "league", league_id,
                              False), False
    info = competition_info(known.code)
    calendar = info.calendar_year if info else known.kind != "league"
    slug = known.ids.get(P, league_id)
    return CompetitionRef(known.code, known.name, known.country, known.kind, slug, calendar), calendar


def team_scope(comp: CompetitionRef) -> str | None:
    return NATIONAL_TEAMS if comp.kind == "international" else comp.country


def season_label(season: Any, calendar: bool) -> str:
    year = as_int(P, "season.year", as_dict(P, "season", season).get("year"), optional=False)
    return normalise_season(str(year), calendar_year=calendar)


def clock(value: Any) -> tuple[int | None, int | None]:
    if value is None or value == "":
        return None, None
    found = _CLOCK.match(str(value).strip())
    if not found:
        raise ParseError(P, "clock.displayValue", value, "not a match clock")
    return int(found.group(1)), int(found.group(2)) if found.group(2) else None


def status_of(status: Any) -> tuple[MatchStatus, Any, Finish | None, int | None]:
    """(status, period, finish, minute) of an ESPN ``status`` object."""
    status = as_dict(P, "status", status)
    name = as_dict(P, "status.type", status.get("type")).get("name")
    if name not in spec.STATUSES:
        raise ParseError(P, "status.type.name", name, "unknown status")
    state, period, finish = spec.STATUSES[name]
    if name == "STATUS_IN_PROGRESS":
        period = spec.PERIODS.get(as_int(P, "status.period", status.get("period")) or 1)
    minute = None
    if state is MatchStatus.LIVE:
        minute = clock(status.get("displayClock"))[0]
    elif state is MatchStatus.HALFTIME:
        minute = 45 if name == "STATUS_HALFTIME" else 90 if name == "STATUS_END_OF_REGULATION" else 105
    return state, period, finish, minute


def event_type(type_id: Any, field: str) -> EventType | None:
    if str(type_id) not in spec.EVENTS:
        raise ParseError(P, field, type_id, "unknown event type")
    return spec.EVENTS[str(type_id)]


def team_stats(items: list, side: Side, problems: list[RowProblem] | None = None) -> TeamStatsRecord:
    values: dict[str, Any] = {}
    for index, item in enumerate(items, start=1):
        item = as_dict(P, "statistics[]", item)
        name = item.get("name")
        if name not in spec.TEAM_STATS:
            set_aside(problems, index, ParseError(P, "statistics.name", name, "unknown statistic"),
                      f"{side.value} statistic {name!r}", item)
            continue
        target = spec.TEAM_STATS[name]
        if target:
            number = as_float(P, f"statistics.{name}", item.get("displayValue"))
            values[target] = number if target == "possession" or number is None else int(number)
    return TeamStatsRecord(side, **values)


def team_profile(raw: dict, ref: TeamRef) -> TeamRecord | None:
    """A competitor's short name, abbreviation, logo URL (linked, not copied) and shirt colours."""
    logos = [x.get("href") for x in raw.get("logos") or []
             if isinstance(x, dict) and "dark" not in (x.get("rel") or [])]
    colours = tuple(f"#{c.lower()}" for c in (as_text(P, "team.color", raw.get("color")),
                                             as_text(P, "team.alternateColor", raw.get("alternateColor")))
                    if c and _HEX.match(c))
    profile = TeamProfile(short_name=as_text(P, "team.shortDisplayName", raw.get("shortDisplayName")),
                          code=as_text(P, "team.abbreviation", raw.get("abbreviation")),
                          crest_url=as_text(P, "team.logo", raw.get("logo") or (logos[0] if logos else None)),
                          colours=colours)
    return None if profile.is_empty() else TeamRecord(ref, profile.code, False, {}, profile)


def team_profiles(comp_raw: dict, record: MatchRecord) -> list[TeamRecord]:
    refs = {record.home.source_key: record.home, record.away.source_key: record.away}
    found = []
    for item in comp_raw.get("competitors") or []:
        team = (item or {}).get("team") or {}
        ref = refs.get(str(team.get("id")))
        profile = team_profile(team, ref) if ref is not None else None
        if profile is not None:
            found.append(profile)
    return found


def _competitors(raw: list, refs: dict, scope: str | None) -> dict[Side, dict]:
    sides: dict[Side, dict] = {}
    for item in raw:
        where = item.get("homeAway")
        if where not in ("home", "away"):
            raise ParseError(P, "competitors.homeAway", where, "neither home nor away")
        team = as_dict(P, "competitors.team", item.get("team"))
        team_id = as_text(P, "team.id", team.get("id"), optional=False) or ""
        if (team_id, scope) not in refs:
            name = as_text(P, "team.displayName", team.get("displayName") or team.get("name"), optional=False)
            refs[(team_id, scope)] = TeamRef(name or "", scope, team_id)
        sides[Side(where)] = {**item, "_ref": refs[(team_id, scope)], "_id": team_id}
    if set(sides) != {Side.HOME, Side.AWAY}:
        raise ParseError(P, "competitors", len(raw), "expected a home and an away team")
    return sides


def events_of(details: list, side_of: dict[str, Side], field: str,
              problems: list[RowProblem] | None = None) -> tuple[MatchEventRecord, ...]:
    """The match events; one whose type is not in the vocabulary is set aside (named) when ``problems`` is
    given, and the others load."""
    events = []
    for index, item in enumerate(details, start=1):
        item = as_dict(P, f"{field}[]", item)
        kind_raw = as_dict(P, f"{field}.type", item.get("type"))
        try:
            kind = event_type(kind_raw.get("id"), f"{field}.type.id")
        except ParseError as exc:
            clock_text = (item.get("clock") or {}).get("displayValue") if isinstance(item.get("clock"), dict) else None
            set_aside(problems, index, exc, f"{field} event {item.get('id') or index} ({kind_raw.get('text')!r}"
                                            f"{', ' + str(clock_text) if clock_text else ''})", item)
            continue
        if kind is None or item.get("shootout"):
            continue
        team_id = str((item.get("team") or {}).get("id"))
        if team_id not in side_of:
            raise ParseError(P, f"{field}.team.id", team_id, "team is neither side of the match")
        minute, added = clock((item.get("clock") or {}).get("displayValue"))
        people = [a.get("displayName") for a in item.get("athletesInvolved") or []] or \
            [(p.get("athlete") or {}).get("displayName") for p in item.get("participants") or []]
        people = [p for p in people if p]
        player = (f"{people[0]} for {people[1]}" if kind is EventType.SUBSTITUTION and len(people) > 1 else
                  people[0] if people else None)
        events.append(MatchEventRecord(kind, side_of[team_id], minute, added, player))
    return tuple(events)


def _score(item: dict) -> int | None:
    return as_int(P, "competitors.score", item.get("score"))


def match_from_competition(event: dict, comp_raw: dict, comp: CompetitionRef, season: str, refs: dict,
                           status_raw: Any, problems: list[RowProblem] | None = None) -> MatchRecord:
    sides = _competitors(as_list(P, "competitors", comp_raw.get("competitors") or []), refs, team_scope(comp))
    status, period, finish, minute = status_of(status_raw)
    home, away = sides[Side.HOME], sides[Side.AWAY]
    side_of = {home["_id"]: Side.HOME, away["_id"]: Side.AWAY}
    kickoff = utc_datetime(P, "date", comp_raw.get("date") or event.get("date"))
    counted = status is not MatchStatus.SCHEDULED and status is not MatchStatus.POSTPONED
    goals = (_score(home), _score(away)) if counted else (None, None)
    pens = (as_int(P, "shootoutScore", home.get("shootoutScore")),
            as_int(P, "shootoutScore", away.get("shootoutScore"))) if finish is Finish.PENALTIES or \
        period is not None and period.value == "penalties" else (None, None)
    halves = [as_int(P, "linescores", (x or {}).get("displayValue")) for x in home.get("linescores") or []], \
        [as_int(P, "linescores", (x or {}).get("displayValue")) for x in away.get("linescores") or []]
    ht = (halves[0][0], halves[1][0]) if halves[0] and halves[1] else (None, None)
    after_et = goals if finish in (Finish.AET, Finish.PENALTIES) else (None, None)
    stats = tuple(team_stats(as_list(P, "statistics", c.get("statistics") or []), side, problems)
                  for side, c in sides.items() if c.get("statistics"))
    venue = (comp_raw.get("venue") or event.get("venue") or {}).get("fullName")
    stage_slug = (event.get("season") or {}).get("slug")
    stage = "regular" if not stage_slug or comp.kind == "league" else \
        spec.STAGES.get(stage_slug) or str(stage_slug).replace("-", " ").capitalize()
    group = next((n.get("headline") for n in comp_raw.get("notes") or [] if str(n.get("headline", "")).startswith(
        "Group ")), None)
    if stage == "Group stage" and group:
        stage = group.split(" - ")[0]
    return MatchRecord(
        competition=comp, season=season, home=home["_ref"], away=away["_ref"],
        match_date=kickoff.date() if kickoff else None, kickoff_utc=kickoff, status=status, stage=stage,
        home_goals=goals[0], away_goals=goals[1], home_goals_ht=ht[0], away_goals_ht=ht[1],
        home_goals_et=after_et[0], away_goals_et=after_et[1], home_penalties=pens[0], away_penalties=pens[1],
        finish=finish, period=period, minute=minute, venue=venue,
        attendance=as_int(P, "attendance", comp_raw.get("attendance")) or None,
        neutral=bool(comp_raw.get("neutralSite")) or comp.kind == "international",
        events=events_of(as_list(P, "details", comp_raw.get("details") or []), side_of, "details", problems),
        stats=stats,
        source_key=as_text(P, "event.id", event.get("id"), optional=False),
    )


def lineups_and_players(rosters: list, side_of: dict[str, Side],
                        problems: list[RowProblem] | None = None) -> tuple[list, list]:
    lineups, players = [], []
    for roster in rosters:
        roster = as_dict(P, "rosters[]", roster)
        team_id = str((roster.get("team") or {}).get("id"))
        if team_id not in side_of:
            raise ParseError(P, "rosters.team.id", team_id, "team is neither side of the match")
        side = side_of[team_id]
        for index, item in enumerate(as_list(P, "rosters.roster", roster.get("roster") or []), start=1):
            item = as_dict(P, "rosters.roster[]", item)
            name = as_text(P, "athlete.displayName", as_dict(P, "athlete", item.get("athlete") or {})
                           .get("displayName"), optional=False)
            abbreviation = as_dict(P, "roster.position", item.get("position") or {}).get("abbreviation")
            if abbreviation not in spec.POSITIONS:
                set_aside(problems, index, ParseError(P, "roster.position", abbreviation, "unknown position"),
                          f"{side.value} roster entry {name!r}", item)
                continue
            number = as_int(P, "roster.jersey", item.get("jersey"))
            starter = bool(item.get("starter"))
            lineups.append(LineupEntry(side, name or "", starter, spec.POSITIONS[abbreviation], number))
            stats = {s.get("name"): s.get("value") for s in item.get("stats") or []}
            if stats.get("appearances"):
                players.append(PlayerMatchStatsRecord(
                    side, name or "", position=spec.POSITIONS[abbreviation], shirt_number=number,
                    substitute=not starter, goals=as_int(P, "stats.totalGoals", stats.get("totalGoals")),
                    assists=as_int(P, "stats.goalAssists", stats.get("goalAssists")),
                    shots=as_int(P, "stats.totalShots", stats.get("totalShots")),
                    shots_on_target=as_int(P, "stats.shotsOnTarget", stats.get("shotsOnTarget")),
                    yellow_cards=as_int(P, "stats.yellowCards", stats.get("yellowCards")),
                    red_cards=as_int(P, "stats.redCards", stats.get("redCards"))))
    return lineups, players
