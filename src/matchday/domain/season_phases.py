"""Phases of a season told from the data: matches after the regular season (play-offs in the same file) and
conferences read off an unbalanced schedule. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from matchday.domain.records import MatchRecord


def mark_post_season(records: Sequence[MatchRecord], season_games: dict[tuple[str, str], int]) -> list[MatchRecord]:
    """Relabel as stage ``playoffs`` every regular match in which a team plays beyond its season's length.

    ``season_games`` maps (competition code, season) → matches per team in the regular season. A file that
    holds a whole season plus its play-offs (MLS Cup, a promotion/relegation play-off) puts those after each
    team's last regular match; a match is regular only while both teams are within their season's length.
    """
    games: dict[tuple[str, str, str], int] = {}
    out = list(records)
    order = sorted(range(len(out)), key=lambda i: (out[i].match_date or date.max, i))
    for i in order:
        rec = out[i]
        limit = season_games.get((rec.competition.code, rec.season))
        if limit is None or rec.stage != "regular":
            continue
        home = games[(rec.season, rec.competition.code, rec.home.name)] = games.get(
            (rec.season, rec.competition.code, rec.home.name), 0) + 1
        away = games[(rec.season, rec.competition.code, rec.away.name)] = games.get(
            (rec.season, rec.competition.code, rec.away.name), 0) + 1
        if max(home, away) > limit:
            out[i] = replace(rec, stage="playoffs")
    return out


def conferences_from_schedule(pairings: Sequence[tuple[int, int]], anchors: dict[str, set[int]],
                              min_meetings: int = 2) -> dict[int, str]:
    """Team → conference for a league whose teams meet their own conference more often than the other.

    Teams that met at least ``min_meetings`` times are linked; each connected part is a conference, named by
    the anchor team it holds (``{"East": {id of New England}, ...}``). Returns {} unless that gives exactly one
    part per anchor name (an unfinished or irregular season: the conferences cannot be told this way).
    """
    count: dict[frozenset[int], int] = {}
    teams: set[int] = set()
    for home, away in pairings:
        teams.update((home, away))
        pair = frozenset((home, away))
        count[pair] = count.get(pair, 0) + 1
    links: dict[int, set[int]] = {t: set() for t in teams}
    for pair, n in count.items():
        if n >= min_meetings and len(pair) == 2:
            a, b = tuple(pair)
            links[a].add(b)
            links[b].add(a)
    found: dict[int, str] = {}
    for name, anchor_ids in anchors.items():
        start = next((t for t in anchor_ids if t in teams), None)
        if start is None:
            return {}
        stack, part = [start], set()
        while stack:
            team = stack.pop()
            if team not in part:
                part.add(team)
                stack.extend(links[team] - part)
        if any(t in found for t in part):
            return {}
        found.update((t, name) for t in part)
    return found if len(found) == len(teams) else {}
