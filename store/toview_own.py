"""The user's own 稍后再看 entries (not those this project added), as the last refresh
read them: never picked while they are listed."""

from __future__ import annotations

from collections.abc import Iterable

import redis

from store import keys


class OwnToview:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def replace(self, mid: int, bvids: Iterable[str]) -> None:
        key = keys.toview_own(mid)
        values = list(dict.fromkeys(bvids))
        with self._r.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            if values:
                pipe.sadd(key, *values)
            pipe.execute()

    def bvids(self, mid: int) -> set[str]:
        return {b.decode() for b in self._r.smembers(keys.toview_own(mid))}
