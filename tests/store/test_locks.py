from store import Store


def test_second_acquire_is_refused_until_release(store: Store):
    token = store.locks.acquire(5)
    assert token and store.locks.acquire(5) is None and store.locks.held(5)
    assert not store.locks.release(5, "someone-else")
    assert store.locks.release(5, token)
    assert store.locks.acquire(5) is not None


def test_locks_are_per_user(store: Store):
    assert store.locks.acquire(1) and store.locks.acquire(2)
