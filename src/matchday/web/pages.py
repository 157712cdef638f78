"""Server-rendered pages: home, fixtures by date, match, leagues, league, team, search."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from matchday.domain.odds import implied_probabilities
from matchday.domain.team_form import season_record
from matchday.errors import MatchdayError, NotFound
from matchday.services import lineups as lineup_payloads
from matchday.services import match_centre, players
from matchday.services import teams as team_payloads
from matchday.services.tables import league_table, season_position_history, standing_row
from matchday.store import match_centre_queries, match_queries, queries, team_queries
from matchday.store.keys import as_internal_id
from matchday.store.match_queries import MatchFilter
from matchday.web import i18n, match_charts
from matchday.web.charts import position_chart
from matchday.web.crests import team_crests, with_crests
from matchday.web.favorites import your_matches
from matchday.web.i18n import N_
from matchday.web.sessions import request_locale, use_locale

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.context_processors.append(i18n.install(templates.env, request_locale))
router = APIRouter(include_in_schema=False)
STAT_LABELS = (("possession", N_("Possession")), ("expected_goals", N_("Expected goals (xG)")), ("shots", N_("Shots")),
               ("shots_on_target", N_("On target")), ("shots_off_target", N_("Off target")),
               ("blocked_shots", N_("Blocked")), ("woodwork", N_("Woodwork")), ("corners", N_("Corners")),
               ("passes", N_("Passes")), ("passes_accurate", N_("Accurate passes")), ("saves", N_("Saves")),
               ("tackles", N_("Tackles")), ("fouls", N_("Fouls")), ("offsides", N_("Offsides")),
               ("yellow_cards", N_("Yellow cards")), ("red_cards", N_("Red cards")),
               ("booking_points", N_("Booking points")))
# English labels, marked for translation; the template translates them (``_(label)``) when the page renders
EVENT_ICONS = {"goal": N_("goal"), "penalty_goal": N_("penalty goal"), "own_goal": N_("own goal"),
               "yellow": N_("yellow card"), "second_yellow": N_("second yellow card"), "red": N_("red card"),
               "missed_penalty": N_("missed penalty"), "substitution": N_("substitution"), "var": N_("VAR decision")}


def static_files() -> StaticFiles:
    return StaticFiles(directory=HERE / "static")


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _grouped(rows: list[dict]) -> OrderedDict[str, list[dict]]:
    groups: OrderedDict[str, list[dict]] = OrderedDict()
    for row in rows:
        groups.setdefault(f"{row['league_name']}|{row['competition_id']}", []).append(row)
    return groups


def _page_id(text: str, what: str) -> int:
    """A page's id from its URL: anything that is not one of ours (``abc``, ``¹``, 2**63) is a 404 page."""
    value = as_internal_id(text)
    if value is None or value < 1:
        raise NotFound(f"no {what} {text[:40]!r}")
    return value


def _connect(request: Request):  # noqa: ANN202 - a context manager of a read connection
    return request.app.state.read_engine.connect()


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    now = datetime.now(UTC).replace(tzinfo=None)
    today = now.date()
    horizon = request.app.state.horizon  # a replay's: not what it has not reached yet
    with _connect(request) as conn:
        live, _ = match_queries.list_matches(conn, MatchFilter(statuses=match_queries.LIVE_STATUSES,
                                                               confirmed_at=now, horizon=horizon), 100, 0)
        todays, _ = match_queries.list_matches(conn, MatchFilter(on_date=today, horizon=horizon), 200, 0)
        recent, _ = match_queries.list_matches(conn, MatchFilter(date_to=today, statuses=("finished",),
                                                                 horizon=horizon), 12, 0, newest_first=True)
        leagues, _ = team_queries.list_leagues(conn, None, None, None, 500, 0)
        yours = your_matches(request, conn, today)  # a signed-in user's favorites come first
        for rows in (live, todays, recent):
            with_crests(conn, rows)
    quick = sorted((lg for lg in leagues if lg["matches"]), key=lambda lg: -lg["matches"])[:8]
    return _render(request, "home.html", live=live, today=_grouped(todays), recent=recent, quick_links=quick,
                   today_date=today, yours=yours)


