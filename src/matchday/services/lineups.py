"""A match's line-ups with formation, coach, substitutions and each player's figures, and every source's
per-player figures: one payload builder each, for the API and the match page."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from matchday.domain.names import normalise_team_name
from matchday.precedence import source_precedence
from matchday.store import match_centre_queries, match_queries

SIDES = ("home", "away")
PLAYER_FIGURES = ("minutes", "position", "shirt_number", "substitute", "rating", "goals", "assists", "shots",
                  "shots_on_target", "expected_goals", "expected_assists", "key_passes", "passes", "yellow_cards",
                  "red_cards")
CARD_EVENTS = {"yellow": "yellow", "second_yellow": "red", "red": "red"}
GOAL_EVENTS = frozenset({"goal", "penalty_goal"})


def player_stats(conn: Connection, match_id: int) -> dict[str, Any]:
    """Every source's figures of every player of the match, per side, the most trusted source first."""
    out: dict[str, Any] = {"match_id": match_id, "home": [], "away": []}
    rows = match_centre_queries.player_stats(conn, match_id)
    if not rows:  # most matches: no need to ask which league's precedence applies
        return out
    league = match_queries.match_summary(conn, match_id)["league_code"]
    key = source_precedence().key
    rows = sorted(rows, key=lambda r: (key(r["source"], league), -r["id"]), reverse=True)
    for r in rows:
        out[r["side"]].append({"source": r["source"], "player": {"id": r["player_id"], "name": r["player_name"]},
                               **{name: r[name] for name in PLAYER_FIGURES}})
    return out


def _name_key(name: str | None) -> str:
    return normalise_team_name(name or "")


def _substitutions(events: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, int | None]]:
    """(side, player name key) → the minutes he came on / went off, from "incoming for outgoing" events."""
    found: dict[tuple[str, str], dict[str, int | None]] = defaultdict(dict)
    for e in events:
        if e["type"] != "substitution" or not e["player_name"] or " for " not in e["player_name"]:
            continue
        incoming, outgoing = e["player_name"].split(" for ", 1)
        found[(e["side"], _name_key(incoming))]["on"] = e["minute"]
        found[(e["side"], _name_key(outgoing))]["off"] = e["minute"]
    return found


def lineups(conn: Connection, match_id: int, events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Both line-ups (starters then bench, as the source lists them) with each player's grid place, rating and
    minutes (from the most trusted source of player figures), goals, cards and substitution minutes; and each
    side's formation and coach where a source gave them. ``events``: the match's event rows, when the caller
    has them already."""
    events = match_queries.events(conn, match_id) if events is None else events
    subs = _substitutions(events)
    by_player: dict[tuple[str, Any], dict[str, int]] = defaultdict(lambda: {"goals": 0, "yellow": 0, "red": 0})
    for e in events:
        who = (e["side"], e["player_id"] or _name_key(e["player_name"]))
        if e["type"] in GOAL_EVENTS:
            by_player[who]["goals"] += 1
        elif e["type"] in CARD_EVENTS:
            by_player[who][CARD_EVENTS[e["type"]]] += 1
    figures: dict[tuple[str, Any], dict[str, Any]] = {}
    every = player_stats(conn, match_id)
    for side in SIDES:
        for row in reversed(every[side]):  # the most trusted source written last, so it stands
            figures[(side, row["player"]["id"] or _name_key(row["player"]["name"]))] = row
    stored_formations = match_centre_queries.formations(conn, match_id)
    out: dict[str, Any] = {"match_id": match_id}
    players = match_queries.lineups(conn, match_id)
    for side in SIDES:
        out[side] = []
        for r in (r for r in players if r["side"] == side):
            name_key = _name_key(r["player_name"])
            stats = figures.get((side, r["player_id"])) or figures.get((side, name_key)) or {}
            sub = subs.get((side, name_key), {})
            tally = (by_player.get((side, r["player_id"])) or by_player.get((side, name_key))
                     or {"goals": 0, "yellow": 0, "red": 0})
            out[side].append({
                "player": {"id": r["player_id"], "name": r["player_name"]}, "starter": r["starter"],
                "position": r["position"], "shirt_number": r["shirt_number"], "grid": r["grid"],
                "rating": stats.get("rating"), "minutes": stats.get("minutes"),
                "subbed_on_minute": sub.get("on"), "subbed_off_minute": sub.get("off"),
                "goals": tally["goals"], "yellow_cards": tally["yellow"], "red_cards": tally["red"]})
        shape = stored_formations.get(side)
        out[f"{side}_formation"] = ({"formation": shape["formation"], "coach": shape["coach_name"],
                                     "source": shape["source"]} if shape else None)
    return out
