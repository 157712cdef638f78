"""ESPN site API, soccer: the scoreboard (a league's matches of a day, live) and a match summary (key events,
box score, rosters) for any league slug (``eng.1``, ``esp.1``, ``uefa.champions``, ``fifa.world`` ...). No key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import structlog

from matchday.domain.records import CompetitionRef, MatchRecord, ParseResult, RowProblem, Side
from matchday.errors import ParseError, ProviderError, UnreadableFile
from matchday.sources.espn import spec
from matchday.sources.espn.parser import (
    competition,
    competition_by_id,
    events_of,
    lineups_and_players,
    match_from_competition,
    season_label,
    team_profiles,
    team_stats,
)
from matchday.sources.provider import ProviderInfo, QuotaReading
from matchday.sources.providerkit import ProviderSource, as_dict, as_list, load_json, name_hints, shape_checked

log = structlog.get_logger(__name__)

INFO = ProviderInfo(name=spec.PROVIDER, description="ESPN site API: soccer scoreboards and match summaries",
                    base_url_setting="espn_base_url", endpoints=spec.ENDPOINTS)


_UID_LEAGUE = re.compile(r"~l:(\d+)(?:~|$)")


def _event_league(event: dict, by_id: dict[str, dict], single: dict | None) -> tuple[CompetitionRef, bool]:
    """The competition of one scoreboard event: the league its uid names (``s:600~l:700~e:...``) among the
    answer's leagues, else in the competition register, else the answer's one league. All-leagues answers give
    ``leagues[0]`` without a slug: each event's uid says which league it is."""
    uid = str(event.get("uid") or "")
    found = _UID_LEAGUE.search(uid)
    league_id = found.group(1) if found else None
    if league_id is not None and league_id in by_id:
        return competition(by_id[league_id])
    if single is not None and (league_id is None or str(single.get("id")) == league_id):
        return competition(single)
    if league_id is None:
        raise ParseError(spec.PROVIDER, "event.uid", uid or None, "an event without its league (no l:<id> in uid)")
    return competition_by_id(league_id)


def parse_scoreboard(doc: dict) -> ParseResult:
    leagues = [as_dict(spec.PROVIDER, "leagues[]", x) for x in as_list(spec.PROVIDER, "leagues",
                                                                        doc.get("leagues") or [])]
    by_id = {str(x.get("id")): x for x in leagues if x.get("slug") and x.get("id") is not None}
    single = leagues[0] if len(leagues) == 1 and leagues[0].get("slug") else None
    result, refs = ParseResult(), {}
    for index, event in enumerate(as_list(spec.PROVIDER, "events", doc.get("events") or []), start=1):
        result.rows_read += 1
        try:
            event = as_dict(spec.PROVIDER, "events[]", event)
            comp, calendar = _event_league(event, by_id, single)
            season = season_label(event.get("season") or (single or {}).get("season"), calendar)
            [comp_raw] = as_list(spec.PROVIDER, "competitions", event.get("competitions") or [None])
            if _has_placeholder(comp_raw):
                continue  # "Quarterfinal 3 Winner" v "Quarterfinal 4 Winner": not a fixture between teams yet
            problems: list[RowProblem] = []
            record = match_from_competition(event, as_dict(spec.PROVIDER, "competition", comp_raw), comp, season,
                                            refs, event.get("status"), problems)
            result.matches.append(record)
            result.problems.extend(RowProblem(index, p.field, f"event {event.get('id')}: {p.reason}", p.raw)
                                   for p in problems)
            known = {t.team for t in result.teams}
            result.teams.extend(t for t in team_profiles(comp_raw, record) if t.team not in known)
        except (ParseError, ValueError) as exc:
            field = exc.field if isinstance(exc, ParseError) else "competitions"
            result.problems.append(RowProblem(index, field, f"event {event.get('id')}: {exc}",
                                              json.dumps(event, ensure_ascii=False)[:2000]))
    if not leagues and not result.rows_read:
        raise ParseError(spec.PROVIDER, "leagues", None, "a scoreboard without its league")
    return result


def _has_placeholder(comp_raw: object) -> bool:
    """ESPN lists future knock-out matches between placeholder teams (``isActive: false``, "Semifinal 1 Loser")."""
    competitors = comp_raw.get("competitors") if isinstance(comp_raw, dict) else None
    return any(isinstance(c, dict) and (c.get("team") or {}).get("isActive") is False for c in competitors or [])


