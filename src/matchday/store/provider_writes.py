"""Writes of what API providers give beside matches: published standings and top scorers, team and competition
lists, and per-fixture details (events, lineups, statistics, player figures, odds of a match known by its
provider id). Idempotent: a repeated answer changes nothing; a provider's snapshot replaces only that provider's
previous snapshot of the same season.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from matchday.domain.records import (
    AWAY_KEY,
    HOME_KEY,
    CompetitionRecord,
    CompetitionRef,
    MatchDetailRecord,
    MatchRecord,
    PublishedStandingRecord,
    RowProblem,
    ScorerRecord,
    Side,
    TeamRecord,
    TeamRef,
)
from matchday.store.bulk import bulk_insert
from matchday.store.identity import Resolver
from matchday.store.match_children import sync_children
from matchday.store.schema import (
    external_ids,
    match_events,
    match_lineups,
    matches,
    odds_quotes,
    player_match_stats,
    published_scorers,
    published_standings,
    team_match_stats,
)
from matchday.store.team_profiles import write_profiles

STANDING_COLUMNS = ("group_name", "position", "team_id", "team_name", "played", "won", "drawn", "lost", "goals_for",
                    "goals_against", "goal_difference", "points", "form", "description", "provider_updated_at")
SCORER_COLUMNS = ("rank", "player_id", "player_name", "team_id", "goals", "assists", "penalties", "appearances",
                  "minutes", "expected_goals", "expected_assists")


@dataclass
class ProviderCounts:
    standings_changed: int = 0  # seasons whose published table changed
    scorers_changed: int = 0
    teams: int = 0
    competitions: int = 0
    details_applied: int = 0
    references_changed: int = 0  # countries, venues, squad places, player profiles, injuries written
    tags: set[str] = field(default_factory=set)
    problems: list[RowProblem] = field(default_factory=list)


def _replace_snapshot(conn: Connection, table: Any, columns: Sequence[str], season_id: int, source: str,
                      rows: list[tuple]) -> bool:
    cols = [table.c[name] for name in columns]
    stored = [tuple(r) for r in conn.execute(select(*cols).where(table.c.season_id == season_id,
                                                                  table.c.source == source))]
    if sorted(stored, key=repr) == sorted(rows, key=repr):
        return False
    conn.execute(delete(table).where(table.c.season_id == season_id, table.c.source == source))
    extra = {"stored_at": datetime.now(UTC).replace(tzinfo=None)} if "stored_at" in table.c else {}
    bulk_insert(conn, table, [{"season_id": season_id, "source": source, **dict(zip(columns, row, strict=True)),
                               **extra} for row in rows])
    return True


def write_standings(conn: Connection, resolver: Resolver, source: str,
                    records: Sequence[PublishedStandingRecord], counts: ProviderCounts) -> None:
    by_season: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for rec in records:
        comp_id = resolver.competition(rec.competition)
        season_id = resolver.season(comp_id, rec.season)
        by_season[(comp_id, season_id)].append((
            rec.group or "", rec.position, resolver.team(rec.team), rec.team.name, rec.played, rec.won, rec.drawn,
            rec.lost, rec.goals_for, rec.goals_against, rec.goal_difference, rec.points, rec.form,
            (rec.description or "")[:200] or None, rec.updated_at))
    for (comp_id, season_id), rows in by_season.items():
        if _replace_snapshot(conn, published_standings, STANDING_COLUMNS, season_id, source, rows):
            counts.standings_changed += 1
            counts.tags.update((f"league:{comp_id}", f"season:{season_id}"))


def write_scorers(conn: Connection, resolver: Resolver, source: str, records: Sequence[ScorerRecord],
                  counts: ProviderCounts) -> None:
    by_season: dict[tuple[int, int], list[tuple[ScorerRecord, int]]] = defaultdict(list)
    for rec in records:
        comp_id = resolver.competition(rec.competition)
        by_season[(comp_id, resolver.season(comp_id, rec.season))].append((rec, resolver.team(rec.team)))
    for (comp_id, season_id), items in by_season.items():
        player_ids = resolver.players({(rec.player_name, team_id) for rec, team_id in items})
        rows = [(rec.rank, player_ids[(rec.player_name, team_id)], rec.player_name, team_id, rec.goals, rec.assists,
                 rec.penalties, rec.appearances, rec.minutes, rec.expected_goals, rec.expected_assists)
                for rec, team_id in items]
        if _replace_snapshot(conn, published_scorers, SCORER_COLUMNS, season_id, source, rows):
            counts.scorers_changed += 1
            counts.tags.update((f"league:{comp_id}", f"season:{season_id}"))


def write_teams(resolver: Resolver, records: Sequence[TeamRecord], counts: ProviderCounts) -> None:
    """A provider's team list: each team joins a known one (aliases, alias file) or is created; its provider id
    is kept as an external id either way, and what the provider says of it (crest, stadium ...) as its profile."""
    found = []
    for rec in records:
        team_id = resolver.team(rec.team)
        counts.teams += 1
        if rec.profile is not None:
            found.append((team_id, rec.profile))
    changed = write_profiles(resolver.conn, resolver.source, found) if found else set()
    counts.tags.update(f"team:{t}" for t in changed)


def write_competitions(resolver: Resolver, records: Sequence[CompetitionRecord], counts: ProviderCounts) -> None:
    for rec in records:
        comp_id = resolver.competition(rec.competition)
        for label in rec.seasons:
            resolver.season(comp_id, label)
        counts.competitions += 1


def _match_ids_by_key(conn: Connection, source: str, keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    return dict(conn.execute(select(external_ids.c.external_id, external_ids.c.internal_id).where(
        external_ids.c.source == source, external_ids.c.entity == "match",
        external_ids.c.external_id.in_(sorted(keys)))).all())


def _team_keys(conn: Connection, source: str, team_ids: set[int]) -> dict[int, set[str]]:
    """Each team's provider ids (the part after the scope: ``England/33`` → ``33``)."""
    found: dict[int, set[str]] = defaultdict(set)
    for external_id, internal_id in conn.execute(select(external_ids.c.external_id, external_ids.c.internal_id)
                                                 .where(external_ids.c.source == source,
                                                        external_ids.c.entity == "team",
                                                        external_ids.c.internal_id.in_(sorted(team_ids)))):
        found[internal_id].add(external_id.rsplit("/", 1)[-1])
    return found


