"""API-Football v3 reference endpoints the collector design's jobs use: ``/countries``, ``/venues``,
``/players`` (by league and season, paged), ``/injuries``, ``/fixtures/rounds`` and ``/status``. Pure.

Each answer becomes ``ReferenceRecord``s: checked field by field (a wrong shape names the field and value),
counted for coverage (``min_records``, ``min_players``), archived raw. Matchday's football store has no table
for countries, venues, squads or injuries yet, so they are not written to it; ``/status`` is read for the
account's plan (``status_reading``), and ``/fixtures/rounds`` for the round names of a season.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matchday.domain.records import ParseResult, ReferenceRecord, RowProblem
from matchday.errors import ParseError, UnreadableFile
from matchday.sources.api_football import spec
from matchday.sources.provider import QuotaReading
from matchday.sources.providerkit import as_dict, as_int, as_list, as_text, utc_datetime

P = spec.PROVIDER


def _each(response: list, kind: str, read: Any) -> ParseResult:
    """One record per item; an item that cannot be read is quarantined with its field, the others load."""
    result = ParseResult()
    for index, item in enumerate(response, start=1):
        result.rows_read += 1
        try:
            result.references.append(read(as_dict(P, f"{kind}[]", item)))
        except ParseError as exc:
            result.problems.append(RowProblem(index, exc.field, f"{kind} {index}: {exc}", str(item)[:2000]))
    return result


def _country(item: dict) -> ReferenceRecord:
    name = as_text(P, "countries.name", item.get("name"), optional=False) or ""
    return ReferenceRecord("country", name, name, {"code": as_text(P, "countries.code", item.get("code")),
                                                    "flag": as_text(P, "countries.flag", item.get("flag"))})


def _venue(item: dict) -> ReferenceRecord:
    venue_id = as_int(P, "venues.id", item.get("id"), optional=False)
    return ReferenceRecord("venue", str(venue_id), as_text(P, "venues.name", item.get("name"), optional=False) or "",
                           {"city": as_text(P, "venues.city", item.get("city")),
                            "country": as_text(P, "venues.country", item.get("country")),
                            "capacity": as_int(P, "venues.capacity", item.get("capacity")),
                            "surface": as_text(P, "venues.surface", item.get("surface"))})


def _player(item: dict) -> ReferenceRecord:
    player = as_dict(P, "players.player", item.get("player"))
    player_id = as_int(P, "players.player.id", player.get("id"), optional=False)
    teams = []
    for stats in as_list(P, "players.statistics", item.get("statistics") or []):
        stats = as_dict(P, "players.statistics[]", stats)
        team = as_dict(P, "players.statistics.team", stats.get("team") or {})
        league = as_dict(P, "players.statistics.league", stats.get("league") or {})
        games = as_dict(P, "players.statistics.games", stats.get("games") or {})
        teams.append({"team_id": as_int(P, "players.statistics.team.id", team.get("id")),
                      "team": as_text(P, "players.statistics.team.name", team.get("name")),
                      "league_id": as_int(P, "players.statistics.league.id", league.get("id")),
                      "appearances": as_int(P, "players.statistics.games.appearences", games.get("appearences")),
                      "position": as_text(P, "players.statistics.games.position", games.get("position"))})
    return ReferenceRecord("player", str(player_id),
                           as_text(P, "players.player.name", player.get("name"), optional=False) or "",
                           {"nationality": as_text(P, "players.player.nationality", player.get("nationality")),
                            "age": as_int(P, "players.player.age", player.get("age")), "teams": teams})


def _injury(item: dict) -> ReferenceRecord:
    player = as_dict(P, "injuries.player", item.get("player"))
    fixture = as_dict(P, "injuries.fixture", item.get("fixture") or {})
    team = as_dict(P, "injuries.team", item.get("team") or {})
    player_id = as_int(P, "injuries.player.id", player.get("id"), optional=False)
    fixture_id = as_int(P, "injuries.fixture.id", fixture.get("id"))
    return ReferenceRecord("injury", f"{player_id}@{fixture_id}",
                           as_text(P, "injuries.player.name", player.get("name"), optional=False) or "",
                           {"type": as_text(P, "injuries.player.type", player.get("type")),
                            "reason": as_text(P, "injuries.player.reason", player.get("reason")),
                            "team_id": as_int(P, "injuries.team.id", team.get("id")), "fixture_id": fixture_id,
                            "date": str(utc_datetime(P, "injuries.fixture.date", fixture.get("date")) or "")
                            or None})


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
    readers = {"countries": _country, "venues": _venue, "players": _player, "injuries": _injury}
    if endpoint not in readers:
        raise UnreadableFile(endpoint, f"{P}: no parser for endpoint {endpoint!r}")
    return _each(response, endpoint, readers[endpoint])


def status_reading(response: Any) -> QuotaReading:
    """``GET /status``'s ``response.requests {current, limit_day}``: the account's day as the provider counts it.

    (The answer's ``response`` is an object; with no subscription it is an empty list.)"""
    if isinstance(response, list) and not response:
        raise ParseError(P, "status.response", response, "no account behind this key")
    requests = as_dict(P, "status.response.requests", as_dict(P, "status.response", response).get("requests"))
    used = as_int(P, "status.response.requests.current", requests.get("current"), optional=False)
    limit = as_int(P, "status.response.requests.limit_day", requests.get("limit_day"), optional=False)
    return QuotaReading(daily_remaining=max(0, (limit or 0) - (used or 0)), daily_limit=limit)
