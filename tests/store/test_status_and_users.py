import pytest

from store import Store, UserProfile


def test_status_keeps_unnamed_fields(store: Store):
    store.status.set(1, "ready", progress=1, picks_date="2026-11-28", refreshed=True)
    store.status.set(1, "syncing", progress=0.3, message="正在同步")
    status = store.status.get(1)
    assert (status.state, status.progress, status.message) == ("syncing", 0.3, "正在同步")
    assert status.picks_date == "2026-11-28" and status.last_refresh is not None


def test_unknown_state_is_refused(store: Store):
    with pytest.raises(ValueError):
        store.status.set(1, "sleeping")


def test_forget_user_deletes_everything_of_that_user_only(store: Store):
    for mid in (1, 2):
        store.users.activate(UserProfile(mid, f"u{mid}"))
        store.credentials.save(mid, {"SESSDATA": "x"}, "t")
        store.status.set(mid, "ready")
        store.sessions.create(mid)
        store.redis.set(f"user:{mid}:picks:2026-11-28", b"{}")
    store.forget_user(1)
    assert not [k for k in store.redis.scan_iter() if k.startswith(b"user:1")]
    assert store.users.active_mids() == [2]
    assert store.credentials.load(2) is not None and store.status.get(2) is not None


def test_activate_reports_new_users(store: Store):
    assert store.users.activate(UserProfile(3, "三")) is True
    assert store.users.activate(UserProfile(3, "三")) is False
    assert store.users.get(3).uname == "三"
