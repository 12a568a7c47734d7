"""Queues worker tasks by name; the web never imports worker code (or TensorFlow)."""

from __future__ import annotations

from celery import Celery

REFRESH_USER = "bilirec.refresh_user"
TOVIEW_UNDO = "bilirec.toview_undo"
PUSH_TEST = "bilirec.push_test"
LOGOUT_USER = "bilirec.logout_user"
SCORE_USER = "bilirec.score_user"
ML_QUEUE = "ml"
SYNC_QUEUE = "sync"
SYNC_FIRST_QUEUE = "sync_first"  # drained first: a user who just logged in waits least
PUSH_QUEUE = "push"  # a worker of its own: a slow webhook never holds a sync thread


class TaskQueue:
    def __init__(self, broker_url: str) -> None:
        self._celery = Celery("bilirec-web", broker=broker_url)
        self._celery.conf.broker_connection_retry_on_startup = True

    def refresh_user(self, mid: int, lock_token: str, *, first: bool = False) -> None:
        queue = SYNC_FIRST_QUEUE if first else SYNC_QUEUE
        self._celery.send_task(REFRESH_USER, args=[mid, lock_token], queue=queue)

    # Quick user-facing jobs go ahead of the daily refreshes.
    def toview_undo(self, mid: int) -> None:
        self._celery.send_task(TOVIEW_UNDO, args=[mid], queue=SYNC_FIRST_QUEUE)

    def push_test(self, mid: int) -> None:
        self._celery.send_task(PUSH_TEST, args=[mid], queue=PUSH_QUEUE)

    def logout_user(self, mid: int, token: str) -> None:
        self._celery.send_task(LOGOUT_USER, args=[mid, token], queue=SYNC_FIRST_QUEUE)

    def score_user(self, mid: int, lock_token: str) -> None:
        """Re-score from the stored pools (new rules): no sync, no bilibili request."""
        self._celery.send_task(SCORE_USER, args=[mid, lock_token, {"rescore": True}],
                               queue=ML_QUEUE)
