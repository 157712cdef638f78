"""All SQL of the change stream's outbox (DESIGN §13): append a write's ChangeSet in its own transaction, read what
a consumer has not yet seen, advance its cursor under a lease, and prune what every consumer has passed.

Three logs make the outbox: ``feed_events`` (the live feed's messages, per-match sequence), ``change_sets``
(matches or seasons whose results may have moved) and ``cache_invalidations`` (the cache tags a write touched,
read by every API process by position). On PostgreSQL ids are handed out at insert, not commit: one advisory lock,
held from the append to the commit, keeps all three in commit order, so a cursor never skips a row that commits
late (SQLite has one writer at a time anyway).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, text, update

from matchday.domain.changes import EVERYTHING, ChangeSet
from matchday.store.bulk import bulk_insert
from matchday.store.clock import db_now
from matchday.store.schema import cache_invalidations, change_sets, feed_events, outbox_cursors

_LOG_LOCK = 0x6D61_7463_6864_6179 & 0x7FFF_FFFF_FFFF_FFFF  # "matchday"
FEED_READER_BACKLOG_S = 1800.0  # how far back a new reader of the feed other than the broker's starts
PRUNED_TAGS = "cache-log-pruned"  # a cursor row holding the highest pruned invalidation id (readers behind it flush)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# ---- the writer's side ----------------------------------------------------------------------------------------
def append(conn: Connection, changes: ChangeSet) -> int | None:
    """Append the write's ChangeSet, last in its transaction (concurrent writers wait here until this one
    commits). Returns the cache log's position this write reaches once committed (None: no cache tag)."""
    tags = sorted(changes.cache_tags())
    results = changes.results()
    if not (tags or results or changes.feed):
        return None
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOG_LOCK})
    bulk_insert(conn, feed_events, changes.feed)
    if results:
        conn.execute(insert(change_sets).values(results=results))
    if not tags:
        return None
    bulk_insert(conn, cache_invalidations, [{"tag": tag} for tag in tags])
    return latest_tag_id(conn)  # under the lock (or SQLite's one writer): this write's own last id


# ---- the cache log (read by every API process by position) ----------------------------------------------------
_NEWEST_TAG = select(func.max(cache_invalidations.c.id))  # built once: every API miss reads the position
_PRUNED_TO = select(outbox_cursors.c.position).where(outbox_cursors.c.consumer == PRUNED_TAGS)


def latest_tag_id(conn: Connection) -> int:
    """The log's position: its newest id, or where it was pruned to when the pruning emptied it."""
    newest = conn.execute(_NEWEST_TAG).scalar() or 0
    return max(newest, conn.execute(_PRUNED_TO).scalar() or 0)


def tags_since(conn: Connection, last_id: int) -> tuple[int, set[str]]:
    """The tags logged after ``last_id`` and the position reached; a reader behind what was pruned gets
    EVERYTHING (it cannot know what it missed)."""
    rows = conn.execute(select(cache_invalidations.c.id, cache_invalidations.c.tag)
                        .where(cache_invalidations.c.id > last_id)).all()
    tags = {r.tag for r in rows}
    position = max((r.id for r in rows), default=last_id)
    pruned = conn.execute(select(outbox_cursors.c.position).where(outbox_cursors.c.consumer == PRUNED_TAGS)).scalar()
    if pruned is not None and last_id < pruned:
        tags.add(EVERYTHING)
        position = max(position, pruned)
    return position, tags


# ---- the consumers' side ----------------------------------------------------------------------------------------
def claim(engine: Engine, consumer: str, owner: str, lease_s: float) -> int | None:
    """Take ``consumer``'s lease (one compare-and-set UPDATE): its cursor position, or None when another process
    holds it. A lease left by a dead process runs out after ``lease_s``."""
    with engine.begin() as conn:
        now = db_now(conn)
        if conn.execute(select(outbox_cursors.c.consumer).where(outbox_cursors.c.consumer == consumer)).first() \
                is None:
            start = _start_position(conn, consumer)
            _insert_ignoring_conflict(conn, {"consumer": consumer, "position": start})
        taken = conn.execute(update(outbox_cursors).where(
            outbox_cursors.c.consumer == consumer,
            or_(outbox_cursors.c.lease_until.is_(None), outbox_cursors.c.lease_until < now,
                outbox_cursors.c.owner == owner[:120]),
        ).values(owner=owner[:120], lease_until=now + timedelta(seconds=lease_s))).rowcount
        if taken != 1:
            return None
        return conn.execute(select(outbox_cursors.c.position).where(outbox_cursors.c.consumer == consumer)).scalar_one()


def _start_position(conn: Connection, consumer: str) -> int:
    """Where a new consumer starts: the feed where the published stamps reached (a store older than the cursors);
    a consumer of change sets at the start (its work is idempotent, and a result stored before it first ran is
    still a result to score). Another reader of the feed (``feed:push``) starts ``FEED_READER_BACKLOG_S`` back:
    older news is never delivered to it."""
    if consumer.startswith("feed:"):
        edge = utcnow() - timedelta(seconds=FEED_READER_BACKLOG_S)
        return conn.execute(select(func.max(feed_events.c.id)).where(feed_events.c.created_at < edge)).scalar() or 0
    if consumer == "feed":
        return conn.execute(select(func.max(feed_events.c.id)).where(feed_events.c.published_at.is_not(None))
                            ).scalar() or 0
    return 0


