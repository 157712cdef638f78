"""The competition catalog shipped as data (``data/competitions.json``): names, kinds and table rules by era."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from matchday.domain.seasons import season_start_year
from matchday.domain.standings import Split, SplitGroup, TableRules, Zone


@dataclass(frozen=True, slots=True)
class CompetitionInfo:
    code: str
    name: str
    country: str | None
    kind: str
    calendar_year: bool
    rule_eras: tuple[dict[str, Any], ...]


@lru_cache
def _catalog() -> dict[str, Any]:
    return json.loads(resources.files("matchday.data").joinpath("competitions.json").read_text("utf-8"))


def competition_info(code: str) -> CompetitionInfo | None:
    entry = _catalog()["competitions"].get(code)
    if entry is None:
        return None
    return CompetitionInfo(
        code=code, name=entry["name"], country=entry.get("country"), kind=entry.get("kind", "league"),
        calendar_year=entry.get("calendar_year", False),
        rule_eras=tuple(entry.get("rules") or _catalog()["default_rules"]),
    )


def season_rules(code: str, season: str) -> dict[str, Any]:
    """The raw rules entry in force for ``code`` in ``season``: the first era whose 'until' is not before it,
    with that season's own entry (``"seasons": {"2019-20": {...}}``) laid over it."""
    info = competition_info(code)
    eras = info.rule_eras if info else tuple(_catalog()["default_rules"])
    start = season_start_year(season)
    chosen = eras[-1]
    for era in eras:
        if "until" in era and start <= season_start_year(era["until"]):
            chosen = era
            break
    entry = _catalog()["competitions"].get(code) or {}
    return {**chosen, **(entry.get("seasons") or {}).get(season, {})}


def _split(spec: dict[str, Any] | None) -> Split | None:
    if not spec:
        return None
    return Split(spec["after_games"], tuple(SplitGroup(g["name"], g.get("size", 0), g.get("halve"))
                                            for g in spec["groups"]))


def rules_for(code: str, season: str) -> TableRules:
    """The table rules in force for ``code`` in ``season``."""
    chosen = season_rules(code, season)
    return TableRules(
        points_win=chosen.get("points_win", 3),
        points_draw=chosen.get("points_draw", 1),
        tiebreakers=tuple(chosen.get("tiebreakers", ("goal_difference", "goals_for"))),
        zones=tuple(Zone(z["name"], z["first"], z["last"]) for z in chosen.get("zones", ())),
        head_to_head_meetings=chosen.get("head_to_head_meetings"),
        split=_split(chosen.get("split")),
        ranking=chosen.get("ranking", "points"),
        void=chosen.get("status") == "void",
    )
