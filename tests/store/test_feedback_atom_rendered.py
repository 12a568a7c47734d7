"""Feedback state, the Atom feed's tokens, past days and the rendered picks answers."""

from __future__ import annotations

import hashlib

import pytest

from store import UserProfile, keys


def test_feedback_state_and_clicks(store):
    store.feedback.set(1, "BV1xx411c7mD", "like")
    store.feedback.set(1, "BV1xx411c7mD", "dislike")
    store.feedback.set(1, "BV1sK4y147ob", "like")
    store.feedback.clear(1, "BV1sK4y147ob")
    assert store.feedback.all(1) == {"BV1xx411c7mD": "dislike"}
    store.feedback.click(1, "BV1sK4y147ob")
    assert store.feedback.clicked(1) == {"BV1sK4y147ob"}
    assert store.feedback.all(2) == {} and store.feedback.clicked(2) == set()
    with pytest.raises(ValueError):
        store.feedback.set(1, "BV1xx411c7mD", "click")


def test_atom_tokens_rotate_and_revoke(store):
    first = store.atom.token(7)
    assert store.atom.token(7) == first and store.atom.owner(first) == 7
    second = store.atom.rotate(7)
    assert store.atom.owner(first) is None and store.atom.owner(second) == 7
    store.atom.revoke(7)
    assert store.atom.owner(second) is None and store.atom.token(7) != second


def test_forget_user_revokes_the_feed(store):
    store.users.activate(UserProfile(8, "u"))
    token = store.atom.token(8)
    store.feedback.set(8, "BV1xx411c7mD", "like")
    store.forget_user(8)
    assert store.atom.owner(token) is None and store.feedback.all(8) == {}
    assert list(store.redis.scan_iter("*8*")) == []


def test_dates_newest_first_within_thirty_days(store):
    for day in ("2026-10-01", "2026-11-20", "2026-11-27", "2026-11-28"):
        store.picks.save(3, day, {"date": day, "hot": [], "explore": []})
    assert store.picks.dates(3) == ["2026-11-28", "2026-11-27", "2026-11-20"]
    assert store.picks.dates(4) == []


def test_cached_answer_is_dropped_by_new_picks_and_feedback(store):
    body, gen = store.rendered.get(5, "latest")
    assert body is None and store.rendered.put(5, "latest", b"A", gen)
    assert store.rendered.get(5, "latest")[0] == b"A"
    store.picks.save(5, "2026-11-28", {"date": "2026-11-28", "hot": [], "explore": []})
    assert store.rendered.get(5, "latest")[0] is None
    _, gen = store.rendered.get(5, "latest")
    assert store.rendered.put(5, "latest", b"B", gen)
    store.feedback.set(5, "BV1xx411c7mD", "dislike")
    assert store.rendered.get(5, "latest")[0] is None


def test_an_answer_rendered_before_an_invalidation_is_not_stored(store):
    _, seen = store.rendered.get(6, "latest")
    store.feedback.set(6, "BV1xx411c7mD", "like")  # lands while the old answer renders
    assert not store.rendered.put(6, "latest", b"stale", seen)
    assert store.rendered.get(6, "latest")[0] is None


# bilibili's mids grow past 2^32; past 2^53 the script cannot name the keys and hands over.
@pytest.mark.parametrize("mid", [7, 3_493_118_494_214_000, 2**53 + 1])
def test_session_and_cached_answer_in_one_read(store, mid):
    session = store.sessions.create(mid)
    assert store.rendered.get_for_session(session.sid, "latest") == (session, None, "0")
    _, gen = store.rendered.get(mid, "latest")
    assert store.rendered.put(mid, "latest", b"A", gen)
    store.feedback.set(mid, "BV1xx411c7mD", "like")  # a generation past 0
    _, gen = store.rendered.get(mid, "latest")
    assert store.rendered.put(mid, "latest", b"B", gen)
    assert store.rendered.get_for_session(session.sid, "latest") == (session, b"B", gen)
    assert store.rendered.get_for_session(session.sid, "2026-11-27") == (session, None, gen)


def test_one_read_without_a_user_session(store):
    anonymous = store.sessions.create()
    assert store.rendered.get_for_session(anonymous.sid, "latest") == (anonymous, None, "0")
    for sid in (None, "", "x" * 500, "not-a-session"):
        assert store.rendered.get_for_session(sid, "latest") == (None, None, "0")
    garbage = store.sessions.create(8)
    store.redis.set(keys.session(hashlib.sha256(garbage.sid.encode()).hexdigest()), b"{oops")
    assert store.rendered.get_for_session(garbage.sid, "latest") == (None, None, "0")


def test_concurrent_rotations_leave_one_working_token_and_logout_removes_it(store, redis_url):
    """Two rotations at once (two tabs, a double click) used to both delete the old
    lookup key and each write its own: one token outlived logout. Many at once here."""
    import threading

    from store import Store
    from tests.support import TEST_SECRET

    mid = 31
    store.atom.token(mid)
    clients = [Store.connect(redis_url, TEST_SECRET) for _ in range(8)]
    start = threading.Barrier(len(clients))

    def rotate_many(s) -> None:
        start.wait()
        for _ in range(40):
            s.atom.rotate(mid)

    threads = [threading.Thread(target=rotate_many, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    owners = list(store.redis.scan_iter(match="atom:*"))
    assert len(owners) == 1
    assert store.atom.owner(store.atom.token(mid)) == mid
    store.atom.revoke(mid)
    assert not list(store.redis.scan_iter(match="atom:*"))
