"""A first sync cut short mid-listing, through a real Celery worker: no picks come from
the partial exclusion set, the status says why, and the retry resumes from the saved
cursor instead of listing the history again."""

from __future__ import annotations

from dataclasses import replace

import pytest

from store import Store
from tests.support import kill_worker, log_in_directly, start_worker, wait_for
from web.queue import TaskQueue
from worker.sync import LISTING_MESSAGE, listing_complete

HISTORY = "/x/web-interface/history/cursor"


@pytest.mark.integration
def test_interrupted_first_listing_publishes_nothing_and_resumes(
    private_settings, private_sim, store: Store,
) -> None:
    settings, control = private_settings, private_sim
    settings = replace(settings, retry_delays_s=(6, 6, 6), first_sync_metadata=10,
                       metadata_per_sync=0, first_user_tag_fetch=5, tag_fetch_per_pool=5)
    mid = log_in_directly(settings, control, store, 10001)
    # Five history pages answer, then every history call fails until the fault is cleared.
    assert control("POST", "/fault", json={"path": HISTORY, "kind": "http", "status": 503,
                                           "count": -1, "after": 5}).ok
    worker = start_worker(settings, beat=True)
    try:
        token = store.locks.acquire(mid)
        TaskQueue(settings.redis_url).refresh_user(mid, token, first=True)

        def waiting() -> bool:
            status = store.status.get(mid)
            return status is not None and status.message.startswith(LISTING_MESSAGE) and (
                "重试" in status.message)

        wait_for(waiting, timeout_s=60, what="the refresh to wait for a retry")
        watched = [e for e in store.events.all(mid) if e.kind == "watch"]
        assert len(watched) == 5 * 30 and not listing_complete(store, mid)
        assert store.picks.latest_date(mid) is None  # nothing from a partial exclusion set
        assert store.status.get(mid).state == "queued"
        assert control("DELETE", "/fault").ok
        assert control("POST", "/counters/reset").ok
        wait_for(lambda: store.picks.latest_date(mid), timeout_s=120, what="the first picks")
    finally:
        kill_worker(worker)  # the backfill run the first picks queued is not waited for
    # The retry asked once at the top (nothing new), then only for the pages not yet read:
    # 606 entries make 21 pages and the empty one that ends the list; 5 were read. The
    # backfill refresh queued with the first picks may have asked the top once more.
    assert control("GET", "/counters").json()["by_path"][HISTORY] - 1 - (22 - 5) in (0, 1)
    assert listing_complete(store, mid)
    assert len({e.bvid for e in store.events.all(mid) if e.kind == "watch"}) == 600
