"""The writes to 稍后再看 when bilibili says no, run in-process against the simulator over
real HTTP with faults forced on the write paths: 90003 skips the video, 90001 stops, -111
stops (nothing retried), a transient error stops with the add still recorded as ours
(its answer was lost), -101 refreshes the cookies once and goes on. Each write is one
request, and the requests a delivery costs are printed as a figure."""

from __future__ import annotations

import pytest

from bilibili import errors
from bilibili.ids import bv_to_av
from store import Store, keys
from tests.support import log_in_directly
from worker import delivery
from worker.context import context_for

ADD = "/x/v2/history/toview/add"
DEL = "/x/v2/history/toview/del"
DAY = "2026-12-01"


def setup(private_settings, private_sim, store: Store, mid: int, count: int = 3):
    settings, control = private_settings, private_sim
    log_in_directly(settings, control, store, mid)
    future = control("GET", f"/truth/{mid}?k=20").json()["future"]
    picks = [{"bvid": b, "title": f"视频{i}", "rating": 90 - i, "author": {"name": "UP"}}
             for i, b in enumerate(future)]
    store.picks.save(mid, DAY, {"date": DAY, "hot": picks[::2], "explore": picks[1::2]})
    store.toview.save_settings(mid, enabled=True, count=count)
    control("POST", "/counters/reset")
    return context_for(settings), control, [p["bvid"] for p in picks]


def listed(control, mid: int) -> list[str]:
    return [i["bvid"] for i in control("GET", f"/user/{mid}/toview").json()["list"]]


def calls(control, path: str) -> int:
    return control("GET", "/counters").json()["by_path"].get(path, 0)


def test_deleted_video_is_skipped_and_a_delivery_costs_one_request_per_write(
    private_settings, private_sim, store,
):
    ctx, control, picks = setup(private_settings, private_sim, store, 10001)
    control("POST", "/fault", json={"path": ADD, "kind": "code", "code": 90003, "count": 1})
    report = delivery.deliver(ctx, 10001, DAY)
    assert report.error is None and report.added == picks[1:4]
    assert [a.bvid for a in store.toview.added(10001)] == picks[1:4]
    assert set(picks[1:4]) <= set(listed(control, 10001)) and picks[0] not in listed(
        control, 10001)
    by_path = control("GET", "/counters").json()["by_path"]
    writes = by_path[ADD]
    assert writes == 4  # one refused, three added: nothing sent twice
    # The next day: three unwatched removals, one list read, three adds.
    control("POST", "/counters/reset")
    for a in store.toview.added(10001):
        store.toview.record_added(10001, a.aid, a.bvid, "2026-11-30", at=a.added_at)
    report = delivery.deliver(ctx, 10001, DAY)
    assert len(report.removed) == 3 and len(report.added) == 3
    total = control("GET", "/counters").json()["total"]
    print(f"\ntoview_requests_per_day (count 3, 3 removed): {total} requests")
    assert total == 1 + 3 + 3


def test_full_list_csrf_and_transient_errors_stop_without_retry(
    private_settings, private_sim, store,
):
    ctx, control, picks = setup(private_settings, private_sim, store, 10002)
    control("POST", "/fault", json={"path": ADD, "kind": "code", "code": 90001, "count": 1})
    report = delivery.deliver(ctx, 10002, DAY)
    assert report.added == [] and "已满" in store.toview.error(10002)
    assert store.toview.added(10002) == [] and calls(control, ADD) == 1

    control("POST", "/counters/reset")
    control("POST", "/fault", json={"path": ADD, "kind": "code", "code": -111, "count": 1})
    report = delivery.deliver(ctx, 10002, DAY)
    assert "csrf" in report.error and store.toview.added(10002) == []
    assert calls(control, ADD) == 1

    control("POST", "/counters/reset")
    # A cut answer (the add may have been applied): recorded as ours.
    control("POST", "/fault", json={"path": ADD, "kind": "garbled", "count": 1})
    report = delivery.deliver(ctx, 10002, DAY)
    assert report.error == delivery.BUSY and calls(control, ADD) == 1
    # The lost answer: recorded as ours, so a later run can tell (it is not in the list).
    assert [a.bvid for a in store.toview.added(10002)] == [picks[0]]
    report = delivery.deliver(ctx, 10002, DAY)
    assert report.error is None and store.toview.error(10002) is None
    # The ghost was not in the list: forgotten, and (checked, not blind) added now.
    assert [a.bvid for a in store.toview.added(10002)] == picks[:3]
    assert set(picks[:3]) <= set(listed(control, 10002))


@pytest.mark.parametrize("fault", [
    {"kind": "code", "code": -352}, {"kind": "code", "code": -412},
    {"kind": "http", "status": 412}, {"kind": "code", "code": -500}])
def test_a_refused_add_is_not_recorded_so_the_users_own_entry_is_never_taken(
        private_settings, private_sim, store, fault):
    """Risk control (-352, -412, HTTP 412) and any other code refuse an add for certain:
    no record of it may stay, or the next day's clean-up deletes the user's own entry of
    that video once they add it themselves."""
    ctx, control, picks = setup(private_settings, private_sim, store, 10004, count=1)
    control("POST", "/fault", json={"path": ADD, "count": 1, **fault})
    report = delivery.deliver(ctx, 10004, DAY)
    assert report.error == delivery.BUSY and calls(control, ADD) == 1
    assert store.toview.added(10004) == []
    # The user adds that video themselves; the next day's run leaves it alone.
    store.redis.delete(keys.COOLDOWN_GLOBAL, keys.cooldown(10004))  # cool-downs over
    cookies = store.credentials.load(10004).cookies
    ctx.client.toview_add(cookies, aid=bv_to_av(picks[0]))
    report = delivery.deliver(ctx, 10004, "2026-12-02")
    assert picks[0] in listed(control, 10004) and picks[0] not in report.removed


def test_a_cooldown_counts_as_refused_and_a_lost_answer_does_not():
    """A cool-down stops an add before it is sent; a timeout or a cut answer may hide one
    that bilibili applied."""
    assert delivery.refused(errors.CoolingDown(30, "user"))
    assert not delivery.refused(errors.Transient("timed out"))
    assert not delivery.refused(errors.error_for_http(502))


def test_not_logged_in_refreshes_once_then_goes_on(private_settings, private_sim, store):
    ctx, control, picks = setup(private_settings, private_sim, store, 10003)
    control("POST", "/fault", json={"path": ADD, "kind": "code", "code": -101, "count": 1})
    report = delivery.deliver(ctx, 10003, DAY)
    assert report.added == picks[:3] and report.error is None
    assert calls(control, ADD) == 4  # the refused one sent again once, after the refresh
    control("POST", "/fault", json={"path": DEL, "kind": "code", "code": -101, "count": -1})
    control("POST", "/session/expire", json={"mid": 10003})
    with pytest.raises(delivery.LoginExpired):
        delivery.undo(ctx, 10003)
    assert len(store.toview.added(10003)) == 3  # nothing forgotten that is still there
