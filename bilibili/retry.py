"""Exponential back-off with full jitter for transient bilibili failures.

Only :class:`bilibili.errors.Transient` (5xx, -500/-503/-504/-8888, timeouts, garbled
JSON) and its :class:`~bilibili.errors.TooFrequent` (-509, -799) are retried here.
Risk control (-412, -352) is never retried in-process: the gate turns it into a cool-down.
Past the caps the error propagates, so the task fails cleanly and Celery retries later.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bilibili import errors

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` counts the first try; ``max_total_delay_s`` bounds the sleeping.

    Delay before retry n (n = 1, 2, ...) is uniform in
    ``[0, min(max_delay_s, base * 2**(n-1))]`` ("full jitter"), where ``base`` is
    ``too_frequent_base_s`` after -509/-799 (bilibili asks for minutes there) and
    ``base_delay_s`` otherwise; each delay is clipped to what is left of the total budget.
    """

    max_attempts: int = 4
    base_delay_s: float = 1.0
    too_frequent_base_s: float = 5.0
    max_delay_s: float = 30.0
    max_total_delay_s: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    rand: Callable[[], float] = field(default=random.random, repr=False)

    def delay(self, retry_no: int, exc: errors.BiliError) -> float:
        """The jittered delay before retry number ``retry_no`` (from 1)."""
        slow = isinstance(exc, errors.TooFrequent)
        base = self.too_frequent_base_s if slow else self.base_delay_s
        ceiling = min(self.max_delay_s, base * 2 ** (retry_no - 1))
        return self.rand() * ceiling

    def run(self, fn: Callable[[], T]) -> T:
        slept = 0.0
        attempt = 1
        while True:
            try:
                return fn()
            except errors.Transient as exc:
                left = self.max_total_delay_s - slept
                if attempt >= self.max_attempts or left <= 0:
                    log.warning("giving up after %d attempts: %s", attempt, exc)
                    raise
                wait = min(self.delay(attempt, exc), left)
                log.info("attempt %d failed (%s); retrying in %.2f s", attempt, exc, wait)
                self.sleep(wait)
                slept += wait
                attempt += 1


NO_RETRY = RetryPolicy(max_attempts=1)
