import datetime as dt

from store import ModelMeta, Store, VideoRecord


def test_video_cache_round_trip_and_gone(store: Store):
    record = VideoRecord("BV1x", title="标题", tags=("原神", "游戏"), owner_mid=5, view=10)
    store.videos.put([record])
    got = store.videos.get_many(["BV1x", "BV1y"])
    assert list(got) == ["BV1x"] and got["BV1x"].tags == ("原神", "游戏")
    assert store.redis.ttl("video:BV1x") > 86400
    store.videos.mark_gone("BV1y", 62002)
    assert store.videos.gone(["BV1x", "BV1y"]) == {"BV1y"}


def test_picks_pointer_and_recent(store: Store):
    assert store.picks.get(1) is None
    store.picks.save(1, "2026-11-26", {"date": "2026-11-26", "hot": [{"bvid": "BV1a"}],
                                       "explore": []})
    store.picks.save(1, "2026-11-27", {"date": "2026-11-27", "hot": [],
                                       "explore": [{"bvid": "BV1b"}]})
    assert store.picks.latest_date(1) == "2026-11-27"
    assert store.picks.get(1)["explore"] == [{"bvid": "BV1b"}]
    assert store.picks.get(1, "2026-11-26")["hot"] == [{"bvid": "BV1a"}]
    assert store.picks.recent_bvids(1, dt.date(2026, 11, 28)) == {"BV1a", "BV1b"}
    assert store.picks.recent_bvids(1, dt.date(2026, 12, 28)) == set()


def test_model_blob_and_meta_together(store: Store):
    meta = ModelMeta(trained_at=1.0, auc=0.8, version=1, trained_seq=7, n_events=9)
    store.models.save(4, b"\x00\x01weights", meta)
    blob, got = store.models.load(4)
    assert blob == b"\x00\x01weights" and got == meta
    assert store.models.load(5) is None