def _insert_ignoring_conflict(conn: Connection, row: dict[str, Any]) -> None:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(outbox_cursors).values(**row).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(outbox_cursors).values(**row).on_conflict_do_nothing())


def advance(engine: Engine, consumer: str, owner: str, position: int, lease_s: float) -> bool:
    """Move the cursor past what was delivered and extend the lease; False when the lease was lost meanwhile."""
    with engine.begin() as conn:
        return conn.execute(update(outbox_cursors).where(outbox_cursors.c.consumer == consumer,
                                                         outbox_cursors.c.owner == owner[:120])
                            .values(position=position, lease_until=db_now(conn) + timedelta(seconds=lease_s))
                            ).rowcount == 1


def release(engine: Engine, consumer: str, owner: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(outbox_cursors).where(outbox_cursors.c.consumer == consumer,
                                                  outbox_cursors.c.owner == owner[:120])
                     .values(owner=None, lease_until=None))


def pending_feed(engine: Engine, after_id: int, limit: int = 5000) -> list[dict[str, Any]]:
    """Committed feed events past ``after_id``, oldest first, as broker messages."""
    with engine.connect() as conn:
        rows = conn.execute(select(feed_events).where(feed_events.c.id > after_id)
                            .order_by(feed_events.c.id).limit(limit)).mappings().all()
    return [{"id": r["id"], "type": r["type"], "channels": r["channels"],
             "timestamp": r["created_at"].replace(tzinfo=UTC).isoformat(), "data": r["payload"]} for r in rows]


def mark_feed_published(engine: Engine, up_to_id: int) -> None:
    """Stamp feed events up to ``up_to_id`` delivered, and move the feed's cursor past them (never back)."""
    with engine.begin() as conn:
        conn.execute(update(feed_events).where(feed_events.c.id <= up_to_id, feed_events.c.published_at.is_(None))
                     .values(published_at=utcnow()))
        top = conn.execute(select(func.max(feed_events.c.id)).where(feed_events.c.id <= up_to_id)).scalar() or 0
        _insert_ignoring_conflict(conn, {"consumer": "feed", "position": 0})
        conn.execute(update(outbox_cursors).where(outbox_cursors.c.consumer == "feed",
                                                  outbox_cursors.c.position < top).values(position=top))


def pending_changes(engine: Engine, after_id: int, limit: int = 500) -> list[tuple[int, dict[str, list[int]]]]:
    with engine.connect() as conn:
        return [(r.id, r.results) for r in conn.execute(
            select(change_sets.c.id, change_sets.c.results).where(change_sets.c.id > after_id)
            .order_by(change_sets.c.id).limit(limit))]


# ---- retention --------------------------------------------------------------------------------------------------
def prune(engine: Engine, *, keep_s: float, tags_keep_s: float) -> dict[str, int]:
    """Delete what every consumer has passed and is older than ``keep_s`` (feed events, change sets), and cache
    tags older than ``tags_keep_s`` (a reader further behind than that flushes everything instead)."""
    now = utcnow()
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        # (ids are never handed out twice, so emptying a log leaves every cursor and API process where it was)
        cursors = dict(conn.execute(select(outbox_cursors.c.consumer, outbox_cursors.c.position)).all())
        # no feed cursor: no process ever delivered the feed (collecting without a server or Redis); what is older
        # than the retention is no news for a server started later
        feed_floor = cursors.get("feed", conn.execute(select(func.max(feed_events.c.id))).scalar() or 0)
        change_floor = min((p for c, p in cursors.items() if c.startswith("changes")),
                           default=conn.execute(select(func.max(change_sets.c.id))).scalar() or 0)
        counts["feed_events"] = conn.execute(delete(feed_events).where(
            feed_events.c.id <= feed_floor, feed_events.c.created_at < now - timedelta(seconds=keep_s))).rowcount
        counts["change_sets"] = conn.execute(delete(change_sets).where(
            change_sets.c.id <= change_floor, change_sets.c.created_at < now - timedelta(seconds=keep_s))).rowcount
        edge = conn.execute(select(func.max(cache_invalidations.c.id)).where(
            cache_invalidations.c.created_at < now - timedelta(seconds=tags_keep_s))).scalar() or 0
        counts["cache_invalidations"] = 0
        if edge > 0:
            _insert_ignoring_conflict(conn, {"consumer": PRUNED_TAGS, "position": 0})
            conn.execute(update(outbox_cursors).where(outbox_cursors.c.consumer == PRUNED_TAGS,
                                                      outbox_cursors.c.position < edge).values(position=edge))
            counts["cache_invalidations"] = conn.execute(delete(cache_invalidations).where(
                cache_invalidations.c.id <= edge)).rowcount
    return counts


def sizes(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (feed_events, change_sets, cache_invalidations)}