def parse_summary(doc: dict) -> ParseResult:
    """One match in full: the header's score and status, key events, box-score statistics, rosters."""
    header = as_dict(spec.PROVIDER, "header", doc.get("header"))
    comp, calendar = competition(as_dict(spec.PROVIDER, "header.league", header.get("league")))
    season = season_label(header.get("season"), calendar)
    [comp_raw] = as_list(spec.PROVIDER, "header.competitions", header.get("competitions") or [None])
    comp_raw = as_dict(spec.PROVIDER, "header.competitions[0]", comp_raw)
    game = doc.get("gameInfo") or {}
    record = match_from_competition({**header, "venue": game.get("venue")},
                                    {**comp_raw, "details": [], "attendance": game.get("attendance")}, comp, season,
                                    {}, comp_raw.get("status"))
    side_of = {record.home.source_key: Side.HOME, record.away.source_key: Side.AWAY}
    problems: list[RowProblem] = []
    events = events_of(as_list(spec.PROVIDER, "keyEvents", doc.get("keyEvents") or []), side_of, "keyEvents",
                       problems)
    boxscore = as_dict(spec.PROVIDER, "boxscore", doc.get("boxscore") or {})
    box_teams = [as_dict(spec.PROVIDER, "boxscore.teams[]", t)
                 for t in as_list(spec.PROVIDER, "boxscore.teams", boxscore.get("teams") or [])]
    stats = tuple(team_stats(as_list(spec.PROVIDER, "boxscore.statistics", t.get("statistics") or []),
                             side_of[str((t.get("team") or {}).get("id"))], problems)
                  for t in box_teams if str((t.get("team") or {}).get("id")) in side_of)
    lineups, players = lineups_and_players(as_list(spec.PROVIDER, "rosters", doc.get("rosters") or []), side_of,
                                           problems)
    officials = [o.get("displayName") for o in game.get("officials") or [] if o.get("order") == 1]
    record = replace(record, events=events, stats=stats, lineups=tuple(lineups), player_stats=tuple(players),
                     referee=officials[0] if officials else None)
    return ParseResult(matches=[record], rows_read=1, problems=problems, teams=team_profiles(comp_raw, record))


class Espn:
    info = INFO

    def check_body(self, endpoint: str, status: int, body: bytes) -> None:
        try:
            doc = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return
        self.check_doc(endpoint, doc)

    def check_doc(self, endpoint: str, doc: object) -> None:
        if isinstance(doc, dict) and ("code" in doc and "message" in doc or "error" in doc) and \
                "events" not in doc and "header" not in doc:
            raise ProviderError(spec.PROVIDER, {k: doc.get(k) for k in ("code", "message", "error") if k in doc},
                                endpoint)

    def quota_headers(self, headers: Mapping[str, str]) -> QuotaReading:
        return QuotaReading()  # ESPN publishes no quota; the collector's own polite limit applies

    @shape_checked
    def parse(self, endpoint: str, params: Mapping[str, str], body: bytes) -> ParseResult:
        doc = load_json(spec.PROVIDER, body, endpoint)
        self.check_doc(endpoint, doc)
        if not isinstance(doc, dict):
            raise UnreadableFile(endpoint, f"{spec.PROVIDER}: expected a JSON object")
        if endpoint == "scoreboard":
            return parse_scoreboard(doc)
        if endpoint == "summary":
            return parse_summary(doc)
        raise UnreadableFile(endpoint, f"{spec.PROVIDER}: no parser for endpoint {endpoint!r}")


PROVIDER = Espn()


def infer(stem: str, body: bytes) -> tuple[str, dict[str, str]]:
    named, params = name_hints(stem)
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return named, params
    if isinstance(doc, dict) and "events" in doc and "leagues" in doc:
        return "scoreboard", params
    if isinstance(doc, dict) and "header" in doc:
        return "summary", params
    return named, params


SOURCE = ProviderSource(PROVIDER, infer, "ESPN site API saved answers (scoreboard, summary)")

Fetch = Callable[[str, Mapping[str, str]], bytes]


class EspnLive:
    """The live source: one scoreboard request per followed league per look, every ``interval_s`` (8 s by
    default). Matches are keyed by ESPN event id; one scoreboard answers for every match of the league."""

    name = spec.PROVIDER

    def __init__(self, fetch: Fetch, leagues: Sequence[str], interval_s: float = spec.DEFAULT_LIVE_INTERVAL_S,
                 clock: Callable[[], datetime] | None = None, dates: str | None = None) -> None:
        self.fetch = fetch
        self.leagues = list(leagues)
        self.interval_s = interval_s
        self.dates = dates
        self._clock = clock

    def now(self) -> datetime:
        return self._clock() if self._clock else datetime.now(UTC).replace(tzinfo=None)

    def poll(self, keys: Collection[str] | None) -> dict[str, MatchRecord]:
        found: dict[str, MatchRecord] = {}
        for league in self.leagues:
            params = {"league": league, **({"dates": self.dates} if self.dates else {})}
            parsed = PROVIDER.parse("scoreboard", params, self.fetch("scoreboard", params))
            for problem in parsed.problems:
                log.warning("live event not understood", source=self.name, field=problem.field,
                            reason=problem.reason)
            found.update({m.source_key: m for m in parsed.matches
                          if m.source_key and (keys is None or m.source_key in keys)})
        return found


Espn.live_source = EspnLive  # declared: the collector finds a connector's live source here, nowhere else
