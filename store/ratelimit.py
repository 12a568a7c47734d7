"""Fixed-window request counters for the web's "too often" answers (429)."""

from __future__ import annotations

import math
import time

import redis

from store import keys, user_index


class WindowLimiter:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def allow(self, name: str, who: str, *, limit: int, window_s: float) -> bool:
        """Count one hit for a client (e.g. its address); False once more than ``limit``
        hits fall in the window."""
        return self._hit(keys.rate_window(name, who, _window(window_s)), limit, window_s)

    def allow_user(self, name: str, mid: int, *, limit: int, window_s: float) -> bool:
        """The same for a logged-in user, counted under their own keys (and in their index,
        so logout deletes the counter with the rest)."""
        key = keys.user_rate_window(mid, name, _window(window_s))
        return self._hit(key, limit, window_s, mid=mid)

    @staticmethod
    def retry_after(window_s: float) -> int:
        """Whole seconds until the current window ends (a 429's ``Retry-After``)."""
        return max(1, math.ceil(window_s - time.time() % window_s))

    def _hit(self, key: str, limit: int, window_s: float, mid: int | None = None) -> bool:
        with self._r.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, int(window_s) + 1)
            if mid is not None:
                user_index.track(pipe, mid, key, int(window_s) + 1)
            count = pipe.execute()[0]
        return int(count) <= limit


def _window(window_s: float) -> int:
    return int(time.time() // window_s)
