"""Waits between attempts of a refresh: kept in the store, and cool-downs are not retries."""

from __future__ import annotations

import time
from dataclasses import replace

from store import Store, keys
from tests.support import log_in_directly
from worker.context import context_for
from worker.lease import Lease
from worker.tasks import _refresh

HISTORY = "/x/web-interface/history/cursor"


def test_cool_downs_do_not_count_as_retries(lean_settings, sim, store: Store) -> None:
    settings = replace(lean_settings, retry_delays_s=(7, 300, 1800))
    ctx = context_for(settings)
    mid = log_in_directly(settings, sim, store)
    token = store.locks.acquire(mid)
    held = Lease(store, mid, token, 60)
    try:
        for _ in range(2):  # two cool-downs (bilibili's -352 pause for this user)
            store.throttle.pause_user(mid, 30)
            _refresh(ctx, mid, token, 0, held)
            (wait,) = store.retries.claim_due([mid], now=time.time() + 60)
            assert wait.attempt == 0 and wait.token == token
            assert 25 < wait.at - time.time() <= 32
        store.redis.delete(keys.cooldown(mid))
        assert sim("POST", "/fault", json={"path": HISTORY, "kind": "http", "status": 503,
                                           "count": -1}).ok
        _refresh(ctx, mid, token, wait.attempt, held)
        (wait,) = store.retries.claim_due([mid], now=time.time() + 60)
        # The first ordinary error after the cool-downs waits the first delay, not the last.
        assert wait.attempt == 1 and 5 < wait.at - time.time() <= 7
        assert store.status.get(mid).state == "queued"
        assert store.locks.held(mid)  # the lock outlives the wait
    finally:
        context_for.cache_clear()
