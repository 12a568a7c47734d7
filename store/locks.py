"""The per-user refresh lock: at most one refresh chain per user is queued or running.

The web (or beat's fan-out) takes the lock when it queues a refresh and hands its token to
the chain; the chain's last step releases it. While queued the lock lives the long TTL
(a queue can be hours deep); a running step shortens it to a lease it renews (see
``worker.lease``), so a lock whose holder died is free again within one lease.

A refresh asked for while one runs is not queued (one chain per user), but it is not
forgotten either: ``want_again`` records it, each listing of the history takes the wish
(``take_wish``: that listing covers it), and a chain about to score while a wish stands
lists again first, since the wish came after its listing (a video watched meanwhile must
not come back as a pick).
"""

from __future__ import annotations

import secrets

import redis

from store import keys, user_index

# Delete only if we still hold it, so an expired-and-retaken lock is not freed by mistake.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""

# Keep (or take back, when it expired) the lock for this token; never take another's.
_HOLD = """
local held = redis.call('get', KEYS[1])
if held == ARGV[1] or not held then
  redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2])
  return 1
end
return 0
"""


class RefreshLocks:
    def __init__(self, r: redis.Redis, *, ttl_s: float) -> None:
        self._r = r
        self._ttl_ms = int(ttl_s * 1000)
        self._release = r.register_script(_RELEASE)
        self._hold = r.register_script(_HOLD)
        self._renew = r.register_script(_RENEW)

    def acquire(self, mid: int) -> str | None:
        """A token when the lock was free, else ``None`` (a refresh is already queued/running)."""
        token = secrets.token_hex(16)
        if self._r.set(keys.refresh_lock(mid), token, nx=True, px=self._ttl_ms):
            return token
        return None

    def release(self, mid: int, token: str) -> bool:
        return bool(self._release(keys=[keys.refresh_lock(mid)], args=[token]))

    def hold(self, mid: int, token: str, ttl_s: float | None = None) -> bool:
        """Extend the lock for ``token`` by ``ttl_s`` (default: the long TTL), retaking it
        if it expired meanwhile; False when another refresh holds it."""
        ttl_ms = self._ttl_ms if ttl_s is None else max(1, int(ttl_s * 1000))
        return bool(self._hold(keys=[keys.refresh_lock(mid)], args=[token, ttl_ms]))

    def renew(self, mid: int, token: str, ttl_s: float) -> bool:
        """Extend the lock only while ``token`` still holds it (a heartbeat never retakes)."""
        return bool(self._renew(keys=[keys.refresh_lock(mid)],
                                args=[token, max(1, int(ttl_s * 1000))]))

    def claim_step(self, mid: int, task_id: str, lease_s: float) -> bool:
        """Run this delivery of a step unless it is running (its lease alive) or done: the
        broker redelivers a message whose task outlives the visibility timeout."""
        key = keys.refresh_step(mid, task_id)
        user_index.track(self._r, mid, key, lease_s)  # first: logout must find it
        return bool(self._r.set(key, "running", nx=True, px=max(1, int(lease_s * 1000))))

    def renew_step(self, mid: int, task_id: str, lease_s: float) -> None:
        key = keys.refresh_step(mid, task_id)
        user_index.track(self._r, mid, key, lease_s)
        self._r.set(key, "running", xx=True, px=max(1, int(lease_s * 1000)))

    def step_done(self, mid: int, task_id: str, keep_s: float) -> None:
        key = keys.refresh_step(mid, task_id)
        user_index.track(self._r, mid, key, keep_s)
        self._r.set(key, "done", px=max(1, int(keep_s * 1000)))

    def held(self, mid: int) -> bool:
        return bool(self._r.exists(keys.refresh_lock(mid)))

    def want_again(self, mid: int) -> None:
        """A refresh was asked for while one is queued or running."""
        self._r.set(keys.refresh_wish(mid), 1, px=self._ttl_ms)

    def take_wish(self, mid: int) -> bool:
        """A listing starts now: it answers every wish so far (True when there was one)."""
        return bool(self._r.delete(keys.refresh_wish(mid)))

    def wished(self, mid: int) -> bool:
        """A refresh was asked for since the last listing started."""
        return bool(self._r.exists(keys.refresh_wish(mid)))
