"""Understat: league, team and match pages (HTML with embedded JSON) → matches with xG, shots with x/y/xG,
player figures with xG/xA, season player xG (as published top scorers).

Pages embed data as ``var name = JSON.parse('<\\xNN-escaped JSON>')``; nearly every number is a JSON string.
Dates are UTC. Understat moved to AJAX endpoints in late 2025; no capture of those exists, so only the page form
is parsed (an unrecognised page is an error, not an empty result).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from matchday.competition_register import lookup
from matchday.domain.records import (
    CompetitionRef,
    Finish,
    MatchRecord,
    MatchStatus,
    ParseResult,
    PlayerMatchStatsRecord,
    RowProblem,
    ScorerRecord,
    ShotRecord,
    Side,
    TeamRef,
    TeamStatsRecord,
)
from matchday.domain.seasons import split_season
from matchday.errors import ParseError, UnreadableFile
from matchday.sources.provider import ProviderInfo, QuotaReading
from matchday.sources.providerkit import (
    ProviderSource,
    as_code,
    as_dict,
    as_float,
    as_int,
    as_obj,
    as_seq,
    as_text,
    name_hints,
    set_aside,
    shape_checked,
)
from matchday.sources.understat import spec

P = spec.PROVIDER
_EMBEDDED = re.compile(r"(?:var\s+)?(\w+)\s*=\s*JSON\.parse\('([^']*)'\)")
INFO = ProviderInfo(name=P, description="Understat pages: matches with xG, shots with x/y/xG, player xG",
                    base_url_setting="understat_base_url", scraped=True, endpoints=spec.ENDPOINTS)


def embedded(page: bytes, location: str = "page") -> dict[str, Any]:
    """Every ``JSON.parse('...')`` literal of a page, by variable name."""
    try:
        text = page.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(location, f"{P}: not UTF-8: {exc}") from None
    found = {}
    for name, literal in _EMBEDDED.findall(text):
        try:
            found[name] = json.loads(codecs.decode(literal, "unicode_escape"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise UnreadableFile(location, f"{P}: {name} is not JSON: {exc}") from None
    return found


def competition(league: str) -> CompetitionRef:
    known = lookup(P, league)
    if known is None:
        raise ParseError(P, "league", league, "unknown league")
    return CompetitionRef(known.code, league.replace("_", " "), known.country, "league", league)


def _season(value: Any) -> str:
    return split_season(as_int(P, "season", value, optional=False) or 0)


def _when(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise ParseError(P, "datetime", value, "not a date-time") from None


class _Teams:
    def __init__(self, country: str) -> None:
        self.country, self.refs = country, {}

    def __call__(self, team_id: Any, title: Any) -> TeamRef:
        key = str(team_id)
        if key not in self.refs:
            self.refs[key] = TeamRef(as_text(P, "team.title", title, optional=False) or "", self.country, key)
        return self.refs[key]


def _dated_match(raw: dict, comp: CompetitionRef, season: str, teams: _Teams) -> MatchRecord:
    home, away = as_dict(P, "h", raw.get("h")), as_dict(P, "a", raw.get("a"))
    played = raw.get("isResult") is True
    goals, xg = raw.get("goals") or {}, raw.get("xG") or {}
    when = _when(raw.get("datetime"))
    stats = tuple(TeamStatsRecord(side, expected_goals=as_float(P, "xG", xg.get(k)))
                  for side, k in ((Side.HOME, "h"), (Side.AWAY, "a"))) if played else ()
    return MatchRecord(
        competition=comp, season=season, home=teams(home.get("id"), home.get("title")),
        away=teams(away.get("id"), away.get("title")), match_date=when.date(), kickoff_utc=when,
        status=MatchStatus.FINISHED if played else MatchStatus.SCHEDULED,
        home_goals=as_int(P, "goals.h", goals.get("h")) if played else None,
        away_goals=as_int(P, "goals.a", goals.get("a")) if played else None,
        finish=Finish.REGULAR if played else None, stats=stats,
        source_key=as_text(P, "id", raw.get("id"), optional=False),
        attributes={"forecast": raw["forecast"]} if played and raw.get("forecast") else {},
    )


def parse_league(data: dict[str, Any], league: str, season: str | None) -> ParseResult:
    """``datesData`` → matches (xG per side), ``playersData`` → the season's players as published scorers."""
    comp = competition(league)
    dates = data.get("datesData")
    if not isinstance(dates, list):
        raise UnreadableFile("page", f"{P}: a league or team page without datesData")
    teams, result = _Teams(comp.country or ""), ParseResult()
    label = season or _season(str(_when(dates[0]["datetime"]).year - (_when(dates[0]["datetime"]).month < 7)))
    for index, raw in enumerate(dates, start=1):
        result.rows_read += 1
        try:
            result.matches.append(_dated_match(as_dict(P, "datesData[]", raw), comp, label, teams))
        except ParseError as exc:
            result.problems.append(RowProblem(index, exc.field, f"match {raw.get('id')}: {exc}", json.dumps(raw)))
    if "teamsData" in data:  # a league page: its players are the league's (a team page's are one team's)
        for rank, player in enumerate(data.get("playersData") or [], start=1):
            # a player who moved mid-season is listed as "Team A,Team B": credited to the last one
            team_title = str(player.get("team_title", "")).split(",")[-1]
            team_ref = next((t for t in teams.refs.values() if t.name == team_title), None) or \
                TeamRef(team_title, comp.country, None)
            result.scorers.append(ScorerRecord(
                comp, label, rank, as_text(P, "player_name", player.get("player_name"), optional=False) or "",
                team_ref, as_int(P, "goals", player.get("goals")) or 0, as_int(P, "assists", player.get("assists")),
                None, as_int(P, "games", player.get("games")), as_int(P, "time", player.get("time")),
                str(player.get("id")), as_float(P, "xG", player.get("xG")), as_float(P, "xA", player.get("xA"))))
    return result


