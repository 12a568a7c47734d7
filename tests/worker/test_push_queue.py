"""A webhook that answers one byte every half second, pushed to through real Celery
workers started as the Procfile starts them (one per worker line, the ml one left out):
the refresh queued behind the push still runs meanwhile, and the push ends at its
deadline (BILIREC_PUSH_TIMEOUT_S), not when the webhook stops."""

from __future__ import annotations

from dataclasses import replace

import pytest

from launcher.procfile import read_procfile
from settings import Settings
from store import Store
from store.push import PushTarget
from tests.support import log_in_directly, start_worker, stop_worker, wait_for
from tests.worker.receiver import Trickler
from worker.app import SYNC_FIRST_QUEUE, create_celery

TIMEOUT_S = 6.0


def procfile_queues() -> list[str]:
    """The --queues of each Procfile worker, but the ml one (TensorFlow, not needed here)."""
    found = []
    for name, command in read_procfile().items():
        args = command.split()
        if name != "worker-ml" and "--queues" in args:
            found.append(args[args.index("--queues") + 1])
    return found


@pytest.mark.integration
def test_a_trickling_webhook_holds_neither_refreshes_nor_past_its_deadline(
        lean_settings: Settings, sim, store: Store) -> None:
    settings = replace(lean_settings, push_allow_private=True, push_timeout_s=TIMEOUT_S,
                       push_retry_delay_s=0.1)
    slow = Trickler("headers", every_s=0.5, lasts_s=40)
    workers = []
    try:
        mid = log_in_directly(settings, sim, store)
        store.push.save(mid, PushTarget("json", slow.url + "/hook"))
        app = create_celery(settings)
        # The test message first, then the refresh: one worker for both would take the
        # push first and hang on it.
        app.send_task("bilirec.push_test", args=[mid])  # routed as deployed
        token = store.locks.acquire(mid)
        app.send_task("bilirec.refresh_user", args=[mid, token], queue=SYNC_FIRST_QUEUE)
        workers = [start_worker(settings, queues) for queues in procfile_queues()]

        wait_for(lambda: slow.connections, timeout_s=60, what="the push to connect")
        pushed_at = slow.connections[0].accepted_at

        def state() -> str | None:
            status = store.status.get(mid)
            return status.state if status is not None else None

        # The refresh starts while the webhook still holds the push, and its sync step ends.
        wait_for(lambda: state() in ("syncing", "training"), timeout_s=30,
                 what="the refresh to start")
        assert slow.connections[0].closed_at is None, "the refresh waited for the push"
        wait_for(lambda: state() == "training", timeout_s=90, what="the sync step to end")
        result = wait_for(lambda: store.push.result(mid), timeout_s=30, what="the push result")
        assert result.ok is False and "超时" in result.message
        conn = wait_for(lambda: slow.connections[0].closed_at and slow.connections[0],
                        timeout_s=10, what="the webhook to see the hang-up")
        held = conn.closed_at - pushed_at
        assert TIMEOUT_S - 0.5 < held < TIMEOUT_S + 2.5, held
        assert len(slow.connections) == 1  # a timed-out push is not tried again
    finally:
        for worker in workers:
            stop_worker(worker)
        slow.stop()
