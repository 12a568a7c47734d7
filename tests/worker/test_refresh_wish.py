"""A refresh asked for while another runs (docs/api.md: 202 with the running one's state, no
second one queued) must still see what the user watched before asking. Here a detail
backfill has listed the history and is fetching video details when the user watches some
of today's picks and presses 刷新推荐: the next picks must not hold any of them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from settings import Settings
from store import Store
from tests.support import ServerThread, start_worker, stop_worker, wait_for
from tests.web.helpers import log_in

DETAIL = "/x/web-interface/wbi/view/detail"


@pytest.fixture
def backfilling(
    private_settings, private_sim, store: Store,
) -> Iterator[tuple[Settings, object, ServerThread]]:
    from web import create_app

    settings, control = private_settings, private_sim
    # Three details per run: a long history keeps a backfill run going after every one.
    settings = replace(settings, first_sync_metadata=3, metadata_per_sync=3,
                       hot_pool_cap=40, user_pool_cap=60, ranking_rids=(0,), related_seeds=1,
                       feed_pages=1, tag_fetch_per_pool=40)
    web = ServerThread(create_app(settings))
    worker = start_worker(settings)
    try:
        yield settings, control, web
    finally:
        stop_worker(worker)
        web.stop()


def _picks(http, web) -> dict | None:
    answer = http.get(f"{web.url}/api/picks", timeout=10)
    return answer.json() if answer.status_code == 200 else None


def _bvids(doc: dict) -> set[str]:
    return {p["bvid"] for section in ("hot", "explore") for p in doc[section]}


@pytest.mark.integration
def test_a_refresh_asked_during_a_backfill_sees_what_was_watched(backfilling, store):
    settings, control, web = backfilling
    http, session = log_in(web.url, control)
    mid = session["mid"]
    first = wait_for(lambda: _picks(http, web), timeout_s=240, what="the first picks")
    # The hot pools' detail pass of this fresh installation asks view/detail too: let it
    # end before those answers slow down (a user's backfill is what this test slows).
    wait_for(store.pools.tags_done, timeout_s=120, what="the hot pools' details")
    # Details answer slowly from now on: each backfill run spends seconds on them, after
    # its listing of the history.
    assert control("POST", "/fault", json={"path": DETAIL, "kind": "slow", "seconds": 1.0,
                                           "count": -1}).ok

    def after_listing() -> bool:
        status = store.status.get(mid)
        return store.locks.held(mid) and "正在获取视频信息" in status.message

    wait_for(after_listing, timeout_s=120, what="a backfill run past its listing")
    current = _picks(http, web) or first
    watched = [p["bvid"] for p in current["hot"][:8]] + [p["bvid"] for p in current["explore"][:4]]
    for bvid in watched:
        assert control("POST", f"/user/{mid}/watch", json={"bvid": bvid}).ok
    asked = current["generated_at"]
    headers = {"X-CSRF-Token": session["csrf_token"]}
    answer = http.post(f"{web.url}/api/refresh", headers=headers, timeout=10)
    assert answer.status_code == 202 and answer.json()["state"] == "ready"
    assert store.locks.held(mid)  # coalesced into the running refresh, as docs/api.md says

    def next_picks() -> dict | None:
        doc = _picks(http, web)
        return doc if doc and doc["generated_at"] > asked else None

    doc = wait_for(next_picks, timeout_s=120, what="the next picks")
    assert not _bvids(doc) & set(watched), sorted(_bvids(doc) & set(watched))
    assert len(doc["hot"]) == 20
    stored = {e.bvid for e in store.events.all(mid) if e.kind == "watch"}
    assert set(watched) <= stored  # listed before those picks were made
