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


def test_a_tag_pass_writes_only_over_the_pools_it_read(store: Store):
    assert store.pools.tags_done()  # no pools, nothing to tag
    store.redis.set("hot:version", "from-an-older-release")
    assert store.pools.tags_done()  # written with their tags, before tag passes existed
    untagged = store.pools.put_hot_all({"hot": [VideoRecord("BV1a")]}, tagged=False)
    assert not store.pools.tags_done()
    newer = store.pools.put_hot_all({"hot": [VideoRecord("BV1b")]}, tagged=False)
    # The pass read the first version; a refresh wrote newer pools meanwhile.
    assert store.pools.put_hot_all({"hot": [VideoRecord("BV1a", tags=("x",))]},
                                   if_version=untagged) is None
    assert store.pools.hot_version() == newer and not store.pools.tags_done()
    done = store.pools.put_hot_all({"hot": [VideoRecord("BV1b", tags=("y",))]},
                                   if_version=newer)
    assert done and store.pools.hot_version() == done and store.pools.tags_done()
    assert store.pools.hot("hot")[0].tags == ("y",)


def test_picks_remember_whether_their_pools_had_tags(store: Store):
    assert store.pools.scored_complete(4, "2026-12-01") is None
    store.pools.note_scored(4, "2026-12-01", complete=False)
    assert store.pools.scored_complete(4, "2026-12-01") is False
    assert store.pools.scored_complete(4, "2026-12-02") is None  # another day's picks
    store.pools.note_scored(4, "2026-12-01", complete=True)
    assert store.pools.scored_complete(4, "2026-12-01") is True
    store.forget_user(4)
    assert store.pools.scored_complete(4, "2026-12-01") is None


def test_one_hot_refresh_and_one_tag_pass_at_a_time(store: Store):
    assert store.pools.claim_hot_refresh(ttl_s=60) and not store.pools.claim_hot_refresh(60)
    assert store.pools.hot_refresh_running()
    store.pools.end_hot_refresh()
    assert not store.pools.hot_refresh_running() and store.pools.claim_hot_refresh(60)
    assert store.pools.claim_hot_tagging(60) and not store.pools.claim_hot_tagging(60)
    store.pools.end_hot_tagging()
    assert store.pools.claim_hot_tagging(60)