def _shot(raw: dict) -> ShotRecord:
    result, situation = as_code(P, "shot.result", raw.get("result")), as_code(P, "shot.situation",
                                                                                raw.get("situation"))
    kind = as_code(P, "shot.shotType", raw.get("shotType"))
    if result not in spec.SHOT_RESULTS:
        raise ParseError(P, "shot.result", result, "unknown shot result")
    if situation not in spec.SITUATIONS:
        raise ParseError(P, "shot.situation", situation, "unknown situation")
    if kind not in spec.SHOT_TYPES:
        raise ParseError(P, "shot.shotType", kind, "unknown shot type")
    h_a = as_code(P, "shot.h_a", raw.get("h_a"))
    side = Side.HOME if h_a == "h" else Side.AWAY if h_a == "a" else None
    if side is None:
        raise ParseError(P, "shot.h_a", h_a, "unknown side (neither h nor a)")
    return ShotRecord(side, as_int(P, "shot.minute", raw.get("minute")), as_text(P, "shot.player", raw.get("player")),
                      as_float(P, "shot.X", raw.get("X")), as_float(P, "shot.Y", raw.get("Y")),
                      as_float(P, "shot.xG", raw.get("xG")), spec.SHOT_RESULTS[result], spec.SITUATIONS[situation],
                      spec.SHOT_TYPES[kind], as_text(P, "shot.player_assisted", raw.get("player_assisted")))


def _roster(raw: dict, side: Side) -> PlayerMatchStatsRecord:
    position = as_code(P, "roster.position", raw.get("position"))
    if position not in spec.POSITIONS:
        raise ParseError(P, "roster.position", position, "unknown position")
    return PlayerMatchStatsRecord(
        side, as_text(P, "roster.player", raw.get("player"), optional=False) or "",
        minutes=as_int(P, "roster.time", raw.get("time")), position=spec.POSITIONS[position],
        substitute=position == "Sub", goals=as_int(P, "roster.goals", raw.get("goals")),
        assists=as_int(P, "roster.assists", raw.get("assists")), shots=as_int(P, "roster.shots", raw.get("shots")),
        expected_goals=as_float(P, "roster.xG", raw.get("xG")),
        expected_assists=as_float(P, "roster.xA", raw.get("xA")),
        key_passes=as_int(P, "roster.key_passes", raw.get("key_passes")),
        yellow_cards=as_int(P, "roster.yellow_card", raw.get("yellow_card")),
        red_cards=as_int(P, "roster.red_card", raw.get("red_card")),
        attributes={k: as_float(P, f"roster.{k}", raw.get(k)) for k in ("xGChain", "xGBuildup") if raw.get(k)})


def parse_match(data: dict[str, Any]) -> ParseResult:
    info = as_dict(P, "match_info", data.get("match_info"))
    comp = competition(str(info.get("league")))
    teams = _Teams(comp.country or "")
    when = _when(info.get("date"))
    shots = data.get("shotsData") or {}
    rosters = data.get("rostersData") or {}
    stats = tuple(TeamStatsRecord(side, shots=as_int(P, f"{k}_shot", info.get(f"{k}_shot")),
                                  shots_on_target=as_int(P, f"{k}_shotOnTarget", info.get(f"{k}_shotOnTarget")),
                                  expected_goals=as_float(P, f"{k}_xg", info.get(f"{k}_xg")))
                  for side, k in ((Side.HOME, "h"), (Side.AWAY, "a")))
    problems: list[RowProblem] = []
    found_shots, shot_items = [], 0
    for index, raw in enumerate((s for k in ("h", "a") for s in as_seq(P, f"shotsData.{k}", shots.get(k))), start=1):
        raw, shot_items = as_dict(P, "shotsData[]", raw), shot_items + 1
        try:  # a shot of an unknown code is set aside (named) and the rest of the match loads
            found_shots.append(_shot(raw))
        except ParseError as exc:
            set_aside(problems, index, exc, f"shot {raw.get('id') or index} ({raw.get('result')!r}, "
                                            f"minute {raw.get('minute')})", raw)
    all_shots = sorted(found_shots, key=lambda s: (s.minute or 0, s.side.value))
    players = []
    for side, k in ((Side.HOME, "h"), (Side.AWAY, "a")):
        for index, raw in enumerate(as_obj(P, f"rostersData.{k}", rosters.get(k)).values(), start=1):
            raw = as_dict(P, "rostersData[]", raw)
            try:
                players.append(_roster(raw, side))
            except ParseError as exc:
                set_aside(problems, index, exc, f"{side.value} player {raw.get('player')!r}", raw)
    record = MatchRecord(
        competition=comp, season=_season(info.get("season")), home=teams(info.get("h"), info.get("team_h")),
        away=teams(info.get("a"), info.get("team_a")), match_date=when.date(), kickoff_utc=when,
        status=MatchStatus.FINISHED, finish=Finish.REGULAR,
        home_goals=as_int(P, "h_goals", info.get("h_goals")), away_goals=as_int(P, "a_goals", info.get("a_goals")),
        stats=stats, shots=tuple(all_shots), player_stats=tuple(players), source_key=as_text(P, "id", info.get("id")),
        attributes={k: as_float(P, k, info.get(k)) for k in ("h_ppda", "a_ppda", "h_deep", "a_deep") if info.get(k)})
    return ParseResult(matches=[record], rows_read=1 + shot_items, problems=problems)


