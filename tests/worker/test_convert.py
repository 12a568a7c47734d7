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
