"""First loads from columns: a whole new season goes in with one bulk insert, everything else through the merge.

A columnar parse (``sources/columnar.py``) gives a unit's matches as columns. Competitions, seasons and teams are
resolved once per distinct value by the same ``Resolver`` as the record path, in the same order, and match keys
are computed with the same rule as ``match_writes._keys``, vectorised. Then the rows split by season:

- a season that holds no match yet has nothing to merge: its rows are inserted as they are, in one
  ``executemany`` on SQLite or one ``COPY`` straight into matches on PostgreSQL, ids allocated up front,
  provenance and events after them; secondary indexes (and on PostgreSQL foreign keys) are built and checked
  after the insert when it is large enough (``store.deferred_indexes``);
- a season that already holds matches: rows whose stored match holds their content hash (``store.content_hash``)
  are unchanged; the rest are compared field by field with the stored values, and what may change goes through
  ``match_writes.write_matches`` (field-by-field merge), as canonical records built for those rows only.

Everything happens in the caller's transaction: a failure or a kill leaves nothing of the unit behind.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
import psycopg
from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Integer, Text, case, cast, literal, select

from matchday.domain import merge
from matchday.domain.changes import MatchChange
from matchday.domain.records import (
    CompetitionRef,
    EventType,
    Finish,
    MatchEventRecord,
    MatchRecord,
    MatchStatus,
    Period,
    Side,
    TeamRef,
)
from matchday.errors import Conflict
from matchday.sources.columnar import ColumnarParse
from matchday.store.bulk import copy_frame, fetch_tuples, sequence_ids
from matchday.store.content_hash import remember, stored_hashes, with_content_hash
from matchday.store.deferred_indexes import built_after_insert
from matchday.store.fk_check import vouch
from matchday.store.identity import Resolver
from matchday.store.match_writes import (
    UPDATABLE,
    WriteCounts,
    utcnow,
    write_matches,
)
from matchday.store.schema import match_sources, matches

COMP_COLUMNS = ("comp_code", "comp_name", "comp_country", "comp_kind", "comp_key")
TEAM_COLUMNS = ("name", "country", "key")
NO_DATE = date.max  # where the record path sorts an undated match
SMALL = 500  # up to this many new matches, each gets a MatchChange (beyond, one "everything" tag says it all)
NOT_NULL = frozenset({"id", "competition_id", "season_id", "match_key", "home_team_id", "away_team_id",
                      "attributes", "updated_at", "stage", "status", "neutral", "content_hash"})
SCORES = ("home_goals", "away_goals", "home_goals_ht", "away_goals_ht", "home_goals_et", "away_goals_et",
          "home_penalties", "away_penalties")
EVENT_COLUMNS = ("match_id", "seq", "type", "side", "minute", "added_minute", "player_id", "player_name", "source")


@dataclass
class BulkCounts(WriteCounts):
    """``WriteCounts`` of a columnar write; ``changes`` names new matches only when there are at most SMALL."""

    bulk_new: int = 0  # matches inserted by the bulk insert (the rest went through write_matches)
    tags_everything: bool = False
    bulk_seasons: set[int] = field(default_factory=set)  # seasons of new matches too many to list one by one


def _resolve(resolver: Resolver, frame: pl.DataFrame) -> pl.DataFrame:
    """Add competition_id, season_id, home_id, away_id, resolving each distinct value once, in row order
    (``frame`` in ascending ``line`` order, as every columnar parse gives it)."""
    comps = frame.select(COMP_COLUMNS).unique(maintain_order=True)
    comp_ids = [resolver.competition(CompetitionRef(code, name, country, kind, key))
                for code, name, country, kind, key in comps.iter_rows()]
    frame = frame.join(comps.with_columns(competition_id=pl.Series(comp_ids, dtype=pl.Int64)), on=COMP_COLUMNS,
                       how="left", nulls_equal=True, maintain_order="left")
    seasons = frame.select("competition_id", "season").unique(maintain_order=True)
    season_ids = resolver.seasons_of(list(seasons.iter_rows()))
    frame = frame.join(seasons.with_columns(season_id=pl.Series(season_ids, dtype=pl.Int64)),
                       on=["competition_id", "season"], how="left", maintain_order="left")
    # the distinct teams in the order they first appear (by line, home before away): each side's first
    # appearances, then those few sorted (not every row of both sides)
    sides = [frame.select(pl.col("line"), pl.lit(order).alias("side"), pl.col(prefix).alias("name"),
                          pl.col(f"{prefix}_country").alias("country"), pl.col(f"{prefix}_key").alias("key"))
             .unique(TEAM_COLUMNS, keep="first", maintain_order=True)
             for order, prefix in enumerate(("home", "away"))]
    teams = pl.concat(sides).sort("line", "side").select(TEAM_COLUMNS).unique(maintain_order=True)
    team_ids = pl.Series(resolver.teams([TeamRef(name, country, key) for name, country, key in teams.iter_rows()]),
                         dtype=pl.Int64)
    teams = teams.with_columns(team_id=team_ids)
    for prefix in ("home", "away"):
        frame = frame.join(teams.rename({"name": prefix, "country": f"{prefix}_country", "key": f"{prefix}_key",
                                         "team_id": f"{prefix}_id"}),
                           on=[prefix, f"{prefix}_country", f"{prefix}_key"], how="left", nulls_equal=True,
                           maintain_order="left")
    return frame


def _with_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """match_key as ``match_writes._keys`` makes it: repeated pairings in a season get #2, #3 in date order."""
    when = pl.when(pl.col("comp_kind") == "league").then(pl.lit("")).otherwise(
        pl.col("match_date").cast(pl.String).fill_null("None") + "|")
    base = pl.concat_str([pl.col("stage"), pl.lit("|"), when, pl.col("home_id").cast(pl.String), pl.lit("-"),
                          pl.col("away_id").cast(pl.String)])
    frame = frame.with_columns(base=base)
    # the n-th of its pairing by date, ties in row order (an ordinal rank: no sort of the whole frame), ranked
    # among the rows of pairings met more than once in their season only: the rest are each the first (a window
    # over every row was most of this function's time)
    repeated = frame.select(pl.struct("season_id", "base").is_duplicated()).to_series()
    nth = pl.repeat(1, frame.height, dtype=pl.Int64, eager=True)
    if repeated.any():
        ranks = frame.filter(repeated).select(
            pl.col("match_date").fill_null(NO_DATE).rank("ordinal").over("season_id", "base").cast(pl.Int64))
        nth = nth.scatter(repeated.arg_true(), ranks.to_series())
    key = pl.when(nth == 1).then(pl.col("base")).otherwise(pl.col("base") + "#" + nth.cast(pl.String))
    return frame.with_columns(match_key=key)


