"""Where each user's incremental sync stopped: newest history view_at, favourite times,
and when the cookie was last checked."""

from __future__ import annotations

import redis

from store import keys


class Cursors:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def get(self, mid: int, name: str) -> int:
        raw = self._r.hget(keys.cursors(mid), name)
        try:
            return int(raw) if raw is not None else 0
        except ValueError:
            return 0

    def set(self, mid: int, name: str, value: int) -> None:
        self._r.hset(keys.cursors(mid), name, int(value))

    def get_text(self, mid: int, name: str) -> str:
        raw = self._r.hget(keys.cursors(mid), name)
        return raw.decode() if raw else ""

    def set_text(self, mid: int, name: str, value: str) -> None:
        self._r.hset(keys.cursors(mid), name, value)

    def advance(self, mid: int, name: str, value: int) -> None:
        """Move a cursor forward only (a retried page never moves it back)."""
        if value > self.get(mid, name):
            self.set(mid, name, value)