class Understat:
    info = INFO

    def check_body(self, endpoint: str, status: int, body: bytes) -> None:
        return None  # pages carry no error body: a page without the expected data is unreadable (parse says so)

    def quota_headers(self, headers: Mapping[str, str]) -> QuotaReading:
        return QuotaReading()

    @shape_checked
    def parse(self, endpoint: str, params: Mapping[str, str], body: bytes) -> ParseResult:
        data = embedded(body, endpoint)
        if endpoint == "match" or (not endpoint and "match_info" in data):
            if "match_info" not in data:
                raise UnreadableFile(endpoint, f"{P}: a match page without match_info")
            return parse_match(data)
        if endpoint in ("league", "team"):
            league, year = params.get("league"), params.get("season")
            if not league:
                league, year = breadcrumb(body)
            return parse_league(data, league, split_season(int(year)) if year else None)
        raise UnreadableFile(endpoint, f"{P}: no parser for endpoint {endpoint!r}")


_BREADCRUMB = re.compile(r'class="breadcrumb">.*?href="league/(\w+)/(\d{4})"', re.DOTALL)


_SELECTED = re.compile(r'<select name="(league|season)"[^>]*>.*?<option value="([^"]+)" selected', re.DOTALL)


def breadcrumb(page: bytes) -> tuple[str, str]:
    """(league, season year) a page is about: a team page's breadcrumb (``<a href="league/EPL/2020">``), else a
    league page's selected league and season (``<select name="league">``: ``EPL``, ``La liga`` ...)."""
    text = page.decode("utf-8", "replace")
    found = _BREADCRUMB.search(text)
    if found:
        return found.group(1), found.group(2)
    selected = dict(_SELECTED.findall(text))
    if "league" in selected and "season" in selected:
        return selected["league"].replace(" ", "_"), selected["season"]
    raise UnreadableFile("page", f"{P}: the page names no league (no breadcrumb link league/<LEAGUE>/<year>, "
                                 "no selected league and season)")


PROVIDER = Understat()


_PAGE_VARIABLES = re.compile(rb"(\w+)\s*=\s*JSON\.parse\(")


def page_kind(body: bytes) -> str | None:
    """Which page a saved Understat page is, told from the data it embeds (never from its file name): a match
    page holds ``match_info``/``shotsData``, a league page ``teamsData`` with ``datesData``, a team page
    ``datesData`` with ``statisticsData``."""
    names = set(_PAGE_VARIABLES.findall(body)) | ({b"match_info"} if b"match_info" in body else set())
    if names & {b"match_info", b"shotsData", b"rostersData"}:
        return "match"
    if b"datesData" in names:
        return "league" if b"teamsData" in names else "team"
    return None


def infer(stem: str, body: bytes) -> tuple[str, dict[str, str]]:
    """The page's kind from its content; league and season from the name when it is the usual one
    (``league_EPL_2020``, ``team_<Name>_2020``), else from the page's breadcrumb at parse time."""
    kind = page_kind(body)
    parts = stem.split("_")
    named, params = name_hints(stem)
    if kind is None:
        return named, params
    if kind == "match":
        return "match", {"match": parts[1]} if parts[0] == "match" and len(parts) > 1 else {}
    if kind == "league" and parts[0] == "league" and len(parts) >= 3 and parts[-1].isdigit():
        return "league", {"league": "_".join(parts[1:-1]), "season": parts[-1]}
    if kind == "team" and parts[0] == "team" and len(parts) >= 3:
        return "team", {"team": "_".join(parts[1:-1])}  # league and season: from the page's breadcrumb
    return kind, {}


SOURCE = ProviderSource(PROVIDER, infer, "Understat pages saved as HTML (league, team, match)",
                        suffixes=(".html", ".html.gz", ".htm"))
