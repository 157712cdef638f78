"""A player's page and API payload: season aggregates per competition computed from the stored matches
(appearances, minutes, goals, assists, cards, xG, xA, average rating, per 90) and the matches list."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from matchday.domain.names import normalise_team_name
from matchday.precedence import source_precedence
from matchday.store import match_centre_queries, team_queries

GOALS = frozenset({"goal", "penalty_goal"})
FULL_MATCH = 90


def _per_90(value: float | None, minutes: int) -> float | None:
    return round(value * FULL_MATCH / minutes, 2) if value is not None and minutes else None


def _match_line(match: dict[str, Any], side: str | None, lineup: dict | None, figures: dict | None,
                events: list[dict]) -> dict[str, Any]:
    """One match of the player: whether he played, minutes, goals, assists, cards, xG, xA, rating.

    Goals and cards come from the match's events when it has any naming him, else from the figures; minutes
    from the figures, else 90 for a starter (less when an event took him off) and unknown for a substitute."""
    goals = sum(e["type"] in GOALS for e in events)
    yellow = sum(e["type"] == "yellow" for e in events)
    red = sum(e["type"] in ("red", "second_yellow") for e in events)
    figures = figures or {}
    minutes = figures.get("minutes")
    # a starter per the line-up, else per the figures (Understat says who came off the bench, with no line-up)
    starter = bool(lineup["starter"]) if lineup is not None else figures.get("substitute") is False
    if minutes is None and starter:
        off = [e["minute"] for e in events if e["type"] == "substitution_off"]
        minutes = off[0] if off and off[0] is not None else FULL_MATCH
    played = bool(minutes) or starter or any(
        e["type"] == "substitution_on" or e["type"] in GOALS for e in events)
    if not any(e["type"] in GOALS | {"yellow", "red", "second_yellow"} for e in events):
        goals = figures.get("goals") or 0
        yellow, red = figures.get("yellow_cards") or 0, figures.get("red_cards") or 0
    return {"match": match, "side": side, "played": played, "starter": starter,
            "minutes": minutes, "goals": goals, "assists": figures.get("assists"), "yellow_cards": yellow,
            "red_cards": red, "expected_goals": figures.get("expected_goals"),
            "expected_assists": figures.get("expected_assists"), "rating": figures.get("rating"),
            "source": figures.get("source")}


def _season_totals(lines: list[dict[str, Any]]) -> dict[str, Any]:
    played = [line for line in lines if line["played"]]
    minutes = sum(line["minutes"] or 0 for line in played)

    def total(name: str) -> float | None:
        known = [line[name] for line in played if line[name] is not None]
        return round(sum(known), 4) if known else None

    ratings = [line["rating"] for line in played if line["rating"] is not None]
    goals, assists, xg, xa = total("goals"), total("assists"), total("expected_goals"), total("expected_assists")
    return {"appearances": len(played), "starts": sum(line["starter"] for line in played), "minutes": minutes,
            "goals": int(goals or 0), "assists": int(assists) if assists is not None else None,
            "yellow_cards": int(total("yellow_cards") or 0), "red_cards": int(total("red_cards") or 0),
            "expected_goals": xg, "expected_assists": xa,
            "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
            "rated_matches": len(ratings),
            "per_90": {"goals": _per_90(goals, minutes), "assists": _per_90(assists, minutes),
                       "expected_goals": _per_90(xg, minutes), "expected_assists": _per_90(xa, minutes)}}


def player_profile(conn: Connection, player_id: int) -> dict[str, Any]:
    """The player, the names sources gave him, per competition season aggregates (newest first) and his matches
    (newest first)."""
    row = team_queries.player(conn, player_id)
    held = match_centre_queries.player_appearances(conn, player_id)
    key = source_precedence().key
    lineups = {r["match_id"]: r for r in held["lineups"]}
    figures: dict[int, dict[str, Any]] = {}
    for r in sorted(held["stats"], key=lambda r: key(r["source"])):
        figures[r["match_id"]] = r  # the most trusted source's figures of each match stand
    events: dict[int, list[dict]] = defaultdict(list)
    for e in held["events"]:
        events[e["match_id"]].append(e)
    _substitution_events(conn, player_id, lineups, events)
    lines = []
    for match in held["matches"]:
        mid = match["id"]
        side = (lineups.get(mid) or figures.get(mid) or (events[mid][0] if events[mid] else {})).get("side")
        lines.append(_match_line(match, side, lineups.get(mid), figures.get(mid), events[mid]))
    by_season: dict[tuple, list[dict]] = defaultdict(list)
    for line in lines:
        m = line["match"]
        by_season[(m["competition_id"], m["league_code"], m["league_name"], m["season"])].append(line)
    seasons = [{"league": {"id": comp_id, "code": code, "name": name}, "season": season,
                **_season_totals(season_lines)}
               for (comp_id, code, name, season), season_lines in by_season.items()]
    return {"id": row["id"], "name": row["name"],
            "team": {"id": row["team_id"], "name": row["team_name"]} if row["team_id"] else None,
            "names": match_centre_queries.player_names(conn, player_id), "seasons": seasons,
            "matches": [line for line in lines if line["played"] or line["starter"] or line["source"]]}


def _substitution_events(conn: Connection, player_id: int, lineups: dict[int, dict],
                         events: dict[int, list[dict]]) -> None:
    """Add ``substitution_on`` / ``substitution_off`` entries for the player from the "in for out" events of
    his matches (those name players by the source's text, not by id)."""
    names = {normalise_team_name(n) for n in match_centre_queries.player_names(conn, player_id)}
    for e in match_centre_queries.substitutions(conn, sorted(lineups)):
        if not e["player_name"] or " for " not in e["player_name"] or e["side"] != lineups[e["match_id"]]["side"]:
            continue
        incoming, outgoing = (normalise_team_name(n) for n in e["player_name"].split(" for ", 1))
        if incoming in names:
            events[e["match_id"]].append({**e, "type": "substitution_on"})
        elif outgoing in names:
            events[e["match_id"]].append({**e, "type": "substitution_off"})
