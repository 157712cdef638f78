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


def conferences_from_schedule(pairings: Sequence[tuple[int, int]], anchors: dict[str, set[int]]) -> dict[int, str]:
    """Team → conference for a league whose teams meet their own conference more often than the others.

    Starting from the anchor teams (``{"East": {id of New England}, ...}``), each team joins the conference
    whose current members it met most often beyond a first meeting (a pair met once says nothing: every team
    meets most others once), until no team moves. Returns {} unless every team ends in exactly one conference
    (an unfinished season, or one whose schedule does not tell: the conferences cannot be read off it).
    """
    count: dict[tuple[int, int], int] = {}
    teams: set[int] = set()
    for home, away in pairings:
        if home != away:
            teams.update((home, away))
            pair = (min(home, away), max(home, away))
            count[pair] = count.get(pair, 0) + 1
    fixed: dict[int, str] = {}
    for name, ids in anchors.items():
        present = [t for t in ids if t in teams]
        if not present:
            return {}
        fixed.update((t, name) for t in present)
    extra: dict[int, list[tuple[int, int]]] = {t: [] for t in teams}
    for (a, b), n in count.items():
        if n > 1:
            extra[a].append((b, n - 1))
            extra[b].append((a, n - 1))
    side: dict[int, str | None] = {t: fixed.get(t) for t in teams}
    for _ in range(len(teams) + 1):
        moved = False
        for team in sorted(teams):
            if team in fixed:
                continue
            score: dict[str, int] = {}
            for other, weight in extra[team]:
                if side[other] is not None:
                    score[side[other]] = score.get(side[other], 0) + weight
            best = sorted(score.items(), key=lambda kv: -kv[1])
            choice = best[0][0] if best and (len(best) == 1 or best[0][1] > best[1][1]) else None
            if choice != side[team]:
                side[team], moved = choice, True
        if not moved:
            break
    if any(conference is None for conference in side.values()):
        return {}
    return {t: c for t, c in side.items() if c is not None}