def write_columns(conn: Connection, resolver: Resolver, parsed: ColumnarParse, source: str) -> BulkCounts:
    counts = BulkCounts()
    if parsed.matches.height == 0:
        return counts
    frame = with_content_hash(_with_keys(_resolve(resolver, parsed.matches)), parsed.events, source)
    # every stored match of the unit's seasons, with its hash: the seasons that have any are merged into
    stored = stored_hashes(conn, frame.get_column("season_id").unique().to_list())
    in_existing = pl.col("season_id").is_in(stored.get_column("season_id").unique().sort().to_list())
    merged = frame.filter(in_existing)
    fresh = frame.filter(~in_existing)
    if merged.height:
        unhashed, counts.unchanged = _without_same_hash(merged, stored)
        merged, unchanged = _without_unchanged(conn, unhashed, parsed.events, source)
        counts.unchanged += unchanged
        if merged.height:
            merge_counts = write_matches(conn, resolver, to_records(merged, parsed.events), source)
            counts.changed, counts.new = merge_counts.changed, merge_counts.new
            counts.unchanged += merge_counts.unchanged
            counts.changes = merge_counts.changes
            counts.provenance_only = merge_counts.provenance_only
        remember(conn, unhashed)  # said and merged now: the next re-load of these rows skips them by their hash
    if fresh.height:
        # in key order: the table and its unique (season, key) index then both grow at their ends
        fresh = fresh.sort("season_id", "match_key")
        ids = _allocate_ids(conn, fresh.height)
        fresh = fresh.with_columns(id=pl.Series(ids, dtype=pl.Int64))
        now = utcnow()
        # ids follow the largest stored one (SQLite) or the sequence (PostgreSQL): about as many rows are stored
        with built_after_insert(conn, ("matches", "match_events"), fresh.height, ids[0] - 1):
            # with their provenance: this source gave every field they hold (kept in the row, no match_sources row)
            _insert_matches(conn, fresh, now, source)
            # their keys: the frame's distinct ids (store.fk_check; SQLite's ids are contiguous, the largest + 1
            # on, PostgreSQL uses the values only)
            vouch(conn, "matches", (ids[0], ids[-1]), {
                "competition_id": fresh.get_column("competition_id").unique().to_list(),
                "season_id": fresh.get_column("season_id").unique().to_list(),
                "home_team_id": fresh.get_column("home_id").unique().to_list(),
                "away_team_id": fresh.get_column("away_id").unique().to_list()})
            _insert_events(conn, resolver, fresh, parsed.events, source)
        counts.new += fresh.height
        counts.bulk_new = fresh.height
        if fresh.height <= SMALL:
            counts.changes.extend(
                MatchChange(match_id, True, {}, comp_id, season_id, home_id, away_id)
                for match_id, comp_id, season_id, home_id, away_id in fresh.select(
                    "id", "competition_id", "season_id", "home_id", "away_id").iter_rows())
        else:
            counts.tags_everything = True
            counts.bulk_seasons = set(fresh.get_column("season_id").unique().to_list())
    return counts


