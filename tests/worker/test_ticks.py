"""Twice is once: beat's ticks delivered twice (two beat processes by mistake, or a
redelivery later the same day) refresh each user once and the hot pools once, through a
real worker process."""

from __future__ import annotations

import ast
import json

import pytest

from tests.support import log_in_directly, start_worker, stop_worker, wait_for
from worker.app import create_celery


def _finished(worker, task: str) -> int:
    return sum(f"Task {task}[" in line and " succeeded " in line for line in worker.output)


def _trainings(store) -> list[int]:
    """The users whose sync finished and handed over to training (the ml queue, which no
    worker here consumes), one entry per refresh."""
    return [ast.literal_eval(json.loads(m)["headers"]["argsrepr"])[0]
            for m in store.redis.lrange("ml", 0, -1)]


@pytest.mark.integration
def test_daily_fan_out_delivered_twice_refreshes_each_user_once(lean_settings, sim, store):
    users = [u["mid"] for u in sim("GET", "/users").json()[:2]]
    for mid in users:
        log_in_directly(lean_settings, sim, store, mid)
    celery = create_celery(lean_settings)
    # Two beats at 06:00: the raw fan-out twice and the tick twice, all at once.
    for task in ("bilirec.refresh_all", "bilirec.refresh_all",
                 "bilirec.daily_tick", "bilirec.daily_tick"):
        celery.send_task(task)
    worker = start_worker(lean_settings, queues="sync")
    try:
        wait_for(lambda: _finished(worker, "bilirec.daily_tick") == 2
                 and sorted(_trainings(store)) == sorted(users), timeout_s=90,
                 what="both users synced")
        # The round is over (as if training and scoring had run): locks free, ml drained.
        for mid in users:
            store.redis.delete(f"user:{mid}:lock:refresh")
        store.redis.delete("ml")
        # A redelivery of the tick later that day starts no second round.
        celery.send_task("bilirec.daily_tick")
        wait_for(lambda: _finished(worker, "bilirec.daily_tick") == 3, timeout_s=30,
                 what="the late tick")
    finally:
        stop_worker(worker)
    assert _finished(worker, "bilirec.refresh_all") == 2
    # Left queued at most: the hot pools' tag pass the first sync of this fresh
    # installation asked for (it gives way while users wait for first picks).
    left = [json.loads(m)["headers"]["task"] for m in store.redis.lrange("sync", 0, -1)]
    assert _trainings(store) == [] and set(left) <= {"bilirec.tag_hot"}
    assert not any(store.locks.held(mid) for mid in users)


@pytest.mark.integration
def test_hot_tick_delivered_twice_refreshes_the_pools_once(lean_settings, sim, store):
    celery = create_celery(lean_settings)
    celery.send_task("bilirec.hot_tick")
    celery.send_task("bilirec.hot_tick")
    worker = start_worker(lean_settings, queues="sync")
    try:
        wait_for(lambda: _finished(worker, "bilirec.hot_tick") == 2, timeout_s=90,
                 what="both ticks")
    finally:
        stop_worker(worker)
    assert sum("hot pools refreshed" in line for line in worker.output) == 1
    assert sum("duplicate tick skipped" in line for line in worker.output) == 1
    assert store.pools.has_hot()