@router.get("/fixtures", response_class=HTMLResponse)
def fixtures(request: Request, on: Annotated[date | None, Query(alias="date")] = None,
             league: Annotated[str | None, Query(max_length=64)] = None) -> HTMLResponse:
    day = on or datetime.now(UTC).date()
    with _connect(request) as conn:
        leagues, _ = team_queries.list_leagues(conn, None, None, None, 500, 0)
        comp_id = team_queries.league_by_id_or_code(conn, league).id if league else None
        rows, _ = match_queries.list_matches(conn, MatchFilter(on_date=day, competition_id=comp_id,
                                                               horizon=request.app.state.horizon), 500, 0)
        with_crests(conn, rows)
    return _render(request, "fixtures.html", day=day, previous=day - timedelta(days=1), next=day + timedelta(days=1),
                   groups=_grouped(rows), leagues=[lg for lg in leagues if lg["matches"]], league=league or "")


@router.get("/matches/{match_id}", response_class=HTMLResponse)
def match_page(request: Request, match_id: str) -> HTMLResponse:
    match_id = _page_id(match_id, "match")
    use_locale(request)  # the charts' labels
    with _connect(request) as conn:
        match = match_queries.match_summary(conn, match_id)
        events = match_queries.events(conn, match_id)
        stats = match_centre.team_stats(conn, match_id)
        shots = match_centre.shots(conn, match_id)
        lineups = lineup_payloads.lineups(conn, match_id)
        figures = lineup_payloads.player_stats(conn, match_id)
        odds = [q for q in match_queries.odds(conn, match_id) if q["market"] == "1x2"]
        h2h = with_crests(conn, match_queries.head_to_head(conn, match["home_team_id"], match["away_team_id"],
                                                           match["match_date"], 8, request.app.state.horizon))
        crests = team_crests(conn, [match["home_team_id"], match["away_team_id"]])
        prediction = _prediction(conn, match_id)
    for quote in odds:
        quote["probabilities"], quote["margin"] = implied_probabilities(
            [quote["price_home"], quote["price_draw"], quote["price_away"]])
    home_name, away_name = match["home_name"], match["away_name"]
    return _render(request, "match.html", m=match, events=events, icons=EVENT_ICONS,
                   stats=_stat_rows(stats), stat_sources=_stat_sources(stats), lineups=lineups, odds=odds, h2h=h2h,
                   prediction=prediction, shots=shots, crests=crests, figures=figures,
                   shot_map=match_charts.shot_map(shots, home_name, away_name),
                   xg_race=match_charts.xg_race(shots, home_name, away_name),
                   lineup_pitch=match_charts.lineup_pitch(lineups, home_name, away_name))


def _stat_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """One bar per stored figure: the two values (the template formats them), the home share, and where each value
    came from."""
    rows = []
    home_side, away_side = stats["home"] or {}, stats["away"] or {}
    for key, label in STAT_LABELS:
        home, away = home_side.get(key), away_side.get(key)
        if home is None and away is None:
            continue
        total = (home or 0) + (away or 0)
        sources = sorted({s for s in (home_side.get("sources", {}).get(key), away_side.get("sources", {}).get(key))
                          if s})
        rows.append({"key": key, "label": label, "home": home, "away": away,
                     "home_pct": round(100 * (home or 0) / total) if total else 50, "sources": sources})
    return rows


def _stat_sources(stats: dict[str, Any]) -> list[str]:
    return sorted({s for side in ("home", "away") for s in ((stats[side] or {}).get("sources") or {}).values()})


_PREDICTIONS: OrderedDict[tuple, Any] = OrderedDict()  # (what, store write-log position) -> result


