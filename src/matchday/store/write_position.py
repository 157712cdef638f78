"""The write log's position, announced in Redis after each commit, so that a cache hit touches no database.

Every write that changes what an answer shows logs the cache tags it touched (``store.invalidation``). An API
process must know the log's position before it serves a cached answer; with Redis configured, the writer (an API
process, a Celery worker, the CLI) sets ``matchday:write-position`` right after its commit, and a hit reads it in
the same round trip as the entry (``cache.RedisCache.get_with_position``). Only when it moved does the process
read the log itself. The key only grows (a Lua max), so writers racing cannot move it back.

A writer that dies between its commit and the announcement, or one started without ``MATCHDAY_REDIS_URL``, is
caught by each API process reading the log at least once a second anyway (``RECHECK_S``).
"""

from __future__ import annotations

import weakref

import structlog
from sqlalchemy import Engine

from matchday.cache import WRITE_POSITION_KEY as KEY
from matchday.store import invalidation

RECHECK_S = 1.0  # how stale an unannounced write can be, at most

_MAX_SET = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) return tonumber(ARGV[1]) end
return current
"""

# a position the store's log never reached (Redis outlived a restore, say) is put back, unless a writer moved it
_CORRECT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end
return 0
"""

log = structlog.get_logger(__name__)


class WritePosition:
    def __init__(self, redis_url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        self._max_set = self._redis.register_script(_MAX_SET)
        self._correct = self._redis.register_script(_CORRECT)

    def announce(self, position: int) -> None:
        self._max_set(keys=[KEY], args=[position])

    def close(self) -> None:
        self._redis.close()

    def correct(self, announced: int | None, position: int) -> None:
        """After reading the log at ``position``: put the key right if it was missing (Redis restarted) or ahead
        of the log (a writer's announcement always follows its commit, so a read of the log after seeing
        ``announced`` reaches it, unless the store was restored or recreated under the same Redis)."""
        if announced is None or announced < position:
            self.announce(position)
        elif announced > position:
            self._correct(keys=[KEY], args=[announced, position])


_ATTACHED: weakref.WeakKeyDictionary[Engine, WritePosition] = weakref.WeakKeyDictionary()


def attach(engine: Engine, redis_url: str | None) -> None:
    """Writes through ``engine`` announce their position in this Redis from now on (no Redis: nothing to do)."""
    if redis_url and engine not in _ATTACHED:
        _ATTACHED[engine] = WritePosition(redis_url)


def detach(engine: Engine) -> None:
    """The engine's writes no longer announce (it is being disposed): the Redis connection is closed."""
    position = _ATTACHED.pop(engine, None)
    if position is not None:
        position.close()


def announce(engine: Engine) -> None:
    """Called after a commit that logged invalidations. A failure is logged, never raised: the write is stored,
    and the API processes' once-a-second look at the log catches up with it."""
    position = _ATTACHED.get(engine)
    if position is None:
        return
    try:
        with engine.connect() as conn:
            latest = invalidation.latest_id(conn)
        position.announce(latest)
    except Exception as exc:  # noqa: BLE001 - Redis down or the database gone after the commit
        log.warning("write position not announced", error=str(exc))
