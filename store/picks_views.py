"""The rendered ``/api/picks`` answers, cached per user and day, so reading picks costs
one hash read. New picks and feedback bump a generation and drop the cache; an answer
rendered from older data is only stored while the generation it saw is still current."""

from __future__ import annotations

import redis
from redis.client import Pipeline

from store import keys

TTL_S = 86400

# KEYS: views hash, generation. ARGV: generation seen, field, body, ttl.
_STORE_IF_CURRENT = """
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""


def invalidate(pipe: Pipeline, mid: int) -> None:
    """Queue the invalidation on a pipeline that writes what the answers are made of."""
    pipe.incr(keys.picks_views_gen(mid))
    pipe.delete(keys.picks_views(mid))


class PickViews:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r
        self._store = r.register_script(_STORE_IF_CURRENT)

    def get(self, mid: int, day: str) -> tuple[bytes | None, str]:
        """The cached answer for ``day`` ("latest" for today's) and the generation seen."""
        with self._r.pipeline(transaction=False) as pipe:
            pipe.hget(keys.picks_views(mid), day)
            pipe.get(keys.picks_views_gen(mid))
            body, gen = pipe.execute()
        return body, (gen or b"0").decode()

    def put(self, mid: int, day: str, body: bytes, generation: str) -> bool:
        ks = [keys.picks_views(mid), keys.picks_views_gen(mid)]
        return bool(self._store(keys=ks, args=[generation, day, body, TTL_S]))