def _memo(conn: Any, key: tuple, compute: Any) -> Any:
    """A prediction or simulation, recomputed only after a write (the store's write log moved on)."""
    from matchday.store.outbox import latest_tag_id as latest_id

    full = (*key, latest_id(conn))
    if full not in _PREDICTIONS:
        try:
            _PREDICTIONS[full] = compute()
        except MatchdayError:
            _PREDICTIONS[full] = None
        while len(_PREDICTIONS) > 256:
            _PREDICTIONS.popitem(last=False)
    return _PREDICTIONS[full]


def _prediction(conn: Any, match_id: int) -> dict | None:
    """The match's prediction from the results known before kick-off; None for a match models cannot predict."""
    from matchday.services.predictions import match_prediction

    return _memo(conn, ("match", match_id), lambda: match_prediction(conn, match_id))


@router.get("/leagues", response_class=HTMLResponse)
def leagues_page(request: Request) -> HTMLResponse:
    with _connect(request) as conn:
        leagues, _ = team_queries.list_leagues(conn, None, None, None, 1000, 0)
    by_country: OrderedDict[str, list[dict]] = OrderedDict()
    for league in sorted((lg for lg in leagues if lg["matches"]), key=lambda lg: (lg["country"] or "~", lg["code"])):
        by_country.setdefault(league["country"] or "International", []).append(league)
    return _render(request, "leagues.html", by_country=by_country)


@router.get("/leagues/{key}", response_class=HTMLResponse)
def league_page(request: Request, key: str, season: Annotated[str | None, Query(max_length=16)] = None,
                round: Annotated[int | None, Query(ge=1, le=200)] = None) -> HTMLResponse:
    use_locale(request)  # the charts' labels
    with _connect(request) as conn:
        comp = team_queries.league_by_id_or_code(conn, key)
        seasons = team_queries.league_seasons(conn, comp.id)
        if not seasons:
            raise NotFound(f"league {comp.code} has no seasons loaded")
        label = season or seasons[0]["label"]
        _comp, label, season_id = queries.find_competition_season(conn, comp.code, label)
        horizon = request.app.state.horizon  # a replay's: not what it has not reached yet
        table = league_table(conn, comp.code, label, as_of=horizon.table_as_of(comp.code, None) if horizon else None)
        history = season_position_history(conn, comp.code, label)
        scorers = team_queries.top_scorers(conn, season_id, 10)
        rounds = sorted({r["round_number"] for r in match_queries.list_matches(
            conn, MatchFilter(competition_id=comp.id, season=label), 2000, 0)[0] if r["round_number"]})
        chosen_round = round or _current_round(conn, comp.id, label, rounds)
        flt = (MatchFilter(competition_id=comp.id, season=label, round_number=chosen_round, horizon=horizon)
               if chosen_round else MatchFilter(competition_id=comp.id, season=label, horizon=horizon))
        round_matches, _ = match_queries.list_matches(conn, flt, 60 if chosen_round else 20, 0,
                                                      newest_first=not chosen_round)
        outlook = _outlook(conn, comp.code, label, table.matches_counted)
        with_crests(conn, round_matches)
        crests = team_crests(conn, [row["team_id"] for row in table.rows])
    return _render(request, "league.html", comp=comp, seasons=seasons, season=label,
                   table=[standing_row(r) for r in table.rows],
                   matches_counted=table.matches_counted, charts=_position_charts(history, table.rows),
                   season_status=table.status, season_note=table.note,
                   scorers=scorers, rounds=rounds,
                   round=chosen_round, round_matches=round_matches, outlook=outlook, crests=crests)


def _outlook(conn: Any, code: str, season: str, played: int) -> dict | None:
    """The simulated final positions (a heat map), for a season with matches still to play."""
    from matchday.services.predictions import simulate
    from matchday.web.prediction_charts import position_probability_chart

    if not played:
        return None
    sim = _memo(conn, ("simulation", code, season), lambda: simulate(conn, code, season, runs=5000))
    if not sim or not sim["matches_remaining"]:
        return None
    return {"runs": sim["runs"], "remaining": sim["matches_remaining"],
            "chart": position_probability_chart(sim["teams"])}


