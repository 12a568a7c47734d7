"""Each user's refresh state and progress, written by the tasks and read by /api/status.

Two fields: ``step``, what a refresh is doing now (one of BUSY, or "" when none runs), and
``state``, what the user is told. Once picks exist the state stays ``ready`` while later
refreshes (detail backfill, the daily one, a manual one) run: the picks stay readable, the
progress runs below 1 and the message says what is being done.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis

from store import codec, keys

STATES = ("queued", "syncing", "training", "scoring", "ready", "login_expired", "error")
BUSY = ("queued", "syncing", "training", "scoring")
# The message of a refresh that runs while picks are already shown.
UPDATING = "后台更新中：{}"

# A busy step is shown as "ready" once the user has picks (a picks date on record); the
# check and the write are one, so a refresh ending meanwhile cannot be overwritten wrongly.
_SET = """
local state, message = ARGV[1], ARGV[2]
if ARGV[3] == '1' and redis.call('HEXISTS', KEYS[1], 'picks_date') == 1 then
  state, message = 'ready', ARGV[4]
end
redis.call('HSET', KEYS[1], 'state', state, 'message', message, unpack(ARGV, 5))
return state
"""


@dataclass(frozen=True)
class Status:
    state: str
    progress: float
    message: str
    picks_date: str | None
    last_refresh: float | None
    updated_at: float
    step: str = ""  # what a refresh is doing now (one of BUSY), "" when none runs


class StatusStore:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r
        self._set = r.register_script(_SET)

    def set(
        self,
        mid: int,
        state: str,
        *,
        progress: float = 0.0,
        message: str = "",
        picks_date: str | None = None,
        refreshed: bool = False,
    ) -> str:
        """Record a state; fields not named (picks date, last refresh) keep their value.
        A busy state of a user who has picks is recorded as ``ready`` with the message
        under UPDATING. Returns the state recorded."""
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        now = time.time()
        fields: dict[str, str | float | int] = {
            "v": codec.SCHEMA_VERSION,
            "step": state if state in BUSY else "",
            "progress": min(max(float(progress), 0.0), 1.0),
            "updated_at": now,
        }
        if picks_date is not None:
            fields["picks_date"] = picks_date
        if refreshed:
            # Whole seconds, as the API shows it, and always newer than the last one:
            # "ready with a newer last_refresh" is how a client sees a refresh end.
            before = _float(self._r.hget(keys.status(mid), "last_refresh")) or 0.0
            fields["last_refresh"] = max(float(int(now)), float(int(before)) + 1)
        busy = state in BUSY
        args = [state, message, int(busy), UPDATING.format(message) if busy else message]
        for name, value in fields.items():
            args += [name, value]
        return self._set(keys=[keys.status(mid)], args=args).decode()

    def settle_stranded(self, mid: int, state: str, message: str) -> bool:
        """Replace a busy state no refresh holds any more (its worker died, or Redis went
        away under it) by ``state``; a refresh that takes the lock meanwhile wins."""
        status_key, lock_key = keys.status(mid), keys.refresh_lock(mid)
        with self._r.pipeline() as pipe:
            try:
                pipe.watch(status_key, lock_key)
                if not _step(pipe.hmget(status_key, "step", "state")) or \
                        pipe.exists(lock_key) or pipe.exists(keys.retry(mid)):
                    return False
                pipe.multi()
                pipe.hset(status_key, mapping={
                    "state": state, "step": "", "progress": 1.0 if state == "ready" else 0.0,
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
            step=_step([raw.get("step"), raw.get("state")]),
        )


def _step(values: list) -> str:
    """The busy step from the (step, state) fields; a status written before ``step``
    existed was busy when its state was."""
    step, state = (v.decode() if isinstance(v, bytes) else v for v in values)
    found = state if step is None else step
    return found if found in BUSY else ""


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
