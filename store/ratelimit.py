"""Fixed-window request counters for the web's "too often" answers (429)."""

from __future__ import annotations

import time
from collections.abc import Callable

import redis

from store import keys


class WindowLimiter:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def allow(self, name: str, who: str, *, limit: int, window_s: float) -> bool:
        """Count one hit for a client (e.g. its address); False once more than ``limit``
        hits fall in the window."""
        return self._hit(lambda w: keys.rate_window(name, who, w), limit, window_s)

    def allow_user(self, name: str, mid: int, *, limit: int, window_s: float) -> bool:
        """The same for a logged-in user, counted under their own keys."""
        return self._hit(lambda w: keys.user_rate_window(mid, name, w), limit, window_s)

    def _hit(self, key_for: Callable[[int], str], limit: int, window_s: float) -> bool:
        key = key_for(int(time.time() // window_s))
        with self._r.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, int(window_s) + 1)
            count, _ = pipe.execute()
        return int(count) <= limit
