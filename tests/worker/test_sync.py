"""Behaviour sync against the simulated world over real HTTP, with a real Redis."""

from dataclasses import replace

import pytest

from store import Store
from tests.support import log_in_directly
from worker.context import context_for
from worker.refresh import sync_user
from worker.sync import listing_complete


@pytest.fixture
def synced(private_settings, private_sim, store: Store):
    settings, control = private_settings, private_sim
    mid = log_in_directly(settings, control, store)
    return settings, control, mid


def _sync_completely(ctx, mid) -> int:
    """Run syncs until the history and its metadata are all in; returns how many runs."""
    runs = 1
    report = sync_user(ctx, mid)
    while report.backfill_pending or report.metadata_missing:
        report = sync_user(ctx, mid)
        runs += 1
        assert runs < 6
    return runs


def _counts(control) -> dict:
    return control("GET", "/counters").json()["by_path"]


def test_first_sync_lists_the_whole_history_and_caps_details(synced, store):
    settings, control, mid = synced
    report = sync_user(context_for(settings), mid)
    events = store.events.all(mid)
    kinds = {e.kind for e in events}
    assert {"watch", "fav", "like", "coin"} <= kinds
    watches = [e for e in events if e.kind == "watch"]
    # The whole history (600 videos; bangumi, live and article entries ignored), in
    # 30-item pages, before any picks: nothing watched may come back.
    assert len(watches) == 600 and report.listing_complete
    assert listing_complete(store, mid)
    assert _counts(control)["/x/web-interface/history/cursor"] == 22
    # Details are capped; the list answers stand in as partial metadata meanwhile.
    assert 0.8 * settings.first_sync_metadata <= report.metadata_fetched
    assert report.metadata_fetched <= settings.first_sync_metadata
    assert report.metadata_missing > 0
    records = store.videos.get_many([e.bvid for e in watches])
    assert len(records) == 600
    partial = [r for r in records.values() if r.tags is None]
    assert len(partial) > 400 and all(r.owner_mid and r.title for r in partial)
    assert sum(r.tid is not None for r in partial) > 0.8 * len(partial)
    # Details go to what the user loved first (interleaved with the newest watches).
    loved = store.videos.get_many([e.bvid for e in events if e.kind in ("like", "coin", "fav")])
    assert sum(r.tags is not None for r in loved.values()) >= settings.first_sync_metadata // 2
    assert len(store.pools.user(mid)) > 20


def test_rerun_adds_nothing(synced, store):
    settings, control, mid = synced
    ctx = context_for(replace(settings, metadata_per_sync=0))
    sync_user(ctx, mid)
    total = store.events.count(mid)
    control("POST", "/counters/reset")
    assert sync_user(ctx, mid).new_events == 0 and store.events.count(mid) == total
    assert _counts(control)["/x/web-interface/history/cursor"] == 1  # stops at the newest


def test_daily_sync_fetches_only_new_items(synced, store):
    settings, control, mid = synced
    # Backfilling ~1,000 videos' details takes a few runs, not dozens.
    ctx = context_for(replace(settings, metadata_per_sync=600))
    _sync_completely(ctx, mid)
    before = store.events.count(mid)
    assert control("POST", "/advance_day", json={"days": 1}).ok
    control("POST", "/counters/reset")
    report = sync_user(ctx, mid)
    paths = _counts(control)
    new_watch = [e for e in store.events.all(mid) if e.kind == "watch"][before:]
    assert report.new_events > 0 and store.events.count(mid) == before + report.new_events
    assert paths["/x/web-interface/history/cursor"] <= len(new_watch) // 30 + 2
    # view/detail: the new videos' metadata, plus the user pool's candidate details
    assert paths.get("/x/web-interface/wbi/view/detail", 0) <= (
        report.new_events + 5 + settings.user_tag_fetch)


def test_faults_on_history_are_retried(synced, store):
    settings, control, mid = synced
    for kind in ({"kind": "http", "status": 500}, {"kind": "garbled"},
                 {"kind": "code", "code": -509}):
        control("POST", "/fault", json={"path": "/x/web-interface/history/cursor",
                                         "count": 1, **kind})
    report = sync_user(context_for(settings), mid)
    assert report.new_events > 100


def test_listing_cut_short_keeps_its_pages_and_resumes_from_its_cursor(synced, store):
    settings, control, mid = synced
    ctx = context_for(settings)
    history = "/x/web-interface/history/cursor"
    # Six pages answer, then bilibili fails on every history call.
    control("POST", "/fault", json={"path": history, "kind": "http", "status": 503,
                                     "count": -1, "after": 6})
    from bilibili import errors

    with pytest.raises(errors.Transient):
        sync_user(ctx, mid)
    watches = {e.bvid for e in store.events.all(mid) if e.kind == "watch"}
    assert 150 <= len(watches) <= 180 and not listing_complete(store, mid)
    assert store.pools.user(mid) == []  # nothing built on a partial exclusion set
    control("DELETE", "/fault")
    control("POST", "/counters/reset")
    report = sync_user(ctx, mid)
    # One call at the top (nothing new), then only the pages not yet read: 606 entries
    # (600 videos, 6 bangumi) make 21 pages and the empty one that ends the list.
    assert _counts(control)[history] == 1 + (22 - 6)
    assert report.listing_complete and listing_complete(store, mid)
    assert len({e.bvid for e in store.events.all(mid) if e.kind == "watch"}) == 600


def test_412_pauses_every_call(synced, store):
    settings, control, mid = synced
    from bilibili import errors

    control("POST", "/fault", json={"path": "/x/web-interface/history/cursor",
                                     "kind": "http", "status": 412, "count": 1})
    with pytest.raises(errors.RiskControl):
        sync_user(context_for(settings), mid)
    control("POST", "/counters/reset")
    with pytest.raises(errors.CoolingDown):
        sync_user(context_for(settings), mid)
    assert control("GET", "/counters").json()["total"] == 0  # nothing was sent


def test_login_expired_after_failed_refresh(synced, store):
    settings, control, mid = synced
    from bilibili import errors

    control("POST", "/session/expire", json={"mid": mid})
    with pytest.raises(errors.NotLoggedIn):
        sync_user(context_for(settings), mid)


def test_cookie_refresh_when_bilibili_asks(synced, store):
    settings, control, mid = synced
    old = store.credentials.load(mid)
    control("POST", "/session/needs_refresh", json={"mid": mid})
    sync_user(context_for(settings), mid)
    new = store.credentials.load(mid)
    assert new.cookies["SESSDATA"] != old.cookies["SESSDATA"]
    assert new.refresh_token != old.refresh_token
    # The next day's sync works with the rotated cookies.
    control("POST", "/advance_day", json={"days": 1})
    assert sync_user(context_for(settings), mid).new_events > 0


def test_hidden_likes_and_coins_are_an_empty_source(private_settings, private_sim, store):
    settings, control = private_settings, private_sim
    mid = log_in_directly(settings, control, store, 10005)  # hides likes and coins (53013)
    report = sync_user(context_for(settings), mid)
    kinds = {e.kind for e in store.events.all(mid)}
    assert report.likes_hidden and "watch" in kinds
    assert not kinds & {"like", "coin"}
