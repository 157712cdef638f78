"""The write log's position, announced after each commit, so that a cache hit asks neither database nor Redis.

Every write that changes what an answer shows logs the cache tags it touched (``store.invalidation``). With
Redis configured, the writer (an API process, a Celery worker, the CLI), right after its commit:
1. sets ``matchday:write-position`` (it only grows: a Lua max, so racing writers cannot move it back);
2. publishes ``write_position`` on the feed channel to every API process (``api.cache_push``);
3. waits until every live API process has read the log up to it (``APPLIED``), at most ``WAIT_S``; one that
   took longer is fenced (removed from ``READERS``), and distrusts its mirror until it has resynchronised.
So once a write returns, every API process's next answer reflects it. An API process that is not sure it has
heard everything (reconnecting, stalled, fenced) checks the key with each hit instead
(``cache.RedisCache.get_with_position``).

A writer that dies between its commit and the announcement, or one started without ``MATCHDAY_REDIS_URL``, is
caught by each API process reading the log in the background every ``MATCHDAY_CACHE_RECHECK_S``.
"""

from __future__ import annotations

import json
import time
import weakref

import structlog
from sqlalchemy import Engine

from matchday.cache import WRITE_POSITION_KEY as KEY
from matchday.live.broker import REDIS_CHANNEL

RECHECK_S = 1.0  # how stale an unannounced write can be, at most
WRITE_POSITION = "write_position"  # the feed message telling the API processes (no channels: no client sees it)
READERS = "matchday:cache-readers"  # sorted set: API process id → alive until (unix seconds), see api.cache_push
APPLIED = "matchday:cache-applied"  # hash: API process id → write-log position it has applied
TTL_S = 3.0  # an API process whose heartbeat stopped this long ago is not waited for
WAIT_S = 10.0  # the longest a writer waits for a live API process; then it fences it (it distrusts its mirror)
FENCE_GRACE_S = 1.5  # api.cache_push.TRUST_S: how long a fenced process may still answer from its mirror

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

# the API processes' registry runs on Redis' clock, never on a machine's: heartbeats and expiry in one place
BEAT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
if ARGV[2] == 'xx' and not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
return 1
"""
_LIVE_READERS = """
local t = redis.call('TIME')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(t[1]) + tonumber(t[2]) / 1000000)
return {redis.call('ZRANGE', KEYS[1], 0, -1), redis.call('HGETALL', KEYS[2])}
"""

ACK = """
local at = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > at then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
"""

log = structlog.get_logger(__name__)


class WritePosition:
    def __init__(self, redis_url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        self._max_set = self._redis.register_script(_MAX_SET)
        self._correct = self._redis.register_script(_CORRECT)
        self._live_readers = self._redis.register_script(_LIVE_READERS)

    def announce(self, position: int) -> None:
        """Set the position, tell every API process, and return once each live one has applied it."""
        self._max_set(keys=[KEY], args=[position])
        message = {"type": WRITE_POSITION, "channels": [], "data": {"position": position}}
        self._redis.publish(REDIS_CHANNEL, json.dumps(message, separators=(",", ":")))
        deadline, pause = time.monotonic() + WAIT_S, 0.001
        while True:
            readers, flat = self._live_readers(keys=[READERS, APPLIED])
            live = {reader.decode() for reader in readers}
            applied = {flat[i].decode(): int(flat[i + 1]) for i in range(0, len(flat), 2)}
            if gone := applied.keys() - live:
                self._redis.hdel(APPLIED, *gone)
            behind = [reader for reader in live if applied.get(reader, 0) < position]
            if not behind:
                return
            if time.monotonic() > deadline:
                self._redis.zrem(READERS, *behind)
                log.warning("API processes did not apply a write in time; fenced", readers=behind, position=position)
                # a fenced process distrusts itself at its next heartbeat, or TRUST_S after its last one
                time.sleep(FENCE_GRACE_S)
                return
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

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
    """Called after the commit of a write that reached ``position`` in the log (``invalidation.record``; None:
    it logged nothing). A failure is logged, never raised: the write is stored, and the API processes' background
    look at the log catches up with it."""
    writer = _ATTACHED.get(engine)
    if writer is None or position is None:
        return
    try:
        writer.announce(position)
    except Exception as exc:  # noqa: BLE001 - Redis down
        log.warning("write position not announced", error=str(exc))


def correct(engine: Engine, announced: int | None, position: int) -> None:
    """``WritePosition.correct`` through the engine's attached Redis (none attached: nothing to correct)."""
    writer = _ATTACHED.get(engine)
    if writer is not None:
        writer.correct(announced, position)
