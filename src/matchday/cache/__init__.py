"""The response cache and its coherence across processes (DESIGN §13): backends (memory, Redis), the write
position writers announce after a commit, and the pushed positions API processes act on."""

from matchday.cache.backends import EVERYTHING, WRITE_POSITION_KEY, MemoryCache, RedisCache, TaggedCache

__all__ = ["EVERYTHING", "WRITE_POSITION_KEY", "MemoryCache", "RedisCache", "TaggedCache"]
