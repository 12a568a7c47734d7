"""Two real worker processes syncing two users at once share one rate limit: counted at
the simulator, no 5 s window holds more than rate × 5 s + the bucket's burst."""

from dataclasses import replace

from store import VideoRecord
from tests.support import log_in_directly, start_worker, wait_for
from worker.gate import BURST

RPS = 4.0
WINDOW_S = 5.0


def test_two_workers_respect_the_shared_rate(private_settings, private_sim, store):
    settings, control = private_settings, private_sim
    settings = replace(settings, bilibili_rps=RPS)
    mids = [log_in_directly(settings, control, store, mid) for mid in (10001, 10002)]
    store.pools.put_hot("hot", [VideoRecord("BV1xx411c7mD")])  # users' syncs only
    workers = [start_worker(settings, "sync_first,sync") for _ in range(2)]
    try:
        control("POST", "/counters/reset")
        from web.queue import TaskQueue  # queue the way the web does

        queue = TaskQueue(settings.redis_url)
        for mid in mids:
            queue.refresh_user(mid, store.locks.acquire(mid), first=True)
        # Both users' syncs run side by side for a while (each needs ~100 requests).
        wait_for(lambda: len(control("GET", "/counters").json()["log"]) >= 50,
                 timeout_s=60, what="50 requests")
    finally:
        for proc in workers:
            proc.kill()  # mid-sync: a warm shutdown would wait for ~100 paced requests
            proc.wait()
    log = control("GET", "/counters").json()["log"]
    stamps = sorted(t for t, _, _ in log)
    users = {mid for _, _, mid in log if mid}
    assert users == set(mids)  # both workers were calling bilibili at the same time
    busiest = max(
        sum(1 for t in stamps if start <= t < start + WINDOW_S) for start in stamps
    )
    assert busiest <= RPS * WINDOW_S + BURST + 1, busiest
    assert stamps[-1] - stamps[0] >= WINDOW_S
