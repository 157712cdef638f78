"""API-Football v3 endpoints about one fixture (events, lineups, statistics, players, odds) and about a
competition (standings, top scorers, teams, leagues). Pure.

The per-fixture endpoints name the match only by ``fixture=<id>`` and each team by its id, so they become
``MatchDetailRecord``s the store attaches to the match it already knows by that id. A filtered request
(``type=Goal``, ``team=33``, ``type=startxi``) is marked ``partial``: it fills gaps, never replaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matchday.domain.records import (
    CompetitionRecord,
    MatchDetailRecord,
    OddsQuoteRecord,
    ParseResult,
    PublishedStandingRecord,
    ScorerRecord,
    Side,
    TeamPart,
    TeamProfile,
    TeamRecord,
    TeamRef,
)
from matchday.errors import ParseError
from matchday.sources.api_football import spec
from matchday.sources.api_football.parser import (
    Refs,
    competition_for,
    event,
    formation,
    lineup,
    player_stats,
    season_label,
    team_scope,
    team_stats,
)
from matchday.sources.providerkit import (
    as_dict,
    as_float,
    as_int,
    as_list,
    as_obj,
    as_seq,
    as_text,
    set_aside,
    utc_datetime,
)

P = spec.PROVIDER
FILTERS = {"fixtures/events": ("team", "player", "type"), "fixtures/lineups": ("team", "player", "type"),
           "fixtures/statistics": ("team", "type", "half"), "fixtures/players": ("team",)}


def _fixture_key(params: Mapping[str, str]) -> str:
    key = params.get("fixture")
    if not key:
        raise ParseError(P, "parameters.fixture", key, "a per-fixture answer without its fixture id")
    return str(key)


def _team(raw: Any, field: str) -> tuple[str, str]:
    team = as_dict(P, field, raw)
    return str(as_int(P, f"{field}.id", team.get("id"), optional=False)), \
        as_text(P, f"{field}.name", team.get("name"), optional=False) or ""


def parse_fixture_part(endpoint: str, params: Mapping[str, str], response: list) -> ParseResult:
    key = _fixture_key(params)
    partial = any(params.get(name) for name in FILTERS[endpoint])
    result = ParseResult(rows_read=len(response))
    problems = result.problems  # an item of an unknown code is set aside (named): the answer is then partial
    if endpoint == "fixtures/events":
        events = []
        for index, item in enumerate(response, start=1):
            item = as_dict(P, "response[]", item)
            try:
                team_id, ev, _kick = event(item)
            except ParseError as exc:
                set_aside(problems, index, exc, f"event {index} ({item.get('type')!r} {item.get('detail')!r})", item)
                continue
            if ev is not None:
                events.append((team_id, ev))
        detail = MatchDetailRecord(key, events=tuple(events), kinds=frozenset({"events"}),
                                   partial=partial or bool(problems))
    else:
        parts, kind = [], {"fixtures/lineups": "lineups", "fixtures/statistics": "stats",
                           "fixtures/players": "player_stats"}[endpoint]
        for item in response:
            item = as_dict(P, "response[]", item)
            team_id, team_name = _team(item.get("team"), "team")
            if kind == "lineups":
                part = TeamPart(team_id, team_name, lineup=tuple(lineup(item, Side.HOME, problems)),
                                formation=formation(item, Side.HOME))
            elif kind == "stats":
                part = TeamPart(team_id, team_name, stats=team_stats(
                    as_list(P, "statistics", item.get("statistics") or []), Side.HOME, problems))
            else:
                part = TeamPart(team_id, team_name, player_stats=tuple(player_stats(item, Side.HOME, problems)))
            parts.append(part)
        detail = MatchDetailRecord(key, parts=tuple(parts), kinds=frozenset({kind}),
                                   partial=partial or bool(problems))
    result.details.append(detail)
    return result


def parse_odds(response: list) -> ParseResult:
    """``GET /odds``: pre-match prices per fixture and bookmaker (1x2 and over/under 2.5 are kept)."""
    result = ParseResult(rows_read=len(response))
    for item in response:
        item = as_dict(P, "response[]", item)
        key = str(as_int(P, "fixture.id", as_dict(P, "fixture", item.get("fixture")).get("id"), optional=False))
        quotes = []
        for bookmaker in as_list(P, "bookmakers", item.get("bookmakers") or []):
            name = as_text(P, "bookmakers.name", bookmaker.get("name"), optional=False) or ""
            for bet in as_list(P, "bookmakers.bets", bookmaker.get("bets") or []):
                market = spec.ODDS_MARKETS.get(bet.get("name"))
                if market is None:
                    continue  # other markets (correct score, scorers ...) are not kept
                values = {str(v.get("value")): as_float(P, "bets.values.odd", v.get("odd"))
                          for v in as_list(P, "bets.values", bet.get("values") or [])}
                if market == "1x2":
                    quotes.append(OddsQuoteRecord(name, market, False, price_home=values.get("Home"),
                                                  price_draw=values.get("Draw"), price_away=values.get("Away")))
                elif "Over 2.5" in values:
                    quotes.append(OddsQuoteRecord(name, market, False, 2.5, price_over=values.get("Over 2.5"),
                                                  price_under=values.get("Under 2.5")))
        result.details.append(MatchDetailRecord(key, odds=tuple(quotes), kinds=frozenset({"odds"})))
    return result


def parse_standings(response: list) -> ParseResult:
    """``GET /standings``: one table per group (a league has one group)."""
    result = ParseResult()
    refs = Refs()
    for item in response:
        league = as_dict(P, "league", as_dict(P, "response[]", item).get("league"))
        comp, calendar = refs.competition(league)
        season = season_label(league.get("season"), calendar)
        groups = as_list(P, "league.standings", league.get("standings") or [])
        for group in groups:
            for row in as_list(P, "league.standings[]", group):
                result.rows_read += 1
                row = as_dict(P, "standings.row", row)
                total = as_dict(P, "standings.all", row.get("all") or {})
                goals = as_obj(P, "standings.all.goals", total.get("goals"))
                label = as_text(P, "standings.group", row.get("group"))
                result.standings.append(PublishedStandingRecord(
                    comp, season, label if len(groups) > 1 else None,
                    as_int(P, "standings.rank", row.get("rank"), optional=False) or 0,
                    refs.team(row.get("team"), team_scope(comp), "standings.team"),
                    played=as_int(P, "all.played", total.get("played")), won=as_int(P, "all.win", total.get("win")),
                    drawn=as_int(P, "all.draw", total.get("draw")), lost=as_int(P, "all.lose", total.get("lose")),
                    goals_for=as_int(P, "all.goals.for", goals.get("for")),
                    goals_against=as_int(P, "all.goals.against", goals.get("against")),
                    goal_difference=as_int(P, "standings.goalsDiff", row.get("goalsDiff")),
                    points=as_int(P, "standings.points", row.get("points")),
                    form=as_text(P, "standings.form", row.get("form")),
                    description=as_text(P, "standings.description", row.get("description")),
                    updated_at=utc_datetime(P, "standings.update", row.get("update"))))
    return result


def parse_topscorers(response: list) -> ParseResult:
    result = ParseResult()
    refs = Refs()
    for rank, item in enumerate(response, start=1):
        result.rows_read += 1
        item = as_dict(P, "response[]", item)
        player = as_dict(P, "player", item.get("player"))
        stats = as_dict(P, "statistics[0]", (as_list(P, "statistics", item.get("statistics") or [None]))[0])
        league = as_dict(P, "statistics.league", stats.get("league"))
        comp, calendar = refs.competition(league)
        goals, games = as_obj(P, "statistics.goals", stats.get("goals")), as_obj(P, "statistics.games",
                                                                                   stats.get("games"))
        penalty = as_obj(P, "statistics.penalty", stats.get("penalty"))
        result.scorers.append(ScorerRecord(
            comp, season_label(league.get("season"), calendar), rank,
            as_text(P, "player.name", player.get("name"), optional=False) or "",
            refs.team(stats.get("team"), team_scope(comp), "statistics.team"),
            as_int(P, "goals.total", goals.get("total")) or 0, as_int(P, "goals.assists", goals.get("assists")),
            as_int(P, "penalty.scored", penalty.get("scored")),
            as_int(P, "games.appearences", games.get("appearences")),
            as_int(P, "games.minutes", games.get("minutes")), str(player.get("id")) if player.get("id") else None))
    return result


def parse_teams(response: list) -> ParseResult:
    """``GET /teams``: clubs and national teams, scoped by their country (national teams together)."""
    from matchday.sources.international_results.spec import NATIONAL_TEAMS

    result = ParseResult(rows_read=len(response))
    for item in response:
        team = as_dict(P, "team", as_dict(P, "response[]", item).get("team"))
        national = bool(team.get("national"))
        country = as_text(P, "team.country", team.get("country"))
        scope = NATIONAL_TEAMS if national else (None if country in (None, "World") else
                                                 spec.COUNTRIES.get(country, country))
        name = as_text(P, "team.name", team.get("name"), optional=False) or ""
        key = str(as_int(P, "team.id", team.get("id"), optional=False))
        venue = as_obj(P, "venue", item.get("venue"))
        attributes = {k: v for k, v in (("founded", team.get("founded")), ("logo", team.get("logo")),
                                        ("venue", venue.get("name")), ("city", venue.get("city")),
                                        ("capacity", venue.get("capacity"))) if v is not None}
        profile = TeamProfile(code=as_text(P, "team.code", team.get("code")),
                              crest_url=as_text(P, "team.logo", team.get("logo")),
                              founded=as_int(P, "team.founded", team.get("founded")),
                              stadium=as_text(P, "venue.name", venue.get("name")),
                              capacity=as_int(P, "venue.capacity", venue.get("capacity")),
                              city=as_text(P, "venue.city", venue.get("city")))
        ref = TeamRef(name, scope, key)
        result.teams.append(TeamRecord(ref, as_text(P, "team.code", team.get("code")),
                                       national, attributes, None if profile.is_empty() else profile))
        if venue.get("id") is not None:  # the ground it plays at, kept as a venue of its own
            from matchday.sources.api_football.reference import venue as venue_record

            result.venues.append(venue_record(venue, ref))
    return result


def parse_leagues(response: list) -> ParseResult:
    """``GET /leagues``: competitions with their seasons and what the provider covers in each."""
    result = ParseResult(rows_read=len(response))
    for item in response:
        item = as_dict(P, "response[]", item)
        league = dict(as_dict(P, "league", item.get("league")))
        league.setdefault("country", as_obj(P, "country", item.get("country")).get("name"))
        comp, calendar = competition_for(league)
        seasons, coverage = [], {}
        for season in as_seq(P, "seasons", item.get("seasons")):
            season = as_dict(P, "seasons[]", season)
            label = season_label(season.get("year"), calendar)
            seasons.append(label)
            coverage[label] = {"start": season.get("start"), "end": season.get("end"),
                               "current": season.get("current"), "coverage": season.get("coverage")}
        result.competitions.append(CompetitionRecord(comp, tuple(seasons), {"seasons": coverage}))
    return result
