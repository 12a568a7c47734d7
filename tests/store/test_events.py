from store import BehaviourEvent, Store


def _watch(bvid: str, at: int, progress: int = 10) -> BehaviourEvent:
    return BehaviourEvent("watch", bvid, at, progress=progress, duration=100)


def test_events_are_added_exactly_once(store: Store):
    batch = [_watch("BV1a", 100), BehaviourEvent("like", "BV1a", 0), _watch("BV1b", 90)]
    assert store.events.append(1, batch) == 3
    assert store.events.append(1, batch) == 0
    assert store.events.append(1, [_watch("BV1a", 200)]) == 1  # watched again later
    assert store.events.count(1) == 4


def test_since_returns_new_events_in_insertion_order(store: Store):
    store.events.append(1, [_watch("BV1a", 100), _watch("BV1b", 50)])
    seq = store.events.last_seq(1)
    store.events.append(1, [_watch("BV1c", 10), _watch("BV1a", 100)])
    assert [e.bvid for e in store.events.since(1, seq)] == ["BV1c"]
    assert [e.bvid for e in store.events.since(1, 0)] == ["BV1a", "BV1b", "BV1c"]


def test_replay_sample_is_bounded_and_old(store: Store):
    store.events.append(1, [_watch(f"BV{i}", i) for i in range(50)])
    seq = store.events.last_seq(1)
    store.events.append(1, [_watch("BVnew", 999)])
    sample = store.events.sample(1, seq, 10)
    assert len(sample) == 10 and len({e.bvid for e in sample}) == 10
    assert "BVnew" not in {e.bvid for e in sample}


def test_garbled_record_is_skipped(store: Store):
    store.events.append(1, [_watch("BV1a", 1), _watch("BV1b", 2)])
    store.redis.hset("user:1:events:data", "watch:BV1a:1", b"{garbage")
    assert [e.bvid for e in store.events.all(1)] == ["BV1b"]


def test_unknown_kind_is_refused_and_nothing_is_stored(store: Store):
    try:
        store.events.append(1, [_watch("BV1a", 1), BehaviourEvent("hug", "BV1b", 2)])
    except ValueError:
        pass
    else:
        raise AssertionError("unknown kind accepted")
    assert store.events.count(1) == 0


def test_touched_videos_exclude_shown_only(store: Store):
    store.events.append(1, [_watch("BV1a", 1), BehaviourEvent("shown", "BV1b", 2, source="d"),
                            BehaviourEvent("feedback_dislike", "BV1c", 3)])
    assert store.events.touched(1) == {"BV1a", "BV1c"}