def _position_charts(history: dict[str, Any], rows: list[dict[str, Any]]) -> list[tuple[str | None, str]]:
    """One position chart per group of the table (a single one for an ordinary season)."""
    days = [d[5:] for d in history["dates"]]
    members: dict[str | None, set[str]] = {}
    for row in rows:
        members.setdefault(row["group"], set()).add(row["team_name"])
    charts = []
    for group, names in members.items():
        teams = history["teams"] if group is None else {
            name: places for name, places in history["teams"].items() if name in names}
        svg = position_chart(days, teams)
        if svg:
            charts.append((group, svg))
    return charts


def _current_round(conn: Any, competition_id: int, season: str, rounds: list[int]) -> int | None:
    """The round of the next unplayed match, else the last round."""
    if not rounds:
        return None
    upcoming, _ = match_queries.list_matches(conn, MatchFilter(competition_id=competition_id, season=season,
                                                               statuses=("scheduled",)), 1, 0)
    return upcoming[0]["round_number"] if upcoming and upcoming[0]["round_number"] else rounds[-1]


@router.get("/teams/{team_id}", response_class=HTMLResponse)
def team_page(request: Request, team_id: str) -> HTMLResponse:
    team_id = _page_id(team_id, "team")
    with _connect(request) as conn:
        team = team_payloads.team(conn, team_id)
        played_in = team_queries.team_seasons(conn, team_id)
        today = datetime.now(UTC).date()
        horizon = request.app.state.horizon  # a replay's: not what it has not reached yet
        upcoming, _ = match_queries.list_matches(conn, MatchFilter(team_id=team_id, statuses=("scheduled",),
                                                                   date_from=today, horizon=horizon), 6, 0)
        recent, _ = match_queries.list_matches(conn, MatchFilter(team_id=team_id, statuses=("finished", "awarded"),
                                                                 horizon=horizon), 10, 0, newest_first=True)
        record = None
        if played_in:
            _c, label, season_id = queries.find_competition_season(conn, played_in[0]["code"], played_in[0]["label"])
            record = {"league": played_in[0], "season": label,
                      **season_record(queries.table_results(conn, season_id), team_id)}
        squad = team_queries.squad(conn, team_id)
        with_crests(conn, upcoming)
        with_crests(conn, recent)
    return _render(request, "team.html", team=team, upcoming=upcoming, recent=recent, record=record, squad=squad,
                   seasons=played_in[:12])


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    with _connect(request) as conn:
        found_teams, team_total = team_queries.search_teams(conn, q, 50, 0) if q else ([], 0)
        found_leagues, _ = team_queries.list_leagues(conn, None, None, q, 20, 0) if q else ([], 0)
        found_players, player_total = match_centre_queries.search_players(conn, q, 50, 0) if q else ([], 0)
        crests = team_crests(conn, [t["id"] for t in found_teams])
    return _render(request, "search.html", q=q, teams=found_teams, team_total=team_total, leagues=found_leagues,
                   players=found_players, player_total=player_total, crests=crests)


@router.get("/players/{player_id}", response_class=HTMLResponse)
def player_page(request: Request, player_id: str) -> HTMLResponse:
    player_id = _page_id(player_id, "player")
    with _connect(request) as conn:
        profile = players.player_profile(conn, player_id)
        with_crests(conn, [line["match"] for line in profile["matches"]])
    return _render(request, "player.html", p=profile)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The icon browsers and feed readers ask for at the root before reading any page."""
    return FileResponse(HERE / "static" / "favicon.ico", media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=86400"})


def not_found_page(request: Request, exc: MatchdayError) -> HTMLResponse:
    return _render(request, "error.html", status=exc.status_code, message=str(exc))
