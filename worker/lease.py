"""Stranded refreshes: a refresh whose worker died (kill -9), or whose step failed while
Redis was away, never leaves the user busy nor blocks the next refresh for hours.

The mechanism, in three parts:

- **The token travels with the chain.** refresh_user → train_user → score_user each carry
  the lock token. A step that starts *holds* the lock for its token (``locks.hold``): it
  goes on if the lock is still its own, or free (its lease ran out while the message
  waited for redelivery), and stops if another refresh took it meanwhile.
- **A running step holds a short lease.** ``running`` shortens the lock to
  ``refresh_lease_s`` and a heartbeat thread renews it while the step runs; handing over
  to the next queue extends it to the long TTL again (a queue can be hours deep). A worker
  killed mid-step stops renewing: its message comes back after the broker's visibility
  timeout and goes on under the same token; if it never comes back, the lease runs out
  and beat's retry tick replaces the busy state (``status.settle_stranded``).
- **Each delivery runs once.** The broker also redelivers a message whose step simply
  runs longer than the visibility timeout. A step claims its task id (a marker under the
  user's prefix, "running" under the same lease, then "done" for two visibility
  timeouts); a delivery whose id is running or done is a duplicate and does nothing.
- **Redis away mid-step.** ``redis_back`` waits (bounded) for Redis, after which the step
  records an immediate retry that beat requeues. If Redis stays away longer, the failed
  task cannot be acked either, so the broker delivers it again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator

import redis

from store import Store

log = logging.getLogger(__name__)

# The longest a failing step waits for Redis before giving the message back to the broker.
REDIS_WAIT_S = 120.0


class Lease:
    """The running step's hold on the lock, renewed every third of ``lease_s``."""

    def __init__(self, store: Store, mid: int, token: str, lease_s: float,
                 task_id: str = "") -> None:
        self._store, self._mid, self._token, self._lease_s = store, mid, token, lease_s
        self._task_id = task_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{mid}", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(self._lease_s / 3):
            try:
                self._store.locks.renew(self._mid, self._token, self._lease_s)
                if self._task_id:
                    self._store.locks.renew_step(self._mid, self._task_id, self._lease_s)
            except redis.RedisError:
                log.warning("user %s: lease not renewed (Redis unavailable)", self._mid)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(2)

    def hand_over(self) -> None:
        """The next step waits in a queue: stop renewing, hold the lock for the long TTL
        (after the heartbeat stopped, so it cannot shorten it again)."""
        self.stop()
        self._store.locks.hold(self._mid, self._token)


@contextlib.contextmanager
def running(store: Store, mid: int, token: str, *, lease_s: float, task_id: str,
            keep_s: float) -> Iterator[Lease | None]:
    """The step's lease, or ``None`` when this delivery is a duplicate (skip the step)."""
    if not store.locks.claim_step(mid, task_id, lease_s):
        log.info("user %s: step %s already running or done; duplicate delivery", mid, task_id)
        yield None
        return
    lease = Lease(store, mid, token, lease_s, task_id)
    lease.start()
    try:
        yield lease
    except redis.RedisError:
        raise  # not done: once its lease runs out, a redelivery may run it
    except BaseException:
        lease.stop()
        with contextlib.suppress(redis.RedisError):
            store.locks.step_done(mid, task_id, keep_s)
        raise
    finally:
        lease.stop()
    store.locks.step_done(mid, task_id, keep_s)


def redis_back(store: Store, within_s: float) -> bool:
    """True once Redis answers again, False if it stays away ``within_s`` seconds."""
    deadline = time.monotonic() + within_s
    delay = 0.5
    while time.monotonic() < deadline:
        try:
            store.ping()
            return True
        except redis.RedisError:
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
    return False
