from store import Store


def test_create_and_get(store: Store):
    session = store.sessions.create(10001)
    again = store.sessions.get(session.sid)
    assert again is not None and again.mid == 10001
    assert again.csrf_token == session.csrf_token


def test_session_id_is_not_stored_in_the_clear(store: Store):
    session = store.sessions.create(10001)
    assert not any(session.sid.encode() in key for key in store.redis.scan_iter())


def test_garbage_ids_are_no_session(store: Store):
    for sid in (None, "", "x" * 500, "not-a-session", "\x00\xff"):
        assert store.sessions.get(sid) is None


def test_delete_all_for_user(store: Store):
    a, b = store.sessions.create(1), store.sessions.create(1)
    other = store.sessions.create(2)
    store.sessions.delete_all_for(1)
    assert store.sessions.get(a.sid) is None and store.sessions.get(b.sid) is None
    assert store.sessions.get(other.sid) is not None


def test_anonymous_session_has_csrf(store: Store):
    session = store.sessions.create()
    assert session.mid is None and not session.logged_in and len(session.csrf_token) > 20


def test_forget_user_finds_every_kind_of_key_without_scanning(store: Store, monkeypatch):
    """Logout deletes the user's sessions and every key whose name holds more than the
    mid (a picks date, a refresh step, a rate window, a day of follow requests) through the
    user's index: its cost does not grow with other users' data, and no SCAN runs."""
    from store import UserProfile

    for mid in (1, 2):
        store.users.activate(UserProfile(mid, f"u{mid}"))
        store.sessions.create(mid)
        store.picks.save(mid, "2026-11-28", {"date": "2026-11-28"})
        store.picks.save(mid, "2026-11-29", {"date": "2026-11-29"})
        assert store.locks.claim_step(mid, "task-a", 60)
        store.locks.step_done(mid, "task-b", 60)
        assert store.limits.allow_user("feedback", mid, limit=5, window_s=60)
        assert store.follows.take_request(mid, 20000, 10)
        store.follows.skip_day(mid, 20001)
    session_keys = {k for k in store.redis.scan_iter() if k.startswith(b"session:")}

    def no_scan(*args, **kwargs):
        raise AssertionError("logout scanned the keyspace")

    monkeypatch.setattr(store.redis, "scan_iter", no_scan)
    monkeypatch.setattr(store.redis, "scan", no_scan)
    store.forget_user(1)
    monkeypatch.undo()
    left = set(store.redis.scan_iter())
    assert not [k for k in left if k.startswith(b"user:1")]
    assert len(session_keys - left) == 1  # user 1's session went, user 2's stayed
    assert store.picks.get(2, "2026-11-28") is not None and store.locks.held(2) is False
    assert len([k for k in left if k.startswith(b"user:2:")]) >= 8


def test_the_index_forgets_keys_that_expired(store: Store):
    """The index is pruned as it is written: a user who gives feedback every minute for a
    year does not keep a year of dead rate-window names."""
    from store import keys, user_index

    user_index.track(store.redis, 3, "user:3:rate:old:1", -3600)  # expired an hour ago
    user_index.track(store.redis, 3, "user:3:rate:new:2", 60)
    assert user_index.tracked(store.redis, 3) == [b"user:3:rate:new:2"]
    assert store.redis.exists(keys.user_index(3))


def test_the_users_session_index_drops_expired_sessions_at_login(store: Store):
    from store import keys

    old = store.sessions.create(5)
    store.sessions.delete(old.sid)  # as if it had expired
    new = store.sessions.create(5)
    assert store.redis.scard(keys.user_sessions(5)) == 1
    assert store.sessions.get(new.sid) is not None
