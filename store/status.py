"""Each user's refresh state and progress, written by the tasks and read by /api/status."""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis

from store import codec, keys

STATES = ("queued", "syncing", "training", "scoring", "ready", "login_expired", "error")
BUSY = ("queued", "syncing", "training", "scoring")


@dataclass(frozen=True)
class Status:
    state: str
    progress: float
    message: str
    picks_date: str | None
    last_refresh: float | None
    updated_at: float


class StatusStore:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def set(
        self,
        mid: int,
        state: str,
        *,
        progress: float = 0.0,
        message: str = "",
        picks_date: str | None = None,
        refreshed: bool = False,
    ) -> None:
        """Record a state; fields not named (picks date, last refresh) keep their value."""
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        now = time.time()
        fields: dict[str, str | float | int] = {
            "v": codec.SCHEMA_VERSION,
            "state": state,
            "progress": min(max(float(progress), 0.0), 1.0),
            "message": message,
            "updated_at": now,
        }
        if picks_date is not None:
            fields["picks_date"] = picks_date
        if refreshed:
            fields["last_refresh"] = now
        self._r.hset(keys.status(mid), mapping=fields)

    def settle_stranded(self, mid: int, state: str, message: str) -> bool:
        """Replace a busy state no refresh holds any more (its worker died, or Redis went
        away under it) by ``state``; a refresh that takes the lock meanwhile wins."""
        status_key, lock_key = keys.status(mid), keys.refresh_lock(mid)
        with self._r.pipeline() as pipe:
            try:
                pipe.watch(status_key, lock_key)
                busy = (pipe.hget(status_key, "state") or b"").decode() in BUSY
                if not busy or pipe.exists(lock_key) or pipe.exists(keys.retry(mid)):
                    return False
                pipe.multi()
                pipe.hset(status_key, mapping={"state": state, "progress": 0.0,
                                               "message": message, "updated_at": time.time()})
                pipe.execute()
            except redis.WatchError:
                return False
        return True

    def get(self, mid: int) -> Status | None:
        raw = {k.decode(): v.decode() for k, v in self._r.hgetall(keys.status(mid)).items()}
        if raw.get("state") not in STATES:
            return None
        return Status(
            state=raw["state"],
            progress=_float(raw.get("progress")) or 0.0,
            message=raw.get("message", ""),
            picks_date=raw.get("picks_date") or None,
            last_refresh=_float(raw.get("last_refresh")),
            updated_at=_float(raw.get("updated_at")) or time.time(),
        )


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
