"""Each user's index of the keys whose names cannot be computed from the mid alone (a
picks date, a task id, a rate window), so logout finds them without scanning the keyspace.

The index is a sorted set scored by when the key expires at the latest; an entry past it
is pruned on the next write, so the index stays as small as what it points to. A score
later than the key's real expiry is harmless: deleting a missing key is a no-op.
"""

from __future__ import annotations

import time

import redis
from redis.client import Pipeline

from store import keys

# Clocks of the web and the workers may differ a little; prune only what is surely gone.
_PRUNE_MARGIN_S = 300


def track(r: redis.Redis | Pipeline, mid: int, key: str, ttl_s: float) -> None:
    """Record that ``key`` (of user ``mid``) exists for up to ``ttl_s`` more seconds; on a
    pipeline, queued with the write it goes with."""
    now = time.time()
    index = keys.user_index(mid)
    r.zadd(index, {key: now + ttl_s})
    r.zremrangebyscore(index, "-inf", now - _PRUNE_MARGIN_S)


def tracked(r: redis.Redis, mid: int) -> list[bytes]:
    return r.zrange(keys.user_index(mid), 0, -1)
