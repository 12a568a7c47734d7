from store import Store, VideoRecord


def test_pools_round_trip_and_garbage_reads_empty(store: Store):
    store.pools.put_hot("hot", [VideoRecord("BV1a", source="hot")])
    store.pools.put_user(3, [VideoRecord("BV1b", source="related")])
    assert [r.bvid for r in store.pools.hot("hot")] == ["BV1a"]
    assert store.pools.user(3)[0].source == "related"
    store.redis.set("hot:weekly", b"garbage")
    assert store.pools.hot("weekly") == []


def test_every_write_of_the_hot_pools_gets_a_new_version_read_with_them(store: Store):
    assert store.pools.hot_version() == ""
    first = store.pools.put_hot_all({"hot": [VideoRecord("BV1a")], "weekly": []})
    assert store.pools.hot_version() == first != ""
    version, pools = store.pools.hot_many(("hot", "weekly", "ranking"))
    assert version == first
    assert [r.bvid for r in pools["hot"]] == ["BV1a"] and pools["ranking"] == []
    second = store.pools.put_hot("hot", [VideoRecord("BV1c")])
    assert second != first and store.pools.hot_version() == second
