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
