"""稍后再看 stays tidy (issue 15 item 12), in-process against the simulator over real
HTTP: each day's clean-up removes every earlier addition of ours that the user did not
favourite, watched or not, so at most ``count`` of ours are ever listed; 撤销全部 removes
all of ours, watched or not, and leaves a favourited one (the user's) alone."""

from __future__ import annotations

from store import BehaviourEvent
from tests.worker.test_delivery_errors import DAY, listed, setup
from worker import delivery


def _to_yesterday(store, mid: int) -> None:
    for a in store.toview.added(mid):
        store.toview.record_added(mid, a.aid, a.bvid, "2026-11-30", at=a.added_at)


def test_clean_up_removes_watched_entries_of_ours_and_keeps_favourited(
    private_settings, private_sim, store,
):
    mid = 10001
    ctx, control, picks = setup(private_settings, private_sim, store, mid, count=3)
    own = listed(control, mid)
    first = delivery.deliver(ctx, mid, DAY).added
    assert len(first) == 3
    _to_yesterday(store, mid)
    watched, faved, untouched = first
    assert control("POST", f"/user/{mid}/watch", json={"bvid": watched}).ok
    assert control("POST", f"/user/{mid}/favourite", json={"bvid": faved}).ok
    # What the refresh's sync records from the favourite folders.
    store.events.append(mid, [BehaviourEvent("fav", faved, 1, source="1")])
    report = delivery.deliver(ctx, mid, DAY)
    assert sorted(report.removed) == sorted([watched, untouched])
    assert report.kept == [faved] and len(report.added) == 3
    now = listed(control, mid)
    assert watched not in now and untouched not in now and faved in now
    assert set(own) <= set(now)
    ours = [a.bvid for a in store.toview.added(mid)]
    assert sorted(ours) == sorted(report.added) and len(ours) == 3  # never more than count
    assert len(now) == len(own) + 1 + 3

    # 撤销全部 the next day: the watched one of ours goes too.
    assert control("POST", f"/user/{mid}/watch", json={"bvid": report.added[0]}).ok
    undone = delivery.undo(ctx, mid)
    assert sorted(undone.removed) == sorted(report.added)
    assert sorted(listed(control, mid)) == sorted([*own, faved])
    assert store.toview.added(mid) == []


def test_undo_leaves_a_favourited_entry_of_ours(
    private_settings, private_sim, store,
):
    mid = 10002
    ctx, control, picks = setup(private_settings, private_sim, store, mid, count=2)
    own = listed(control, mid)
    added = delivery.deliver(ctx, mid, DAY).added
    assert control("POST", f"/user/{mid}/favourite", json={"bvid": added[0]}).ok
    store.events.append(mid, [BehaviourEvent("fav", added[0], 1, source="1")])
    undone = delivery.undo(ctx, mid)
    assert undone.removed == [added[1]] and undone.kept == [added[0]]
    assert sorted(listed(control, mid)) == sorted([*own, added[0]])
    assert store.toview.added(mid) == []
