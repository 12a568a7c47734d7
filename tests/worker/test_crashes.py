"""Workers killed with kill -9 mid-step. The message comes back after the broker's
visibility timeout (seconds here, an hour by default), the step goes on under the same
lock token, and the refresh completes: no half-written model, no event read twice or lost.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from store import Store
from tests.support import (
    LEAN,
    ROOT,
    kill_worker,
    log_in_directly,
    start_worker,
    stop_worker,
    wait_for,
)
from web.queue import TaskQueue
from worker.context import context_for
from worker.sync import listing_complete

HISTORY = "/x/web-interface/history/cursor"
PAUSE_HOOK = Path(__file__).parent / "pause_hook"
# A killed task comes back within seconds; a step outliving the visibility timeout runs
# once all the same (worker.lease). No detail backfill: one refresh is one chain.
CRASHY = {"broker_visibility_timeout_s": 5.0, "refresh_lease_s": 3.0, "retry_poll_s": 1.0,
          "first_sync_metadata": 0, "metadata_per_sync": 0}


def _state(store: Store, mid: int) -> str | None:
    status = store.status.get(mid)
    return status.state if status else None


def _kill(proc: subprocess.Popen) -> None:
    """kill -9 the worker and its embedded beat (a child that would outlive the test,
    ticking at a Redis long gone): ``start_worker`` gives each worker its own group."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def _received(proc: subprocess.Popen, task: str) -> list[str]:
    """Task ids of ``task`` the worker took, in order."""
    return [line.split("[", 2)[2].split("]")[0] for line in list(proc.output)
            if f"Task {task}[" in line and line.rstrip().endswith("received")]


def _succeeded(proc: subprocess.Popen, task_id: str) -> bool:
    return any(task_id in line and " succeeded " in line for line in list(proc.output))


@pytest.mark.integration
def test_ml_worker_killed_mid_training(
    private_settings, private_sim, store: Store, tmp_path: Path,
) -> None:
    settings, control = private_settings, private_sim
    # The step is held past training before the kill: the visibility timeout must outlast
    # that and the lease (settings.py), or the redelivery finds the dead step's lease alive.
    settings = replace(settings, **{**LEAN, **CRASHY, "broker_visibility_timeout_s": 15.0})
    mid = log_in_directly(settings, control, store)
    queue = TaskQueue(settings.redis_url)
    # One ml worker makes the first picks, then stops between training and saving once
    # the test arms it: killed right there.
    marker, armed = tmp_path / "trained", tmp_path / "armed"
    sync = start_worker(settings, "sync_first,sync", beat=True)
    ml = start_worker(settings, "ml", extra_env={
        "PYTHONPATH": f"{PAUSE_HOOK}{os.pathsep}{ROOT}", "PAUSE_AFTER_UPDATE": str(marker),
        "PAUSE_ARMED": str(armed)})
    workers = [sync, ml]
    try:
        queue.refresh_user(mid, store.locks.acquire(mid), first=True)
        # A fresh installation: the first picks, then their re-score once the hot pools'
        # tags are in (nothing else runs after that).
        wait_for(lambda: _state(store, mid) == "ready" and not store.locks.held(mid)
                 and store.pools.scored_complete(mid, store.status.get(mid).picks_date),
                 timeout_s=150, what="the first picks")
        old = store.models.load(mid)
        assert old is not None and not marker.exists()
        first_refresh = store.status.get(mid).last_refresh
        assert control("POST", "/advance_day", json={"days": 2}).ok  # something to learn
        armed.touch()
        queue.refresh_user(mid, store.locks.acquire(mid))
        wait_for(marker.exists, timeout_s=120, what="the second training")
        task_id = _received(ml, "bilirec.train_user")[-1]
        _kill(ml)
        assert not _succeeded(ml, task_id)
        assert store.models.load(mid) == old, "a model trained but not saved was stored"
        ml = start_worker(settings, "ml")
        workers.append(ml)
        wait_for(lambda: _state(store, mid) == "ready"
                 and store.status.get(mid).last_refresh > first_refresh,
                 timeout_s=150, what="the interrupted refresh to complete")
        assert task_id in _received(ml, "bilirec.train_user")  # the same delivery came back
        # The retried update may be kept or refused by the held-out gate: either way the
        # stored model is one whole model with its own metadata.
        blob, meta = store.models.load(mid)
        assert (blob, meta) == old or meta.trained_at > old[1].trained_at
        assert not store.locks.held(mid)
    finally:
        for proc in workers:
            kill_worker(proc)


def _history_truth(settings, mid: int, store: Store) -> list[tuple[str, int]]:
    """What the user watched, as the simulator lists it (walked to its end)."""
    ctx = context_for(settings)
    cookies = store.credentials.load(mid).cookies
    seen: list[tuple[str, int]] = []
    cursor = None
    while True:
        last = None
        for page in ctx.client.history(cookies, start=cursor):
            seen += [(item.bvid, item.view_at) for item in page.items]
            last = page
        if last is None or last.next_cursor is None:
            return seen
        cursor = last.next_cursor


@pytest.mark.integration
def test_sync_worker_killed_mid_sync_resumes_from_the_cursor(
    private_settings, private_sim, store: Store,
) -> None:
    settings, control = private_settings, private_sim
    settings = replace(settings, **{**LEAN, **CRASHY})
    mid = log_in_directly(settings, control, store)
    # Four history pages answer at once, the fifth hangs: the worker is killed there.
    assert control("POST", "/fault", json={"path": HISTORY, "kind": "slow", "seconds": 20,
                                           "count": 1, "after": 4}).ok
    sync = start_worker(settings, "sync_first,sync", beat=True)
    workers = [sync]
    try:
        TaskQueue(settings.redis_url).refresh_user(mid, store.locks.acquire(mid), first=True)
        wait_for(lambda: len(store.events.all(mid)) >= 4 * 30, timeout_s=30,
                 what="four history pages stored")
        wait_for(lambda: control("GET", "/counters").json()["by_path"].get(HISTORY, 0) >= 5,
                 timeout_s=10, what="the fifth history request")
        _kill(sync)
        assert not listing_complete(store, mid)
        sync = start_worker(settings, "sync_first,sync", beat=True)
        workers.append(sync)
        wait_for(lambda: listing_complete(store, mid) and _state(store, mid) == "training",
                 timeout_s=60, what="the listing to finish after the kill")
        asked = control("GET", "/counters").json()["by_path"][HISTORY]
    finally:
        for proc in workers:
            if proc.poll() is None:
                stop_worker(proc)
    watched = [(e.bvid, e.at) for e in store.events.all(mid) if e.kind == "watch"]
    truth = _history_truth(settings, mid, store)
    assert len(truth) > 5 * 30
    assert not [k for k, n in Counter(watched).items() if n > 1]  # nothing twice
    assert Counter(watched) == Counter(truth)  # nothing lost
    # Five requests before the kill; then the top once and only the pages not yet read
    # (a walk from the start again would be five more).
    pages = -(-len(truth) // 30) + 1  # the empty page ends the list
    assert asked <= 5 + 1 + (pages - 4) + 1
