"""The Celery application: broker, queues and routes, built from the settings."""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from settings import Settings

# Queue names are part of the deployment (Procfile, compose): sync = bilibili I/O, no
# TensorFlow; ml = training and scoring. A new user's first sync goes to sync_first, which
# the sync worker drains before anything else (queue_order_strategy below).
SYNC_FIRST_QUEUE = "sync_first"
SYNC_QUEUE = "sync"
ML_QUEUE = "ml"
# Push messages call URLs that users typed: a queue and a worker of their own, so a slow
# webhook can hold only push threads, never one a refresh waits for.
PUSH_QUEUE = "push"

TASK_ROUTES = {
    "bilirec.refresh_user": {"queue": SYNC_QUEUE},
    "bilirec.refresh_all": {"queue": SYNC_QUEUE},
    "bilirec.refresh_hot": {"queue": SYNC_QUEUE},
    "bilirec.train_user": {"queue": ML_QUEUE},
    "bilirec.score_user": {"queue": ML_QUEUE},
    "bilirec.daily_tick": {"queue": SYNC_QUEUE},
    "bilirec.hot_tick": {"queue": SYNC_QUEUE},
    # Quick, and must not wait behind a day's worth of refreshes.
    "bilirec.retry_tick": {"queue": SYNC_FIRST_QUEUE},
    # Writes to 稍后再看: bilibili I/O, no TensorFlow.
    "bilirec.deliver_user": {"queue": SYNC_QUEUE},
    "bilirec.toview_undo": {"queue": SYNC_FIRST_QUEUE},
    "bilirec.push_test": {"queue": PUSH_QUEUE},
    "bilirec.push_picks": {"queue": PUSH_QUEUE},
    "bilirec.push_login_expired": {"queue": PUSH_QUEUE},
    "bilirec.logout_user": {"queue": SYNC_FIRST_QUEUE},
}


def create_celery(settings: Settings) -> Celery:
    visibility_s = settings.broker_visibility_timeout_s
    app = Celery("bilirec", broker=settings.redis_url,
                 include=["worker.tasks", "worker.tasks_delivery", "worker.tasks_push",
                          "worker.ticks"])
    app.conf.update(
        task_queues=[Queue(SYNC_FIRST_QUEUE), Queue(SYNC_QUEUE), Queue(ML_QUEUE),
                     Queue(PUSH_QUEUE)],
        broker_transport_options={
            "queue_order_strategy": "priority",
            # How long a task taken by a worker that died (kill -9) waits before it is
            # delivered again; also the longest countdown that is safe with Redis.
            "visibility_timeout": visibility_s,
            # Look for such tasks every tenth of the timeout (at most every 10 s).
            "unacked_restore_interval": max(1, min(10, int(visibility_s / 10))),
            "unacked_restore_throttle": 1,
        },
        task_default_queue=SYNC_QUEUE,
        task_routes=TASK_ROUTES,
        # Progress and results live in the store; Celery's result backend would keep
        # task arguments and results around, which logout could not find.
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_connection_retry=True,
        broker_connection_max_retries=None,  # a Redis restart must not end the worker
        # A step running when Redis goes away waits for it and goes on (worker.lease);
        # cancelling it would only run it again after the visibility timeout.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        timezone=settings.timezone,
        enable_utc=True,
    )
    app.conf.bilirec_settings = settings
    return app
