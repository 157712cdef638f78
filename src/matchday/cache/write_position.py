"""The write log's position, announced after each commit, so that a cache hit asks neither database nor Redis.

Every write that changes what an answer shows logs the cache tags it touched (``store.outbox``). With Redis
configured, the writer (an API process, a Celery worker, the CLI), right after its commit:
1. sets ``matchday:write-position`` (it only grows: a Lua max, so racing writers cannot move it back);
2. publishes ``write_position`` on the feed channel to every API process (``cache.push``).
It waits for nobody: an API process applies the position when the message arrives, and until it has, it checks
the key with each hit (``cache.RedisCache.get_with_position``). Feed messages go out on the same channel after
the write's announcement, so a client told of a change by the feed is never answered from before it.

A writer that dies between its commit and the announcement, or one started without ``MATCHDAY_REDIS_URL``, is
caught by each API process reading the log in the background every ``MATCHDAY_CACHE_RECHECK_S``.
"""

from __future__ import annotations

import json
import weakref

import structlog
from sqlalchemy import Engine

from matchday.cache.backends import WRITE_POSITION_KEY as KEY
from matchday.live.broker import REDIS_CHANNEL  # one channel: announcements and the feed keep their order

RECHECK_S = 1.0  # how stale an unannounced write can be, at most
WRITE_POSITION = "write_position"  # the feed message telling the API processes (no channels: no client sees it)

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
        """Set the position and tell every API process; returns at once (nobody is waited for)."""
        self._max_set(keys=[KEY], args=[position])
        message = {"type": WRITE_POSITION, "channels": [], "data": {"position": position}}
        self._redis.publish(REDIS_CHANNEL, json.dumps(message, separators=(",", ":")))

    def close(self) -> None:
        self._redis.close()

    def correct(self, announced: int | None, position: int) -> None:
        """After reading the log at ``position``: put the key right if it was missing (Redis restarted) or ahead
        of the log (a writer's announcement always follows its commit, so a read of the log after seeing
        ``announced`` reaches it, unless the store was restored or recreated under the same Redis)."""
        if announced is None or announced < position:
            self._max_set(keys=[KEY], args=[position])
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


def announce(engine: Engine, position: int | None) -> None:
    """Called after the commit of a write that reached ``position`` in the log (None: it logged nothing). A
    failure is logged, never raised: the write is stored, and the API processes' background look at the log
    catches up with it."""
    writer = _ATTACHED.get(engine)
    if writer is None or position is None:
        return
    try:
        writer.announce(position)
    except Exception as exc:  # noqa: BLE001 - Redis down
        log.warning("write position not announced", error=str(exc))


def is_attached(engine: Engine) -> bool:
    return engine in _ATTACHED


def correct(engine: Engine, announced: int | None, position: int) -> None:
    """``WritePosition.correct`` through the engine's attached Redis (none attached: nothing to correct)."""
    writer = _ATTACHED.get(engine)
    if writer is not None:
        writer.correct(announced, position)
