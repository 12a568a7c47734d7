"""The per-user refresh lock: at most one refresh chain per user is queued or running.

The web (or beat's fan-out) takes the lock when it queues a refresh and hands its token to
the chain; the chain's last step releases it. The TTL frees it if a worker dies mid-chain.
"""

from __future__ import annotations

import secrets

import redis

from store import keys

# Delete only if we still hold it, so an expired-and-retaken lock is not freed by mistake.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RefreshLocks:
    def __init__(self, r: redis.Redis, *, ttl_s: float) -> None:
        self._r = r
        self._ttl_ms = int(ttl_s * 1000)
        self._release = r.register_script(_RELEASE)

    def acquire(self, mid: int) -> str | None:
        """A token when the lock was free, else ``None`` (a refresh is already queued/running)."""
        token = secrets.token_hex(16)
        if self._r.set(keys.refresh_lock(mid), token, nx=True, px=self._ttl_ms):
            return token
        return None

    def release(self, mid: int, token: str) -> bool:
        return bool(self._release(keys=[keys.refresh_lock(mid)], args=[token]))

    def held(self, mid: int) -> bool:
        return bool(self._r.exists(keys.refresh_lock(mid)))
