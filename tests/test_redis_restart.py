"""Redis (append-only) restarted in the middle of a refresh round: the web answers 503
JSON while it is down and recovers by itself, the workers reconnect, the interrupted
refreshes finish, and nothing already stored is lost."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from launcher.redis_server import start_redis
from store import Store
from tests.support import TEST_SECRET, kill_worker, log_in_directly, start_worker, wait_for
from tests.web.helpers import log_in
from web.queue import TaskQueue

HISTORY = "/x/web-interface/history/cursor"


def _done_since(store: Store, mid: int, since: float) -> bool:
    status = store.status.get(mid)
    return bool(status and status.state == "ready" and (status.last_refresh or 0) > since
                and not store.locks.held(mid))


@pytest.mark.integration
def test_redis_restart_mid_round(lean_settings, sim, web_factory, tmp_path) -> None:
    data = tmp_path / "redis"
    url, server = start_redis(data, persist=True)
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    settings = replace(lean_settings, redis_url=url, broker_visibility_timeout_s=20.0,
                       refresh_lease_s=3.0, retry_poll_s=1.0, first_sync_metadata=0,
                       metadata_per_sync=0)
    store = Store.connect(url, TEST_SECRET)
    web = web_factory(redis_url=url)
    first, *others = [u["mid"] for u in sim("GET", "/users").json()[:3]]
    workers = [start_worker(settings, "sync_first,sync", beat=True),
               start_worker(settings, "ml")]
    try:
        http, _ = log_in(web.url, sim, first)  # the web queues the first refresh
        wait_for(lambda: _done_since(store, first, 0), timeout_s=150, what="the first picks")
        for mid in others:
            log_in_directly(settings, sim, store, mid)
        events = {e.id for e in store.events.all(first)}
        picks_date = store.picks.latest_date(first)
        model = store.models.load(first)
        assert events and picks_date and model

        # A round for everyone, history slow, so refreshes are mid-way when Redis stops.
        assert sim("POST", "/fault", json={"path": HISTORY, "kind": "slow", "seconds": 1.5,
                                           "count": 6}).ok
        round_start = time.time()
        queue = TaskQueue(url)
        for mid in (first, *others):
            queue.refresh_user(mid, store.locks.acquire(mid), first=mid != first)
        wait_for(lambda: any(store.status.get(m) and store.status.get(m).state == "syncing"
                             for m in (first, *others)), timeout_s=30, what="a sync running")
        server.terminate()
        server.wait(10)
        for path in ("/api/status", "/api/picks"):
            resp = http.get(f"{web.url}{path}", timeout=10)
            assert resp.status_code == 503, (path, resp.status_code)
            assert resp.headers["Content-Type"].startswith("application/json")
            assert resp.json()["error"]
        # The page's first call answers 200 even now, saying why nobody is logged in.
        resp = http.get(f"{web.url}/api/session", timeout=10)
        assert resp.status_code == 200 and resp.json()["logged_in"] is False
        assert resp.json()["error"]
        time.sleep(2)
        _, server = start_redis(data, port=port, persist=True)

        wait_for(lambda: http.get(f"{web.url}/api/status", timeout=10).status_code == 200,
                 timeout_s=20, what="the web to recover by itself")
        for mid in (first, *others):
            wait_for(lambda m=mid: _done_since(store, m, round_start), timeout_s=150,
                     what=f"user {mid}'s interrupted refresh to finish")
        assert all(proc.poll() is None for proc in workers), "a worker died with Redis"
        # Nothing stored before the restart is lost: user, session, events, model, picks.
        assert all(store.users.is_active(m) for m in (first, *others))
        assert http.get(f"{web.url}/api/session", timeout=10).json()["mid"] == first
        assert events <= {e.id for e in store.events.all(first)}
        assert store.picks.get(first, picks_date) is not None
        assert store.models.load(first) is not None
    finally:
        for proc in workers:
            kill_worker(proc)
        server.terminate()
        server.wait(10)
