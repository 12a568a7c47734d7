"""A refresh that cannot be queued never strands the user's lock (issue 15 item 8): the
daily fan-out and beat's retry tick run with a broker that refuses every message (a real
connection refused, port 1) and leave each lock free, with a wait in the store for the
retry tick. And BILIREC_ALLOWED_MIDS is asked at every refresh: a mid taken off the list
is stopped by the real worker and skipped by the fan-out."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from settings import Settings
from store import Store, UserProfile
from tests.support import log_in_directly, start_worker, stop_worker, wait_for
from web.queue import TaskQueue
from worker.app import create_celery
from worker.chain import NOT_ALLOWED
from worker.tasks import QUEUE_RETRY_S
from worker.ticks import retry_tick


def _dead_broker_app(settings: Settings):
    app = create_celery(settings)
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens: every publish fails
    app.set_current()
    return app


def test_fan_out_with_the_broker_down_frees_every_lock(settings: Settings, store: Store):
    app = _dead_broker_app(settings)
    for mid in (1, 2):
        store.users.activate(UserProfile(mid, str(mid)))
    assert app.tasks["bilirec.refresh_all"]() == 0  # nothing queued, nothing raised
    for mid in (1, 2):
        assert not store.locks.held(mid)  # before: held for the lock TTL (3 h)
        assert store.retries.pending(mid)  # the retry tick sends it again


def test_retry_tick_with_the_broker_down_keeps_the_wait(settings: Settings, store: Store):
    app = _dead_broker_app(settings)
    store.users.activate(UserProfile(3, "3"))
    token = store.locks.acquire(3)
    store.retries.schedule(3, token, delay_s=0, attempt=2)
    assert app.tasks[retry_tick.name]() == 1
    assert not store.locks.held(3)
    later = store.retries.claim_due([3], now=time.time() + QUEUE_RETRY_S + 1)
    assert [(w.token, w.attempt) for w in later] == [(token, 2)]  # same refresh, next tick


@pytest.mark.integration
def test_a_mid_taken_off_the_allow_list_is_not_refreshed(
    private_settings, private_sim, store: Store,
):
    settings, control = private_settings, private_sim
    mid = log_in_directly(settings, control, store, 10001)
    other = log_in_directly(settings, control, store, 10002)
    # The operator narrows the list after both logged in.
    settings = replace(settings, allowed_mids=frozenset({other}))
    worker = start_worker(settings, "sync_first,sync")
    try:
        control("POST", "/counters/reset")
        TaskQueue(settings.redis_url).refresh_user(mid, store.locks.acquire(mid))
        wait_for(lambda: not store.users.is_active(mid) and not store.locks.held(mid),
                 timeout_s=30, what="the refresh refused")
    finally:
        stop_worker(worker)
    assert store.status.get(mid).message == NOT_ALLOWED and store.status.get(mid).state == "error"
    by_path = control("GET", "/counters").json()["by_path"]
    assert not by_path  # not one request to bilibili for the refused mid
    # The daily fan-out skips it too, and queues the allowed one.
    store.users.activate(UserProfile(mid, str(mid)))
    app = create_celery(settings)
    app.set_current()
    assert app.tasks["bilirec.refresh_all"]() == 1
    assert store.locks.held(other) and not store.locks.held(mid)
    assert not store.users.is_active(mid)
