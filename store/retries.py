"""Refreshes waiting to be tried again (retry back-off, bilibili cool-down), kept as a
"next attempt at" record under the user's prefix instead of a Celery countdown.

A countdown would sit in the broker's ``unacked`` hash naming the user for the whole wait
(logout could not delete it) and, past the visibility timeout, be delivered twice. Here
beat's retry tick requeues the users whose time has come; logout deletes the record with
the user's prefix.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass

import redis

from store import keys

# Take a due record once: two beats (or two ticks) must not requeue the same wait twice.
_CLAIM = """
local raw = redis.call('get', KEYS[1])
if not raw then return nil end
local at = tonumber(cjson.decode(raw)['at'])
if at > tonumber(ARGV[1]) then return nil end
redis.call('del', KEYS[1])
return raw
"""


@dataclass(frozen=True)
class PendingRetry:
    mid: int
    token: str  # the refresh lock's token: the requeued step goes on under the same lock
    attempt: int  # ordinary retries so far (cool-downs do not count)
    at: float


class RetrySchedule:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r
        self._claim = r.register_script(_CLAIM)

    def schedule(self, mid: int, token: str, *, delay_s: float, attempt: int) -> None:
        at = time.time() + max(0.0, delay_s)
        self._r.set(keys.retry(mid), json.dumps({"token": token, "attempt": attempt, "at": at}))

    def pending(self, mid: int) -> bool:
        return bool(self._r.exists(keys.retry(mid)))

    def claim_due(self, mids: Iterable[int], now: float | None = None) -> list[PendingRetry]:
        """The due waits among these users, each removed as it is returned."""
        now = time.time() if now is None else now
        due = []
        for mid in mids:
            raw = self._claim(keys=[keys.retry(mid)], args=[now])
            if raw:
                doc = json.loads(raw)
                due.append(PendingRetry(mid, doc["token"], int(doc["attempt"]), doc["at"]))
        return due
