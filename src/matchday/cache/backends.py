"""Response cache with tags: in-process by default, Redis when configured. Values are bytes.

Entries carry tags (``match:12``, ``season:3``, ``league:1``, ``team:7``, ``matches``); a write invalidates
exactly the tags it touched (``*``: everything). Every entry is stored with the invalidation-log position its
data was read at; a ``set`` whose tags were invalidated after that position is refused, so a response computed
from data older than a write can never be stored after the write's invalidation (the read/write race).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Protocol

EVERYTHING = "*"
WRITE_POSITION_KEY = "matchday:write-position"  # cache.write_position.KEY


class TaggedCache(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_s: int, tags: list[str], version: int) -> bool: ...

    def invalidate(self, tags: set[str], version: int) -> None: ...

    def reset(self, version: int) -> None:
        """Forget everything, including invalidation positions (the write log may have been recreated)."""


class MemoryCache:
    """Bounded by entries and by bytes (keys and bodies): when full, expired entries go first, then the oldest."""

    def __init__(self, max_entries: int = 20_000, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._entries: dict[str, tuple[float, bytes, list[str]]] = {}
        self._by_tag: dict[str, set[str]] = defaultdict(set)
        self._invalidated_at: dict[str, int] = {}
        self._lock = threading.Lock()
        self._max = max_entries
        self.max_bytes = max_bytes
        self.size_bytes = 0

    def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            with self._lock:
                self._drop(key)
            return None
        return entry[1]

    def set(self, key: str, value: bytes, ttl_s: int, tags: list[str], version: int) -> bool:
        with self._lock:
            if any(self._invalidated_at.get(tag, 0) > version for tag in (*tags, EVERYTHING)):
                return False
            size = _size(key, value)
            if size > self.max_bytes // 4:
                return False  # one answer may not crowd out the rest
            self._drop(key)
            if len(self._entries) >= self._max or self.size_bytes + size > self.max_bytes:
                self._evict(size)
            self._entries[key] = (time.monotonic() + ttl_s, value, tags)
            self.size_bytes += size
            for tag in tags:
                self._by_tag[tag].add(key)
            return True

    def invalidate(self, tags: set[str], version: int) -> None:
        with self._lock:
            for tag in tags:
                self._invalidated_at[tag] = max(version, self._invalidated_at.get(tag, 0))
            if EVERYTHING in tags:
                self._entries.clear()
                self._by_tag.clear()
                self.size_bytes = 0
                return
            for tag in tags:
                for key in self._by_tag.pop(tag, set()):
                    self._drop(key)

    def reset(self, version: int) -> None:
        with self._lock:
            self._entries.clear()
            self._by_tag.clear()
            self.size_bytes = 0
            self._invalidated_at = {EVERYTHING: version}

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self.size_bytes -= _size(key, entry[1])
        for tag in entry[2]:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]

    def _evict(self, incoming: int) -> None:
        """Make room for ``incoming`` bytes: expired entries first, then the oldest, a tenth of the cache at least
        (so a full cache is not swept on every set)."""
        now = time.monotonic()
        for key in [k for k, (expires, _v, _t) in self._entries.items() if expires < now]:
            self._drop(key)
        target_entries = self._max - max(1, self._max // 10)
        target_bytes = self.max_bytes - max(incoming, self.max_bytes // 10)
        while self._entries and (len(self._entries) > target_entries or self.size_bytes > target_bytes):
            self._drop(next(iter(self._entries)))


def _size(key: str, value: bytes) -> int:
    return len(key) + len(value) + 200  # the tuple, the dict slot and the tag index, roughly


_SET = """
local inv = KEYS[2]
for i = 5, #ARGV do
  local at = tonumber(redis.call('HGET', inv, ARGV[i]) or '0')
  if at > tonumber(ARGV[3]) then return 0 end
end
if tonumber(redis.call('HGET', inv, '*') or '0') > tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
for i = 5, #ARGV do
  redis.call('SADD', ARGV[4] .. ARGV[i], KEYS[1])
  redis.call('EXPIRE', ARGV[4] .. ARGV[i], 86400)
end
return 1
"""

_INVALIDATE = """
local inv = KEYS[1]
for i = 3, #ARGV do
  local tag = ARGV[i]
  local at = tonumber(redis.call('HGET', inv, tag) or '0')
  if tonumber(ARGV[1]) > at then redis.call('HSET', inv, tag, ARGV[1]) end
  local set = ARGV[2] .. tag
  local members = redis.call('SMEMBERS', set)
  for _, key in ipairs(members) do redis.call('DEL', key) end
  redis.call('DEL', set)
end
return 1
"""


class RedisCache:
    """Entries at ``matchday:cache:<key>``, tag indexes at ``matchday:tag:<tag>``, both changed atomically."""

    PREFIX = "matchday:cache:"
    TAG_PREFIX = "matchday:tag:"
    INVALIDATED = "matchday:invalidated"

    def __init__(self, url: str) -> None:
        import redis
        import redis.asyncio

        self._redis = redis.Redis.from_url(url)
        # the hit path's: the event loop never blocks, and a Redis that stopped answering fails the hit in 2 s
        self._async_redis = redis.asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._set = self._redis.register_script(_SET)
        self._invalidate = self._redis.register_script(_INVALIDATE)

    def get(self, key: str) -> bytes | None:
        return self._redis.get(self.PREFIX + key)

    async def get_async(self, key: str) -> bytes | None:
        return await self._async_redis.get(self.PREFIX + key)

    async def aclose(self) -> None:
        """Drops the hit path's connections (the server's shutdown); they are made again when next needed."""
        await self._async_redis.aclose()
        self._redis.close()

    async def get_with_ttl(self, key: str) -> tuple[bytes | None, int]:
        """The entry and its time left in milliseconds, in one round trip."""
        async with self._async_redis.pipeline(transaction=False) as pipe:
            entry, ttl_ms = await pipe.get(self.PREFIX + key).pttl(self.PREFIX + key).execute()
        return entry, int(ttl_ms)

    async def get_with_position(self, key: str) -> tuple[int | None, bytes | None]:
        """The write log's announced position (``cache.write_position``; None when unknown) and the entry, in
        one round trip."""
        position, entry = await self._async_redis.mget(WRITE_POSITION_KEY, self.PREFIX + key)
        return (int(position) if position is not None else None), entry

    def set(self, key: str, value: bytes, ttl_s: int, tags: list[str], version: int) -> bool:
        return bool(self._set(keys=[self.PREFIX + key, self.INVALIDATED],
                              args=[value, ttl_s, version, self.TAG_PREFIX, *tags]))

    def invalidate(self, tags: set[str], version: int) -> None:
        if EVERYTHING in tags:
            self._redis.hset(self.INVALIDATED, EVERYTHING, version)
            self._drop_all()
            return
        self._invalidate(keys=[self.INVALIDATED], args=[version, self.TAG_PREFIX, *sorted(tags)])

    def reset(self, version: int) -> None:
        self._redis.delete(self.INVALIDATED)
        self._redis.hset(self.INVALIDATED, EVERYTHING, version)
        self._drop_all()

    def _drop_all(self) -> None:
        for pattern in (self.PREFIX + "*", self.TAG_PREFIX + "*"):
            keys = list(self._redis.scan_iter(pattern, count=1000))
            if keys:
                self._redis.delete(*keys)
