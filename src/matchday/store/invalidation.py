"""The cache-invalidation log: which cache tags a write touched (written in the write's transaction)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, delete, func, select, text

from matchday.store.bulk import bulk_insert
from matchday.store.match_writes import MatchChange
from matchday.store.schema import cache_invalidations

EVERYTHING = "*"
MANY_MATCHES = 500  # past this, one write flushes every cached answer instead of naming each match


def tags_for(changes: Sequence[MatchChange]) -> set[str]:
    """Tags of what the changed matches appear in: the match, its league, season and both teams."""
    if not changes:
        return set()
    if len(changes) > MANY_MATCHES:
        return {EVERYTHING}
    tags = {"matches"}
    for change in changes:
        tags.update((f"match:{change.match_id}", f"league:{change.competition_id}", f"season:{change.season_id}",
                     f"team:{change.home_team_id}", f"team:{change.away_team_id}"))
    return tags


# PostgreSQL hands out ids when a row is inserted, not when it commits: two writers could commit their log rows
# out of id order, and a reader that saw the later id would never look at the earlier one. One lock, held from the
# insert to the commit, keeps ids in commit order (SQLite has one writer at a time anyway).
_LOG_LOCK = 0x6D61_7463_6864_6179 & 0x7FFF_FFFF_FFFF_FFFF  # "matchday"


def record(conn: Connection, tags: Iterable[str]) -> int | None:
    """Log the tags a write touched, in the write's transaction; call it last, just before the commit, since
    concurrent writers wait here until this one commits. Returns the log position the write reaches once
    committed (None: nothing to log), for ``store.write_position.announce``."""
    rows = [{"tag": tag} for tag in sorted(tags)]
    if not rows:
        return None
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOG_LOCK})
    bulk_insert(conn, cache_invalidations, rows)
    return latest_id(conn)  # under the lock (or SQLite's one writer): this write's own last id


def latest_id(conn: Connection) -> int:
    return conn.execute(select(func.max(cache_invalidations.c.id))).scalar() or 0


def since(conn: Connection, last_id: int) -> tuple[int, set[str]]:
    rows = conn.execute(select(cache_invalidations.c.id, cache_invalidations.c.tag)
                        .where(cache_invalidations.c.id > last_id)).all()
    return (max((r.id for r in rows), default=last_id), {r.tag for r in rows})


def prune(conn: Connection, keep_after_id: int) -> None:
    conn.execute(delete(cache_invalidations).where(cache_invalidations.c.id <= keep_after_id))
