"""The one "never pick" set that candidates and scoring both read (``Store.never_pick``)."""

from __future__ import annotations

from store import BehaviourEvent, Store


def _log(store: Store, mid: int) -> None:
    store.events.append(mid, [
        BehaviourEvent("watch", "BVwatched", 1, progress=5, duration=100),
        BehaviourEvent("feedback_dislike", "BVdisliked", 2),
        BehaviourEvent("seen", "BVseen", 3),
        BehaviourEvent("shown", "BVshown", 4, source="2026-11-27"),  # pickable again
        BehaviourEvent("toview", "BVlisted", 5),  # excluded while listed, not by the event
        BehaviourEvent("toview", "BVunlisted", 6),
    ])
    store.toview_own.replace(mid, ["BVlisted"])


def test_never_pick_is_what_the_user_touched_and_still_lists(store: Store):
    _log(store, 1)
    assert store.never_pick(1) == {"BVwatched", "BVdisliked", "BVseen", "BVlisted"}
    store.toview_own.replace(1, [])  # taken off 稍后再看 without watching
    assert store.never_pick(1) == {"BVwatched", "BVdisliked", "BVseen"}
    assert store.never_pick(2) == set()  # another user's record is theirs


def test_among_candidates_answers_membership_only(store: Store):
    _log(store, 1)
    among = ["BVshown", "BVlisted", "BVwatched", "BVnew", "BVwatched"]
    assert store.never_pick(1, among) == {"BVlisted", "BVwatched"}
    assert store.never_pick(1, []) == set()
    everything = ["BVwatched", "BVdisliked", "BVseen", "BVshown", "BVlisted", "BVunlisted"]
    assert store.never_pick(1, everything) == store.never_pick(1)
