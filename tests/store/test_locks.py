from store import Store


def test_second_acquire_is_refused_until_release(store: Store):
    token = store.locks.acquire(5)
    assert token and store.locks.acquire(5) is None and store.locks.held(5)
    assert not store.locks.release(5, "someone-else")
    assert store.locks.release(5, token)
    assert store.locks.acquire(5) is not None


def test_locks_are_per_user(store: Store):
    assert store.locks.acquire(1) and store.locks.acquire(2)


def test_hold_keeps_or_retakes_its_own_lock_never_anothers(store: Store):
    token = store.locks.acquire(7)
    assert store.locks.hold(7, token, ttl_s=0.5)
    assert 0 < store.redis.pttl("user:7:lock:refresh") <= 500  # the short lease
    store.redis.delete("user:7:lock:refresh")  # the lease ran out while the step waited
    assert store.locks.hold(7, token, ttl_s=5)  # a redelivered step takes it back
    assert not store.locks.hold(7, "a-newer-refresh", ttl_s=5)
    assert store.locks.release(7, token)
    assert not store.locks.renew(7, token, ttl_s=5)  # a heartbeat never retakes
    assert not store.locks.held(7)


def test_settle_stranded_only_without_holder_or_wait(store: Store):
    store.status.set(8, "syncing")
    token = store.locks.acquire(8)
    assert not store.status.settle_stranded(8, "error", "x")  # still held
    store.locks.release(8, token)
    store.retries.schedule(8, token, delay_s=60, attempt=1)
    assert not store.status.settle_stranded(8, "error", "x")  # waiting for a retry
    store.redis.delete("user:8:retry")
    assert store.status.settle_stranded(8, "error", "中断")
    assert store.status.get(8).state == "error"
    assert not store.status.settle_stranded(8, "ready", "x")  # not busy any more


def test_a_due_retry_is_claimed_once(store: Store):
    store.retries.schedule(3, "tok", delay_s=60, attempt=2)
    store.retries.schedule(4, "tok4", delay_s=0, attempt=0)
    due = store.retries.claim_due([3, 4, 5])
    assert [(d.mid, d.token, d.attempt) for d in due] == [(4, "tok4", 0)]
    assert store.retries.claim_due([3, 4, 5]) == []
    later = store.retries.claim_due([3], now=store.redis.time()[0] + 61)
    assert [(d.mid, d.attempt) for d in later] == [(3, 2)]
    assert not store.retries.pending(3)


def test_a_step_delivery_runs_once(store: Store):
    assert store.locks.claim_step(9, "task-1", lease_s=5)
    assert not store.locks.claim_step(9, "task-1", lease_s=5)  # redelivered while running
    store.locks.step_done(9, "task-1", keep_s=5)
    assert not store.locks.claim_step(9, "task-1", lease_s=5)  # redelivered after it ended
    assert store.locks.claim_step(9, "task-2", lease_s=5)
    store.redis.delete("user:9:step:task-2")  # its worker died: the lease ran out
    assert store.locks.claim_step(9, "task-2", lease_s=5)


def test_a_refresh_wished_during_another_lasts_until_a_listing_takes_it(store: Store):
    assert not store.locks.wished(9) and not store.locks.take_wish(9)
    store.locks.want_again(9)
    assert store.locks.wished(9)
    assert store.locks.take_wish(9)  # a listing starts: it covers the wish
    assert not store.locks.wished(9)
    store.locks.want_again(9)
    store.forget_user(9)  # under the user's prefix: logout takes it too
    assert not store.locks.wished(9)
