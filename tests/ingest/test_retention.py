"""Logs that grow with traffic stay bounded (DESIGN §13): a simulated week of live polling (seven match days of
one match polled every two minutes), with the feed delivered after each poll and the maintenance job run as the
embedded scheduler would, leaves the outbox and the cache-invalidation log holding only the recent rows, where
without retention they would hold every poll's; and no row is lost or delivered twice across the pruning (an id is
never handed out twice, even once the rows at the top were deleted: SQLite AUTOINCREMENT)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from matchday.domain.records import CompetitionRef, MatchRecord, MatchStatus, Period, TeamRef
from matchday.ingest.live import ingest_snapshots
from matchday.ingest.maintenance import maintain
from matchday.ingest.publish import Publisher, Subscriber
from matchday.settings import Settings
from matchday.store import outbox
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade

POLLS_PER_DAY, DAYS, MAINTAIN_EVERY = 48, 7, 12


def test_a_week_of_live_polling_stays_bounded(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    settings = Settings(database_url=str(engine.url), outbox_keep_s=0.001, cache_log_keep_s=0.001)
    delivered: list[int] = []
    publisher = Publisher(engine, [Subscriber("feed", "feed", lambda batch: delivered.extend(m["id"] for m in batch)),
                                   Subscriber("changes:test", "changes", lambda batch: None)])
    largest: dict[str, int] = {}
    written = 0
    for day in range(DAYS):
        kickoff = datetime(2026, 3, 1, 15) + timedelta(days=day)
        match = MatchRecord(CompetitionRef("sim.1", "Simulated League", "England"), "2025-26",
                            TeamRef("Home Town", "England"), TeamRef(f"Away Rovers {day}", "England"),
                            kickoff.date(), kickoff_utc=kickoff, status=MatchStatus.LIVE,
                            period=Period.FIRST_HALF, minute=0, home_goals=0, away_goals=0)
        for poll in range(POLLS_PER_DAY):
            minute = poll + 1
            snapshot = replace(match, minute=minute, period=Period.FIRST_HALF if minute <= 45 else Period.SECOND_HALF,
                               home_goals=minute // 30)
            written += ingest_snapshots(engine, "simulator", [snapshot]).events
            publisher.publish_once()
            if poll % MAINTAIN_EVERY == MAINTAIN_EVERY - 1:
                maintain(engine, settings)
                for table, size in outbox.sizes(engine).items():
                    largest[table] = max(largest.get(table, 0), size)
    assert written >= DAYS * 3, "kick-off and goals on the feed every day"
    assert len(delivered) == written == len(set(delivered)), "none lost to pruning, none delivered twice"
    # bounded by what a few polls write, not by the week's traffic
    assert largest["feed_events"] <= 3 * MAINTAIN_EVERY, largest
    assert largest["change_sets"] <= 3 * MAINTAIN_EVERY, largest
    assert largest["cache_invalidations"] <= 6 * 3 * MAINTAIN_EVERY, largest
    engine.dispose()


def test_a_cache_reader_behind_the_pruned_log_flushes_everything(tmp_path: Path) -> None:
    from matchday.domain.changes import EVERYTHING
    from matchday.ingest.apply import writing

    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    for tag in ("match:1", "match:2", "match:3"):
        with writing(engine) as (_conn, changes):
            changes.tags.add(tag)
    with engine.connect() as conn:
        reader_at = outbox.latest_tag_id(conn) - 2  # a reader that saw only the first write
    outbox.prune(engine, keep_s=1, tags_keep_s=-60)  # every tag older than "a minute from now"
    with engine.connect() as conn:
        assert outbox.sizes(engine)["cache_invalidations"] == 0
        assert outbox.latest_tag_id(conn) == reader_at + 2, "an emptied log keeps its position"
        position, tags = outbox.tags_since(conn, reader_at)
        assert (position, tags) == (reader_at + 2, {EVERYTHING}), "it cannot know what it missed: all of it"
        assert outbox.tags_since(conn, reader_at + 2) == (reader_at + 2, set()), "an up-to-date reader keeps all"
    engine.dispose()


def test_a_pruned_body_that_comes_back_is_archived_again(tmp_path: Path) -> None:
    from datetime import UTC

    from matchday.store import raw_archive

    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    first = raw_archive.archive(engine, "api-football", "teams", {}, "https://x/teams", 200, {}, b'{"response": []}')
    assert raw_archive.prune_bodies(engine, datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)) == 1
    again = raw_archive.archive(engine, "api-football", "teams", {}, "https://x/teams", 200, {}, b'{"response": []}')
    content = {r.id: r.content_hash for r in raw_archive.responses(engine)}
    assert raw_archive.body_of(engine, content[again]) == b'{"response": []}'  # the same bytes, stored again
    assert content[first] == content[again]
    engine.dispose()
