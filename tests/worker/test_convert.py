from store import BehaviourEvent
from worker.convert import merge_events


def test_merge_keeps_every_signal_per_video():
    events = [
        BehaviourEvent("watch", "a", 100, progress=30, duration=100),
        BehaviourEvent("watch", "a", 200, progress=-1, duration=100),
        BehaviourEvent("like", "a", 0),
        BehaviourEvent("coin", "b", 50),
        BehaviourEvent("fav", "c", 70, source="1"),
        BehaviourEvent("feedback_dislike", "d", 80),
        BehaviourEvent("shown", "e", 90, source="2026-11-26"),
        BehaviourEvent("shown", "a", 90, source="2026-11-26"),
    ]
    merged = merge_events(events)
    a = merged["a"]
    assert (a.at, a.progress, a.liked, a.shown_ignored) == (200, -1, True, False)
    assert merged["b"].coined and merged["c"].faved and merged["d"].disliked
    assert merged["e"].shown_ignored


def test_a_watch_later_entry_is_a_weak_positive_until_watched():
    from models.features import TOVIEW_WEIGHT, example_weight, label

    events = [
        BehaviourEvent("toview", "q", 100, duration=300),
        BehaviourEvent("toview", "w", 100, duration=300),
        BehaviourEvent("watch", "w", 200, progress=20, duration=300),
        BehaviourEvent("toview", "s", 100, duration=300),
        BehaviourEvent("shown", "s", 90, source="2026-11-26"),
    ]
    merged = merge_events(events)
    q = merged["q"]
    assert q.toview and label(q) == 1 and example_weight(q) == TOVIEW_WEIGHT
    # opened and left at once: the watch says more than the intent did
    assert merged["w"].toview and label(merged["w"]) == 0
    # a pick the user put in 稍后再看 was not ignored
    assert not merged["s"].shown_ignored and label(merged["s"]) == 1
