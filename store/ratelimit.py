"""Fixed-window request counters for the web's "too often" answers (429)."""

from __future__ import annotations

import time

import redis

from store import keys


class WindowLimiter:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def allow(self, name: str, who: str, *, limit: int, window_s: float) -> bool:
        """Count one hit for ``who``; False once more than ``limit`` hits fall in the window."""
        window = int(time.time() // window_s)
        key = keys.rate_window(name, who, window)
        with self._r.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, int(window_s) + 1)
            count, _ = pipe.execute()
        return int(count) <= limit
