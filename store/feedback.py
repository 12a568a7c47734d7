"""What the user said about each pick on the page: like / dislike per video (the current
state, which ``clear`` takes back) and the picks they opened.

The event log keeps like/dislike as training events; this is the state the page shows,
read at request time because feedback changes after the picks were made.
"""

from __future__ import annotations

import redis

from store import keys
from store.picks_views import invalidate

KINDS = ("like", "dislike")


class FeedbackStore:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def set(self, mid: int, bvid: str, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown feedback kind {kind!r}")
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(keys.feedback(mid), bvid, kind)
            invalidate(pipe, mid)
            pipe.execute()

    def clear(self, mid: int, bvid: str) -> None:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hdel(keys.feedback(mid), bvid)
            invalidate(pipe, mid)
            pipe.execute()

    def all(self, mid: int) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self._r.hgetall(keys.feedback(mid)).items()}

    def click(self, mid: int, bvid: str) -> None:
        self._r.sadd(keys.clicks(mid), bvid)

    def clicked(self, mid: int) -> set[str]:
        """Picks the user opened from the page: never "shown but ignored"."""
        return {b.decode() for b in self._r.smembers(keys.clicks(mid))}