def _stored(conn: Connection, season_ids: Sequence[int], names: Sequence[str], source: str) -> pl.DataFrame:
    """The stored matches of these seasons: keys, ``names`` as comparable plain values (dates as ISO text,
    booleans as 0/1, attributes as their JSON text), and this source's provenance row (fields mask, dissent)."""
    def plain(name: str) -> Any:
        column = matches.c[name]
        if isinstance(column.type, Date | DateTime | JSON):
            return cast(column, Text).label(name)
        if isinstance(column.type, Boolean):
            return cast(column, Integer).label(name)
        return column

    own = match_sources.alias("own")
    own_mask = case((own.c.fields.is_not(None), own.c.fields),
                    (matches.c.first_source == literal(source), matches.c.first_fields), else_=None)
    columns = [matches.c.season_id, matches.c.match_key, own_mask, cast(own.c.dissent, Text),
               *(plain(name) for name in names)]
    rows = fetch_tuples(conn, select(*columns)
                        .outerjoin(own, (own.c.match_id == matches.c.id) & (own.c.source == source))
                        .where(matches.c.season_id.in_(sorted(season_ids))))
    schema = {"season_id": pl.Int64, "match_key": pl.String, "own_fields": pl.Int64, "own_dissent": pl.String}
    for name in names:
        kind = matches.c[name].type
        schema[f"stored_{name}"] = pl.Int64 if isinstance(kind, Integer | Boolean) else pl.String
    return pl.DataFrame(rows, schema=schema, orient="row")


