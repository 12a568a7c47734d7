"""Behaviour sync against the simulated world over real HTTP, with a real Redis."""

import pytest

from store import Store
from tests.conftest import log_in_directly
from worker.context import context_for
from worker.refresh import sync_user


@pytest.fixture
def synced(world, store: Store):
    settings, control = world
    mid = log_in_directly(settings, control, store)
    return settings, control, mid


def _sync_completely(ctx, mid) -> int:
    """Run syncs until the history and its metadata are all in; returns how many runs."""
    runs = 1
    report = sync_user(ctx, mid)
    while report.backfill_pending or report.metadata_missing:
        report = sync_user(ctx, mid)
        runs += 1
        assert runs < 15
    return runs


def _counts(control) -> dict:
    return control("GET", "/counters").json()["by_path"]


def test_first_sync_stores_newest_history_first_and_metadata(synced, store):
    settings, control, mid = synced
    report = sync_user(context_for(settings), mid)
    events = store.events.all(mid)
    kinds = {e.kind for e in events}
    assert {"watch", "fav", "like", "coin"} <= kinds
    watches = [e for e in events if e.kind == "watch"]
    assert len(watches) == settings.first_sync_pages * 30
    assert report.backfill_pending  # ≈300 items: the rest comes in later runs
    # A capped first fetch covers both what was watched and what was loved.
    assert report.metadata_fetched <= settings.first_sync_metadata
    assert report.metadata_fetched >= 0.8 * settings.first_sync_metadata
    watched = store.videos.get_many([e.bvid for e in watches])
    loved = store.videos.get_many([e.bvid for e in events if e.kind in ("like", "fav")])
    assert len(watched) >= 20 and len(loved) >= 20
    assert all(r.tags is not None for r in watched.values())
    assert report.metadata_missing > 0
    assert len(store.pools.user(mid)) > 20


def test_rerun_adds_nothing_and_backfill_completes_the_history(synced, store):
    settings, control, mid = synced
    ctx = context_for(settings)
    _sync_completely(ctx, mid)
    total = store.events.count(mid)
    assert sync_user(ctx, mid).new_events == 0 and store.events.count(mid) == total
    truth_history = control("GET", f"/truth/{mid}").json()
    assert truth_history  # the world knows this user
    watches = {e.bvid for e in store.events.all(mid) if e.kind == "watch"}
    assert len(watches) >= 250


def test_daily_sync_fetches_only_new_items(synced, store):
    settings, control, mid = synced
    ctx = context_for(settings)
    _sync_completely(ctx, mid)
    before = store.events.count(mid)
    assert control("POST", "/advance_day", json={"days": 1}).ok
    control("POST", "/counters/reset")
    report = sync_user(ctx, mid)
    paths = _counts(control)
    new_watch = [e for e in store.events.all(mid) if e.kind == "watch"][before:]
    assert report.new_events > 0 and store.events.count(mid) == before + report.new_events
    assert paths["/x/web-interface/history/cursor"] <= len(new_watch) // 30 + 2
    assert paths.get("/x/web-interface/wbi/view/detail", 0) <= report.new_events + 5


def test_faults_on_history_are_retried(synced, store):
    settings, control, mid = synced
    for kind in ({"kind": "http", "status": 500}, {"kind": "garbled"},
                 {"kind": "code", "code": -509}):
        control("POST", "/fault", json={"path": "/x/web-interface/history/cursor",
                                         "count": 1, **kind})
    report = sync_user(context_for(settings), mid)
    assert report.new_events > 100


def test_persistent_fault_fails_cleanly_and_keeps_what_was_stored(synced, store):
    settings, control, mid = synced
    ctx = context_for(settings)
    sync_user(ctx, mid)
    stored = store.events.count(mid)
    control("POST", "/fault", json={"path": "/x/v3/fav/folder/created/list-all",
                                     "kind": "http", "status": 503, "count": -1})
    control("POST", "/advance_day", json={"days": 1})
    from bilibili import errors  # noqa: PLC0415

    with pytest.raises(errors.Transient):
        sync_user(ctx, mid)
    assert store.events.count(mid) > stored  # the history pages fetched before stay
    control("DELETE", "/fault")
    sync_user(ctx, mid)


def test_412_pauses_every_call(synced, store):
    settings, control, mid = synced
    from bilibili import errors  # noqa: PLC0415

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
    from bilibili import errors  # noqa: PLC0415

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


def test_hidden_likes_and_coins_are_an_empty_source(world, store):
    settings, control = world
    mid = log_in_directly(settings, control, store, 10005)  # hides likes and coins (53013)
    report = sync_user(context_for(settings), mid)
    kinds = {e.kind for e in store.events.all(mid)}
    assert report.likes_hidden and "watch" in kinds
    assert not kinds & {"like", "coin"}
