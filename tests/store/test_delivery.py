from store import Store, keys
from store.delivery import COUNT_DEFAULT, ToviewSettings


def test_settings_default_off_and_change_in_parts(store: Store):
    assert store.toview.settings(1) == ToviewSettings(enabled=False, count=COUNT_DEFAULT)
    assert store.toview.save_settings(1, enabled=True) == ToviewSettings(True, COUNT_DEFAULT)
    assert store.toview.save_settings(1, count=3) == ToviewSettings(True, 3)
    assert store.toview.settings(1) == ToviewSettings(True, 3)
    store.redis.set(keys.toview_settings(2), b"garbage")
    assert store.toview.settings(2) == ToviewSettings()


def test_record_of_added_and_error(store: Store):
    store.toview.record_added(1, 170001, "BV17x411w7KC", "2026-12-01", at=100.0)
    store.toview.record_added(1, 85440373, "BV117411r7R1", "2026-12-02", at=200.0)
    store.redis.hset(keys.toview_added(1), "bad", b"{")
    added = store.toview.added(1)
    assert [(a.aid, a.bvid, a.day) for a in added] == [
        (170001, "BV17x411w7KC", "2026-12-01"), (85440373, "BV117411r7R1", "2026-12-02")]
    store.toview.forget_added(1, [170001])
    assert [a.aid for a in store.toview.added(1)] == [85440373]
    assert store.toview.error(1) is None
    store.toview.set_error(1, "稍后再看已满")
    assert store.toview.error(1) == "稍后再看已满"
    store.toview.set_error(1, None)
    assert store.toview.error(1) is None


def test_everything_goes_with_logout(store: Store):
    store.toview.save_settings(7, enabled=True)
    store.toview.record_added(7, 170001, "BV17x411w7KC", "2026-12-01")
    store.toview.set_error(7, "x")
    store.forget_user(7)
    assert not list(store.redis.scan_iter(match="user:7*"))
