"""API-Football v3 reference endpoints the collector design's jobs use: ``/countries``, ``/venues``,
``/players`` (by league and season, paged), ``/players/squads``, ``/injuries``, ``/fixtures/rounds`` and
``/status``. Pure.

Countries, venues, squad members and injuries become canonical records the store keeps (``store/reference_writes``);
round names and the account's status stay ``ReferenceRecord``s (counted for coverage; ``/status`` is read for the
plan by ``status_reading``). Each item is checked field by field: a wrong shape names the field and value and costs
that item; an unknown code (a position, an injury type) costs the one record that carries it, counted by
``matchday status``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from matchday.domain.records import (
    CountryRecord,
    InjuryRecord,
    ParseResult,
    ReferenceRecord,
    RowProblem,
    SquadMemberRecord,
    TeamRef,
    VenueRecord,
)
from matchday.errors import ParseError, UnreadableFile
from matchday.sources.api_football import spec
from matchday.sources.api_football.parser import Refs, season_label, team_scope
from matchday.sources.provider import QuotaReading
from matchday.sources.providerkit import as_code, as_dict, as_int, as_list, as_obj, as_seq, as_text, utc_datetime

P = spec.PROVIDER
_MEASURE = re.compile(r"^(\d{2,3})(?:\s*(?:cm|kg))?$")


def _each(response: list, kind: str, read: Callable[[dict, Refs], list], into: Callable[[ParseResult], list]
          ) -> ParseResult:
    """The records of each item; an item that cannot be read is quarantined with its field, the others load."""
    result, refs = ParseResult(), Refs()
    target = into(result)
    for index, item in enumerate(response, start=1):
        result.rows_read += 1
        try:
            target.extend(read(as_dict(P, f"{kind}[]", item), refs))
        except ParseError as exc:
            result.problems.append(RowProblem(index, exc.field, f"{kind} {index}: {exc}", str(item)[:2000]))
    return result


def _measure(field: str, value: Any) -> int | None:
    """"188 cm" / "83 kg" (or a bare number) → 188 / 83."""
    text = as_text(P, field, value)
    if text is None:
        return None
    found = _MEASURE.match(text)
    if found is None:
        raise ParseError(P, field, value, "not a height or weight like '188 cm'")
    return int(found.group(1))


def _birth_date(value: Any) -> date | None:
    text = as_text(P, "player.birth.date", value)
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ParseError(P, "player.birth.date", value, "not a date") from None


def _position(field: str, value: Any) -> str | None:
    code = as_code(P, field, value)
    if code is None:
        return None
    if code not in spec.PLAYER_POSITIONS:
        raise ParseError(P, field, code, "unknown position")
    return spec.PLAYER_POSITIONS[code]


def _country(item: dict, _refs: Refs) -> list[CountryRecord]:
    return [CountryRecord(as_text(P, "countries.name", item.get("name"), optional=False) or "",
                          as_text(P, "countries.code", item.get("code")),
                          as_text(P, "countries.flag", item.get("flag")))]


def venue(item: dict, team: TeamRef | None = None) -> VenueRecord:
    """One ``/venues`` item, or the ``venue`` of a ``/teams`` item (then ``team`` plays there)."""
    return VenueRecord(str(as_int(P, "venues.id", item.get("id"), optional=False)),
                       as_text(P, "venues.name", item.get("name"), optional=False) or "",
                       as_text(P, "venues.address", item.get("address")), as_text(P, "venues.city", item.get("city")),
                       as_text(P, "venues.country", item.get("country")),
                       as_int(P, "venues.capacity", item.get("capacity")),
                       as_text(P, "venues.surface", item.get("surface")), as_text(P, "venues.image", item.get("image")),
                       team)


def _venue(item: dict, _refs: Refs) -> list[VenueRecord]:
    return [venue(item)]


def _player(item: dict, refs: Refs) -> list[SquadMemberRecord]:
    """One ``/players`` item: the player in each team his statistics name (one record per team and season)."""
    player = as_dict(P, "players.player", item.get("player"))
    key = str(as_int(P, "players.player.id", player.get("id"), optional=False))
    name = as_text(P, "players.player.name", player.get("name"), optional=False) or ""
    birth = as_obj(P, "players.player.birth", player.get("birth"))
    person = {"nationality": as_text(P, "players.player.nationality", player.get("nationality")),
              "birth_date": _birth_date(birth.get("date")),
              "height_cm": _measure("players.player.height", player.get("height")),
              "weight_kg": _measure("players.player.weight", player.get("weight")),
              "photo_url": as_text(P, "players.player.photo", player.get("photo"))}
    found: dict[tuple[str, str | None], SquadMemberRecord] = {}
    for stats in as_seq(P, "players.statistics", item.get("statistics")):
        stats = as_dict(P, "players.statistics[]", stats)
        league = as_obj(P, "players.statistics.league", stats.get("league"))
        comp, season = None, None
        if league.get("id") is not None:
            comp, calendar = refs.competition(league)
            season = season_label(league.get("season"), calendar) if league.get("season") is not None else None
        team = refs.team(stats.get("team"), team_scope(comp) if comp else None, "players.statistics.team")
        games = as_obj(P, "players.statistics.games", stats.get("games"))
        record = SquadMemberRecord(team, name, key, comp, season,
                                   _position("players.statistics.games.position", games.get("position")),
                                   as_int(P, "players.statistics.games.number", games.get("number")),
                                   as_int(P, "players.statistics.games.appearences", games.get("appearences")),
                                   **person)
        known = found.get((team.source_key or "", season))
        if known is None or (record.appearances or 0) > (known.appearances or 0):
            found[(team.source_key or "", season)] = record
    return list(found.values())


def _squad(item: dict, refs: Refs) -> list[SquadMemberRecord]:
    """One ``/players/squads`` item: a team and its current players."""
    team = refs.team(item.get("team"), None, "squads.team")
    members = []
    for player in as_seq(P, "squads.players", item.get("players")):
        player = as_dict(P, "squads.players[]", player)
        members.append(SquadMemberRecord(
            team, as_text(P, "squads.players.name", player.get("name"), optional=False) or "",
            str(as_int(P, "squads.players.id", player.get("id"), optional=False)),
            position=_position("squads.players.position", player.get("position")),
            shirt_number=as_int(P, "squads.players.number", player.get("number")),
            photo_url=as_text(P, "squads.players.photo", player.get("photo"))))
    return members


def _injury(item: dict, refs: Refs) -> list[InjuryRecord]:
    player = as_dict(P, "injuries.player", item.get("player"))
    fixture = as_dict(P, "injuries.fixture", item.get("fixture"))
    league = as_obj(P, "injuries.league", item.get("league"))
    comp, season = None, None
    if league.get("id") is not None:
        comp, calendar = refs.competition(league)
        season = season_label(league.get("season"), calendar) if league.get("season") is not None else None
    kind = as_code(P, "injuries.player.type", player.get("type"))
    if kind not in spec.INJURY_TYPES:
        raise ParseError(P, "injuries.player.type", kind, "unknown injury type")
    return [InjuryRecord(refs.team(item.get("team"), team_scope(comp) if comp else None, "injuries.team"),
                         as_text(P, "injuries.player.name", player.get("name"), optional=False) or "",
                         str(as_int(P, "injuries.player.id", player.get("id"), optional=False)),
                         str(as_int(P, "injuries.fixture.id", fixture.get("id"), optional=False)),
                         spec.INJURY_TYPES[kind], as_text(P, "injuries.player.reason", player.get("reason")),
                         utc_datetime(P, "injuries.fixture.date", fixture.get("date")), comp, season)]

def parse_rounds(params: Mapping[str, str], response: list) -> ParseResult:
    """``GET /fixtures/rounds?league=&season=``: the season's round names ("Regular Season - 1" ...)."""
    result = ParseResult(rows_read=len(response))
    for index, name in enumerate(response, start=1):
        if not isinstance(name, str) or not name.strip():
            result.problems.append(RowProblem(index, "response[]", f"round {index}: {name!r} is not a round name",
                                              str(name)[:200]))
            continue
        result.references.append(ReferenceRecord("round", f"{params.get('league')}:{params.get('season')}:{name}",
                                                 name, {"league": params.get("league"),
                                                        "season": params.get("season"), "order": index}))
    return result


