"""A hash of the last bulk statement about each match (``matches.content_hash``): re-loads skip what it covers.

A bulk load (``store.bulk_load``) hashes each row it is given: the source's name, the match key, the resolved
competition and teams, every merged field, the attributes and the events, in order. A stored match whose hash
equals the row's was last described by that source with exactly this statement, so merging it again changes
nothing: the row is unchanged without reading the stored values back. The key is in the hash, so a re-load
reads only (season, hash) pairs: a season's stored match holding the row's hash is the row's match (a match
key read back as text, and made into a frame, cost half of the read).

The hash is only trusted while that statement is still the source's claim. Every other writer of a match's
claims or children (``match_writes.write_matches``, the record path and live feeds alike) clears it for the
matches where anything changed; a team merge changes the match's team ids, so a later row no longer hashes
the same. A cleared or missing hash only costs speed: the row is then compared field by field, as before.
Hashes come from polars' row hash, which may differ between polars versions: after an upgrade every row is
compared field by field once and hashed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, bindparam, select, update

from matchday.domain import merge
from matchday.store.bulk import COPY_FROM, copy_frame, fetch_tuples
from matchday.store.schema import matches

if TYPE_CHECKING:  # polars is imported where frames are made: record writers (match_writes) never need it
    import polars as pl

_CHUNK = 900
_SEP, _NULL = "\x1f", "\x00"  # between an event's fields; a missing one
_EVENT_FIELDS = ("type", "side", "minute", "added_minute", "player_name")


def _text(name: str) -> pl.Expr:
    import polars as pl

    return pl.col(name).cast(pl.String).fill_null(_NULL)


def with_content_hash(frame: pl.DataFrame, events: pl.DataFrame, source: str) -> pl.DataFrame:
    """``frame`` (resolved and keyed rows: match_key, competition_id, home_id, away_id, the merged fields,
    attributes, line) with a ``content_hash`` column (signed 64-bit, as the column stores it)."""
    import polars as pl

    fields: list[pl.Expr | str] = [pl.lit(source).alias("source"), "match_key", "competition_id", "home_id",
                                   "away_id", *merge.FIELDS, "attributes"]
    rows = frame
    if events.height:
        by_line = events.sort("match_line", "order").group_by("match_line").agg(
            events_text=pl.concat_str([_text(name) for name in _EVENT_FIELDS], separator=_SEP).str.join("\x1e"))
        rows = frame.join(by_line, left_on="line", right_on="match_line", how="left", maintain_order="left")
        fields.append("events_text")
    hashed = rows.select(pl.struct(fields).hash(seed=20).reinterpret(signed=True).alias("content_hash"))
    return frame.with_columns(hashed.get_column("content_hash"))


def stored_hashes(conn: Connection, season_ids: Sequence[int]) -> pl.DataFrame:
    """(season_id, stored_hash) of the stored matches of these seasons (the hash null where it was cleared), in one
    statement (``bulk.fetch_tuples``)."""
    import polars as pl

    rows = fetch_tuples(conn, select(matches.c.season_id, matches.c.content_hash)
                        .where(matches.c.season_id.in_(sorted(season_ids))))
    return pl.DataFrame(rows, schema={"season_id": pl.Int64, "stored_hash": pl.Int64}, orient="row")


def remember(conn: Connection, frame: pl.DataFrame) -> None:
    """Store the hash of each row of ``frame`` (season_id, match_key, content_hash) on its match, after the merge
    wrote it (a row whose match is stored under another key has no match to mark and is compared next time).
    On PostgreSQL many rows go in with one COPY and one UPDATE: with one UPDATE per row, the first re-load after
    the hash rule changed (the load benchmark's 310k matches all hashed again) took 19.7 s, 13.1 s with this."""
    if not frame.height:
        return
    rows = frame.select("season_id", "match_key", "content_hash")
    if conn.dialect.name == "postgresql" and rows.height >= COPY_FROM:
        conn.exec_driver_sql("CREATE TEMPORARY TABLE remembered_hashes "
                             "(season_id bigint, match_key text, content_hash bigint)")
        copy_frame(conn, "remembered_hashes", rows)
        conn.exec_driver_sql("UPDATE matches SET content_hash = r.content_hash FROM remembered_hashes r "
                             "WHERE matches.season_id = r.season_id AND matches.match_key = r.match_key")
        conn.exec_driver_sql("DROP TABLE remembered_hashes")
        return
    conn.execute(update(matches).where(matches.c.season_id == bindparam("b_season"),
                                       matches.c.match_key == bindparam("b_key"))
                 .values(content_hash=bindparam("b_hash")),
                 [{"b_season": s, "b_key": k, "b_hash": h} for s, k, h in rows.iter_rows()])


def forget(conn: Connection, match_ids: Iterable[int]) -> None:
    """These matches' claims or children changed: their last bulk statement no longer describes them."""
    ordered = sorted(set(match_ids))
    for start in range(0, len(ordered), _CHUNK):
        conn.execute(update(matches).where(matches.c.id.in_(ordered[start:start + _CHUNK]),
                                           matches.c.content_hash.is_not(None)).values(content_hash=None))
