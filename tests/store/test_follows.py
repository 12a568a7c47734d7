from store import Store
from store.follows import Followed, FollowsMeta, UploadsRead


def test_followings_replace_meta_and_model_view(store: Store):
    store.follows.replace(7, [Followed(30, "乙", 200, True), Followed(10, "甲", 100)],
                          FollowsMeta(next_read_at=5000, newest_at=200, total=2))
    assert [f.mid for f in store.follows.all(7)] == [10, 30]  # stable order to take turns
    assert store.follows.for_model(7) == {10: 1, 30: 2}
    assert store.follows.meta(7) == FollowsMeta(5000, 200, 2)
    store.follows.set_next_read(7, 9000)
    assert store.follows.meta(7) == FollowsMeta(9000, 200, 2)
    store.follows.replace(7, [Followed(10, "甲", 100)], FollowsMeta(1, 100, 1))
    assert [f.mid for f in store.follows.all(7)] == [10]  # unfollowed ones go
    store.redis.hset("user:7:follows", "11", b"garbage")
    assert [f.mid for f in store.follows.all(7)] == [10]


def test_daily_budget_skip_and_reads(store: Store):
    assert [store.follows.take_request(7, 740000, 2) for _ in range(3)] == [True, True, False]
    assert store.follows.used(7, 740000) == 2
    assert store.follows.take_request(7, 740001, 2)  # a new day, a new budget
    assert not store.follows.skipped(7, 740000)
    store.follows.skip_day(7, 740000)
    assert store.follows.skipped(7, 740000) and not store.follows.skipped(7, 740001)
    store.follows.mark_read(7, 10, UploadsRead(740000, 1_700_000_000))
    store.follows.set_pointer(7, 10)
    assert store.follows.reads(7) == {10: UploadsRead(740000, 1_700_000_000)}
    assert store.follows.pointer(7) == 10


def test_own_toview_entries_are_replaced_as_a_whole(store: Store):
    store.toview_own.replace(7, ["BV1a", "BV1b", "BV1a"])
    assert store.toview_own.bvids(7) == {"BV1a", "BV1b"}
    store.toview_own.replace(7, [])
    assert store.toview_own.bvids(7) == set()


def test_logout_forgets_followings_and_own_toview(store: Store):
    store.follows.replace(7, [Followed(10, "甲")], FollowsMeta())
    store.follows.take_request(7, 740000, 5)
    store.toview_own.replace(7, ["BV1a"])
    store.forget_user(7)
    assert not list(store.redis.scan_iter(match="user:7:*"))