def parse_reference(endpoint: str, params: Mapping[str, str], response: Any) -> ParseResult:
    if endpoint == "status":
        reading = status_reading(response)
        return ParseResult(rows_read=1, references=[ReferenceRecord(
            "status", "account", "account", {"daily_limit": reading.daily_limit,
                                             "daily_remaining": reading.daily_remaining})])
    response = as_list(P, "response", response)
    if endpoint == "fixtures/rounds":
        return parse_rounds(params, response)
    readers: dict[str, tuple[Callable[[dict, Refs], list], Callable[[ParseResult], list]]] = {
        "countries": (_country, lambda r: r.countries), "venues": (_venue, lambda r: r.venues),
        "players": (_player, lambda r: r.squads), "players/squads": (_squad, lambda r: r.squads),
        "injuries": (_injury, lambda r: r.injuries)}
    if endpoint not in readers:
        raise UnreadableFile(endpoint, f"{P}: no parser for endpoint {endpoint!r}")
    return _each(response, endpoint, *readers[endpoint])


def status_reading(response: Any) -> QuotaReading:
    """``GET /status``'s ``response.requests {current, limit_day}``: the account's day as the provider counts it.

    (The answer's ``response`` is an object; with no subscription it is an empty list.)"""
    if isinstance(response, list) and not response:
        raise ParseError(P, "status.response", response, "no account behind this key")
    requests = as_dict(P, "status.response.requests", as_dict(P, "status.response", response).get("requests"))
    used = as_int(P, "status.response.requests.current", requests.get("current"), optional=False)
    limit = as_int(P, "status.response.requests.limit_day", requests.get("limit_day"), optional=False)
    return QuotaReading(daily_remaining=max(0, (limit or 0) - (used or 0)), daily_limit=limit)
