"""The match centre's payloads, built once for the API and the pages: team statistics with their sources, the
shots with the xG race. Plain dicts shaped as the API's response models (``api/schemas.py``) describe them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from matchday.errors import NotFound
from matchday.precedence import source_precedence
from matchday.store import match_centre_queries, match_queries
from matchday.store.match_children import STATS_FIGURES

SIDES = ("home", "away")
GOAL_RESULTS = frozenset({"goal", "own_goal"})


def team_stats(conn: Connection, match_id: int) -> dict[str, Any]:
    """Every stored team figure of both sides, each with the source that gave it (``sources``); ``source`` is
    the side's owner (the most trusted source that gave figures)."""
    stored = match_queries.stats(conn, match_id)
    out: dict[str, Any] = {"match_id": match_id}
    for side in SIDES:
        row = stored.get(side)
        if row is None:
            out[side] = None
            continue
        given = row.get("figure_sources") or {}
        figures = {name: row.get(name) for name in STATS_FIGURES}
        out[side] = {**figures, "source": row.get("source"),
                     "sources": {name: given.get(name) or row.get("source") for name, value in figures.items()
                                 if value is not None and (given.get(name) or row.get("source"))}}
    return out


def _trusted_first(sources: list[str], competition: str | None) -> list[str]:
    key = source_precedence().key
    return sorted(sources, key=lambda s: key(s, competition), reverse=True)


def shots(conn: Connection, match_id: int, source: str | None = None) -> dict[str, Any]:
    """The match's shots from one source (the most trusted that has shots, or ``source``), both sides' totals,
    and the cumulative xG of each side by minute (the xG race)."""
    summary = match_queries.match_summary(conn, match_id)
    by_source = match_centre_queries.shots_by_source(conn, match_id)
    available = _trusted_first(list(by_source), summary["league_code"])
    if source is not None and source not in by_source:
        raise NotFound(f"match {match_id} has no shots from {source!r}"
                       + (f" (it has shots from {', '.join(available)})" if available else ""))
    chosen = source or (available[0] if available else None)
    team_of = {"home": summary["home_team_id"], "away": summary["away_team_id"]}
    items = [{
        "seq": r["seq"], "side": r["side"], "team_id": team_of[r["side"]], "minute": r["minute"],
        "player": {"id": r["player_id"], "name": r["player_name"]} if r["player_name"] else None,
        "x": r["x"], "y": r["y"], "xg": r["xg"], "result": r["result"], "situation": r["situation"],
        "body_part": r["body_part"], "assist_name": r["assist_name"],
    } for r in by_source.get(chosen, [])]
    totals = {side: {"team_id": team_of[side], "shots": 0, "goals": 0, "on_target": 0, "xg": 0.0} for side in SIDES}
    for shot in items:
        total = totals[shot["side"]]
        total["shots"] += 1
        total["goals"] += shot["result"] in GOAL_RESULTS
        total["on_target"] += shot["result"] in ("goal", "saved")
        total["xg"] += shot["xg"] or 0.0
    for total in totals.values():
        total["xg"] = round(total["xg"], 4)
    return {"match_id": match_id, "source": chosen, "sources": available, "home": totals["home"],
            "away": totals["away"], "shots": items, "xg_race": xg_race(items)}


def xg_race(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cumulative xG of each side after every minute in which a shot was taken, from 0' to the last shot (or
    90'), with the goals scored in that minute: a step line per side."""
    by_minute: dict[int, dict[str, Any]] = {}
    for shot in items:
        minute = shot["minute"] or 0
        step = by_minute.setdefault(minute, {"home": 0.0, "away": 0.0, "goals": []})
        step[shot["side"]] += shot["xg"] or 0.0
        if shot["result"] in GOAL_RESULTS:
            step["goals"].append({"side": shot["side"], "player": (shot["player"] or {}).get("name")})
    race = [{"minute": 0, "home_xg": 0.0, "away_xg": 0.0, "goals": []}]
    home = away = 0.0
    for minute in sorted(by_minute):
        step = by_minute[minute]
        home, away = home + step["home"], away + step["away"]
        race.append({"minute": minute, "home_xg": round(home, 4), "away_xg": round(away, 4), "goals": step["goals"]})
    if race[-1]["minute"] < 90:
        race.append({"minute": 90, "home_xg": round(home, 4), "away_xg": round(away, 4), "goals": []})
    return race