def _stored_parts(conn: Connection, match_id: int) -> dict[str, bool]:
    """Which children a match already has (a partial answer only fills what is missing)."""
    return {kind: conn.execute(select(table.c.match_id).where(table.c.match_id == match_id).limit(1)).first()
            is not None for kind, table in (("events", match_events), ("lineups", match_lineups),
                                            ("stats", team_match_stats), ("player_stats", player_match_stats),
                                            ("odds", odds_quotes))}


def write_details(conn: Connection, resolver: Resolver, source: str, details: Sequence[MatchDetailRecord],
                  counts: ProviderCounts) -> None:
    """Attach each detail to the match stored under its provider id; a detail for an unknown match, or naming a
    team that plays in neither side of it, is reported and nothing of it is written."""
    ids = _match_ids_by_key(conn, source, {d.match_key for d in details})
    rows = {r.id: r for r in conn.execute(select(matches.c.id, matches.c.competition_id, matches.c.season_id,
                                                 matches.c.home_team_id, matches.c.away_team_id)
                                          .where(matches.c.id.in_(sorted(set(ids.values())))))} if ids else {}
    keys = _team_keys(conn, source, {t for r in rows.values() for t in (r.home_team_id, r.away_team_id)})
    records, match_ids, id_rows = [], [], []
    for line, detail in enumerate(details, start=1):
        match_id = ids.get(detail.match_key)
        if match_id is None:
            counts.problems.append(RowProblem(line, "fixture", f"fixture {detail.match_key} is not in the store; "
                                              "load its fixture first", detail.match_key))
            continue
        row = rows[match_id]
        sides = {HOME_KEY: Side.HOME, AWAY_KEY: Side.AWAY}
        sides |= {k: Side.HOME for k in keys.get(row.home_team_id, ())}
        sides |= {k: Side.AWAY for k in keys.get(row.away_team_id, ())}
        unknown = sorted({k for k, _e in detail.events if k not in sides} |
                         {p.team_key for p in detail.parts if p.team_key not in sides})
        if unknown:
            counts.problems.append(RowProblem(line, "team", f"fixture {detail.match_key}: team {', '.join(unknown)} "
                                              "plays in neither side of the stored match", detail.match_key))
            continue
        present = _stored_parts(conn, match_id) if detail.partial else {}
        if detail.partial and all(present.get(kind) for kind in detail.kinds - {"stats"}) and \
                "stats" not in detail.kinds:
            continue  # a filtered answer about parts already stored in full
        records.append(_as_match_record(detail, sides))
        match_ids.append(match_id)
        id_rows.append((row.competition_id, row.season_id, row.home_team_id, row.away_team_id, "league"))
        counts.details_applied += 1
        counts.tags.update((f"match:{match_id}", f"league:{row.competition_id}"))
    if records:
        sync_children(conn, resolver, records, id_rows, match_ids, source)


def _as_match_record(detail: MatchDetailRecord, sides: dict[str, Side]) -> MatchRecord:
    """The detail as the children of a match record (the only parts ``sync_children`` reads)."""
    def side_of(key: str) -> Side:
        return sides[key]

    events = tuple(replace(e, side=side_of(k)) for k, e in detail.events)
    lineups = tuple(replace(e, side=side_of(p.team_key)) for p in detail.parts for e in p.lineup)
    stats = tuple(replace(p.stats, side=side_of(p.team_key)) for p in detail.parts if p.stats is not None)
    players = tuple(replace(e, side=side_of(p.team_key)) for p in detail.parts for e in p.player_stats)
    formations = tuple(replace(p.formation, side=side_of(p.team_key)) for p in detail.parts
                       if p.formation is not None)
    placeholder = TeamRef("", None)
    return MatchRecord(CompetitionRef("", "", None), "", placeholder, placeholder, None, events=events,
                       lineups=lineups, stats=stats, player_stats=players, odds=detail.odds, formations=formations)
