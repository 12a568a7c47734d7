"""Shared pacing of bilibili requests on Redis: one token bucket for every worker process,
a global cool-down after -412 / HTTP 412 and a per-user one after -352.
(``worker.gate`` turns this into the client's Gate.)
"""

from __future__ import annotations

import redis

from store import keys

# Refill and take one token atomically, on Redis' clock so every host agrees.
# Returns 0 when a token was taken, else the milliseconds until one is due.
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or burst)
local last = tonumber(redis.call('HGET', KEYS[1], 'at') or now)
tokens = math.min(burst, tokens + (now - last) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 60000)
return wait
"""


class Throttle:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r
        self._take = r.register_script(_TAKE)

    def take(self, *, rps: float, burst: float) -> float:
        """Take a token: 0 when granted, else seconds to wait before asking again."""
        return int(self._take(keys=[keys.RATE_BUCKET], args=[rps, max(burst, 1.0)])) / 1000

    def cooldown_left(self, mid: int | None) -> tuple[float, str] | None:
        """(seconds left, "global" | "user") while a pause runs for this request."""
        left = self._r.pttl(keys.COOLDOWN_GLOBAL)
        if left > 0:
            return left / 1000, "global"
        scoped = keys.cooldown(mid) if mid is not None else keys.COOLDOWN_ANONYMOUS
        left = self._r.pttl(scoped)
        if left > 0:
            return left / 1000, "user" if mid is not None else "global"
        return None

    def pause_everyone(self, seconds: float) -> None:
        if seconds > 0:
            self._r.set(keys.COOLDOWN_GLOBAL, 1, px=int(seconds * 1000))

    def pause_user(self, mid: int | None, seconds: float) -> None:
        if seconds > 0:
            key = keys.cooldown(mid) if mid is not None else keys.COOLDOWN_ANONYMOUS
            self._r.set(key, 1, px=int(seconds * 1000))