def _without_same_hash(merged: pl.DataFrame, stored: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Drop the rows whose stored match holds their hash (``stored``, from ``content_hash.stored_hashes``: this
    source last said exactly this; the hash covers the match key, so a stored match of the row's season holding
    it is the row's match), in whole (season, pairing) groups as ``_without_unchanged``; returns the rest and how
    many went."""
    hashes = stored.drop_nulls("stored_hash").select("season_id", pl.col("stored_hash").alias("content_hash"))
    # the rows no stored hash covers (none, in a re-load of unchanged files), then their groups
    kept = _whole_groups(merged, merged.join(hashes, on=["season_id", "content_hash"], how="anti"))
    return kept, merged.height - kept.height


def _whole_groups(merged: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``merged`` in the (season, pairing) groups of ``rows``, in order: a group is kept or dropped
    whole (``write_matches`` numbers a pairing's repeats within the rows it is given). A semi join on the few
    groups, not a window over every row; null pairings form one group, as a window's would."""
    return merged.join(rows.select("season_id", "base").unique(), on=["season_id", "base"], how="semi",
                       nulls_equal=True, maintain_order="left")


def _without_unchanged(conn: Connection, merged: pl.DataFrame, events: pl.DataFrame,
                       source: str) -> tuple[pl.DataFrame, int]:
    """Drop the rows that would change nothing, and return the rest with how many were dropped.

    A row changes nothing when ``match_merge`` would skip it (this source's provenance row already holds each
    field the row gives, with no dissent, and the stored value is equal), its attributes are already stored and
    it has no events. Whole (season, pairing) groups only: ``write_matches`` numbers repeated pairings within the
    rows it is given, so a group is kept or dropped whole. Anything not proven unchanged goes to the merge.
    """
    if merged.height == 0:
        return merged, 0
    given = [name for name in UPDATABLE if merged.get_column(name).null_count() < merged.height]
    names = sorted({*given, "attributes"})
    stored = _stored(conn, merged.get_column("season_id").unique().to_list(), names, source)
    frame = merged.join(stored, on=["season_id", "match_key"], how="left", maintain_order="left")
    differs = [pl.col("stored_attributes").is_null(),  # not stored under this key: the merge finds it or not
               pl.col("own_fields").is_null(),  # this source never said anything about it
               pl.col("own_dissent").is_not_null() & (pl.col("own_dissent") != "null")]
    for name in given:
        new = pl.col(name)
        if merged.schema[name] == pl.Boolean:  # False means "not said" (merge_existing sees None)
            new = pl.when(new).then(pl.lit(1))
        elif merged.schema[name] == pl.Date:
            new = new.dt.to_string("%Y-%m-%d")
        elif merged.schema[name] == pl.Datetime:
            new = new.dt.to_string("%Y-%m-%d %H:%M:%S.%6f")
        said = (pl.col("own_fields") & merge.BITS[name]) != 0
        differs.append(new.is_not_null() & (new.ne_missing(pl.col(f"stored_{name}")) | ~said))
    differs.append((pl.col("attributes") != "{}") & pl.col("attributes").ne_missing(pl.col("stored_attributes")))
    differs.append(pl.col("line").is_in(events.get_column("match_line").unique().to_list()))
    kept = _whole_groups(merged, frame.filter(pl.any_horizontal(differs).fill_null(True)))
    return kept, merged.height - kept.height


def _allocate_ids(conn: Connection, count: int) -> list[int]:
    """Ids for ``count`` new matches: after the largest on SQLite (the caller holds the write lock), from the
    table's sequence on PostgreSQL."""
    if conn.dialect.name == "postgresql":
        return sequence_ids(conn, "matches", count)
    start = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM matches").scalar_one()
    return list(range(start + 1, start + 1 + count))


def _fields_mask(frame: pl.DataFrame) -> pl.Expr:
    """Each row's provenance mask: ``merge.BITS`` of the fields it holds (``neutral`` only when True), as
    ``match_merge`` computes it from a stored row (the fields ``frame`` left out hold nothing)."""
    terms = [pl.when(pl.col(name) if name == "neutral" else pl.col(name).is_not_null())
             .then(pl.lit(merge.BITS[name])).otherwise(pl.lit(0))
             for name in UPDATABLE if name in frame.columns]
    return pl.sum_horizontal(terms).cast(pl.Int64) if terms else pl.lit(0, pl.Int64)


def _match_rows(fresh: pl.DataFrame, now: Any, source: str) -> pl.DataFrame:
    """The new matches as the table's columns, columns that are null throughout left out (they default to null).
    ``source`` is each one's only source: its provenance goes into the row (``store.provenance_rows``)."""
    selected = fresh.select(
        "id", "competition_id", "season_id", "match_key", pl.col("home_id").alias("home_team_id"),
        pl.col("away_id").alias("away_team_id"), "attributes", pl.lit(now).alias("updated_at"), "content_hash",
        *(name for name in UPDATABLE if name != "neutral"), pl.col("neutral").fill_null(False))
    selected = selected.select(name for name in selected.columns
                               if name in NOT_NULL or selected.get_column(name).null_count() < selected.height)
    return selected.with_columns(first_source=pl.lit(source), first_fields=_fields_mask(selected),
                                 first_seen_at=pl.lit(now))


def _sql_literal(value: Any) -> str | None:
    """``value`` written as an SQL literal, or None where it must stay a bound parameter."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    if isinstance(value, int):
        return str(value)
    return None if "\x00" in value else "'" + value.replace("'", "''") + "'"


def _insert_matches(conn: Connection, fresh: pl.DataFrame, now: Any, source: str) -> None:
    rows = _match_rows(fresh, now, source)
    if conn.dialect.name == "postgresql":
        _copy_matches(conn, rows)
        return
    rows = rows.with_columns(
        pl.col(pl.Date).dt.to_string("%Y-%m-%d"),
        pl.col(pl.Datetime).dt.to_string("%Y-%m-%d %H:%M:%S.%6f"),
        pl.col(pl.Boolean).cast(pl.Int64),
    )
    # a value shared by every row (the status, a file's competition, the load time) is written once into the
    # statement instead of being bound 100,000 times
    literals = {}
    for name in rows.columns:
        column = rows.get_column(name)
        if name != "id" and column.n_unique() == 1:
            literal = _sql_literal(column[0])
            if literal is not None:
                literals[name] = literal
    bound = [name for name in rows.columns if name not in literals]
    values = ", ".join(literals.get(name, "?") for name in [*bound, *literals])
    sql = f"INSERT INTO matches ({', '.join([*bound, *literals])}) VALUES ({values})"
    conn.exec_driver_sql(sql, rows.select(bound).rows())


def _copy_matches(conn: Connection, rows: pl.DataFrame) -> None:
    """COPY straight into matches (these seasons held no match when the unit read them); a row that another
    writer stored meanwhile breaks the unique (season, key) index: a conflict that rolls the whole unit back
    (a re-run merges it)."""
    try:
        copy_frame(conn, "matches", rows)
    except psycopg.errors.UniqueViolation as exc:
        raise Conflict(f"new matches were stored by another load meanwhile ({exc.diag.message_detail})") from exc


def _insert_events(conn: Connection, resolver: Resolver, fresh: pl.DataFrame, events: pl.DataFrame,
                   source: str) -> None:
    """The events of new matches, owned by ``source`` (as ``match_children`` marks them: a re-load then finds
    them its own and rewrites nothing)."""
    joined = events.join(fresh.select(pl.col("line").alias("match_line"), pl.col("id").alias("match_id"),
                                      "home_id", "away_id"), on="match_line", how="inner") if events.height else events
    if joined.height == 0:  # none: said, so that PostgreSQL adds the dropped keys back without a scan
        vouch(conn, "match_events", (1, 0), {"match_id": (), "player_id": ()})
        return
    joined = joined.sort("match_id", "order").with_columns(
        seq=pl.int_range(1, pl.len() + 1).over("match_id"),
        team_id=pl.when(pl.col("side") == "home").then(pl.col("home_id")).otherwise(pl.col("away_id")),
    )
    named = joined.filter(pl.col("player_name").is_not_null()).select("player_name", "team_id").unique()
    player_ids = resolver.players(set(named.iter_rows()))
    if player_ids:
        lookup = pl.DataFrame([(name, team, pid) for (name, team), pid in player_ids.items()],
                              schema={"player_name": pl.String, "team_id": pl.Int64, "player_id": pl.Int64},
                              orient="row")
        joined = joined.join(lookup, on=["player_name", "team_id"], how="left", maintain_order="left")
    else:
        joined = joined.with_columns(player_id=pl.lit(None, pl.Int64))
    rows = joined.with_columns(source=pl.lit(source)).select(EVENT_COLUMNS)
    last = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM match_events").scalar_one()
    if conn.dialect.name == "postgresql":
        copy_frame(conn, "match_events", rows)
    else:
        columns = ", ".join(EVENT_COLUMNS)
        conn.exec_driver_sql(f"INSERT INTO match_events ({columns}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
                             rows.rows())
    # SQLite has one writer: the rows past the largest id before are these (store.fk_check checks their distinct
    # keys); PostgreSQL uses the values only (store.deferred_indexes)
    end = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM match_events").scalar_one()
    vouch(conn, "match_events", (last + 1, end), {
        "match_id": rows.get_column("match_id").unique().to_list(),
        "player_id": rows.get_column("player_id").drop_nulls().unique().to_list()})


def to_records(frame: pl.DataFrame, events: pl.DataFrame) -> list[MatchRecord]:
    """Canonical records of these rows (one ref object per distinct competition and team), for the merge."""
    by_line: dict[int, list[MatchEventRecord]] = {}
    lines = set(frame.get_column("line").to_list())
    for line, _order, type_, side, minute, added, player in events.sort("match_line", "order").iter_rows():
        if line in lines:
            by_line.setdefault(line, []).append(MatchEventRecord(EventType(type_), Side(side), minute, added, player))
    comps: dict[tuple, CompetitionRef] = {}
    teams: dict[tuple, TeamRef] = {}
    records = []
    status_of, finish_of, period_of = {s.value: s for s in MatchStatus}, {f.value: f for f in Finish}, \
        {p.value: p for p in Period}
    columns = (*COMP_COLUMNS, "home", "home_country", "home_key", "away", "away_country", "away_key", "season",
               "match_date", "kickoff_utc", "status", "stage", "round", "round_number", *SCORES, "finish", "period",
               "minute", "venue", "referee", "attendance", "neutral", "line", "attributes")
    for row in frame.select(columns).iter_rows():
        comp = comps.get(row[:5])
        if comp is None:
            comp = comps[row[:5]] = CompetitionRef(*row[:5])
        home = teams.get(row[5:8])
        if home is None:
            home = teams[row[5:8]] = TeamRef(*row[5:8])
        away = teams.get(row[8:11])
        if away is None:
            away = teams[row[8:11]] = TeamRef(*row[8:11])
        (season, day, kickoff, status, stage, round_, round_number, hg, ag, hg_ht, ag_ht, hg_et, ag_et, hp, ap,
         finish, period, minute, venue, referee, attendance, neutral, line, attributes) = row[11:]
        records.append(MatchRecord(
            comp, season, home, away, day, kickoff, status_of[status], stage, round_, round_number, hg, ag, hg_ht,
            ag_ht, hg_et, ag_et, hp, ap, finish_of[finish] if finish else None,
            period_of[period] if period else None, minute, venue, referee, attendance, bool(neutral), line,
            tuple(by_line.get(line, ())), attributes=json.loads(attributes) if attributes != "{}" else {},
        ))
    return records
