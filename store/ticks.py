"""Once per period: a beat tick delivered twice (two beat processes by mistake, or a
redelivery) runs once. The first delivery claims the period; the others see the claim."""

from __future__ import annotations

import redis

from store import keys


class Ticks:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def claim(self, name: str, *, ttl_s: float) -> bool:
        """True for the first claim of ``name`` within ``ttl_s`` seconds."""
        return bool(self._r.set(keys.tick(name), 1, nx=True, ex=max(1, int(ttl_s))))
