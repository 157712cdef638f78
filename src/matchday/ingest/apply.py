"""The one tail after every write (DESIGN §13): the write's ChangeSet goes to the outbox in the write's own
transaction, then, after the commit, the write position is announced and this process's publisher is woken.

Every path that writes football data ends here: record loads (``pipeline.write_parsed``: files, collector jobs,
``matchday reparse``, admin runs), columnar first loads (``bulk.write_columnar``), live polls, the demo and replays
(``live.ingest_snapshots``) and team merges. So a result stored by any of them reaches every subscriber: the live
feed, cache invalidation, prediction-league scoring. A crash leaves the data and its ChangeSet both, or neither;
nothing after the commit waits on another process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import Connection, Engine

from matchday.cache import write_position
from matchday.domain.changes import ChangeSet
from matchday.store import outbox

_woken: list[Callable[[], None]] = []  # this process's publishers (``ingest.publish``), told a write committed


def on_commit(callback: Callable[[], None]) -> None:
    """``callback`` (thread-safe, non-blocking) runs after each write this process commits."""
    _woken.append(callback)


def forget(callback: Callable[[], None]) -> None:
    if callback in _woken:
        _woken.remove(callback)


@contextmanager
def writing(engine: Engine, begin: Callable[[], AbstractContextManager[Connection]] | None = None
            ) -> Iterator[tuple[Connection, ChangeSet]]:
    """One write transaction and the ChangeSet it fills; the ChangeSet is appended to the outbox just before the
    commit (``begin``: how to open the transaction, e.g. ``fk_check.checked_at_end``; default ``engine.begin``)."""
    changes = ChangeSet()
    with (begin() if begin is not None else engine.begin()) as conn:
        yield conn, changes
        position = outbox.append(conn, changes)
    write_position.announce(engine, position)
    if not changes.empty:
        for callback in list(_woken):
            callback()
