"""The shared rate limit and cool-downs on a real Redis."""

import threading
import time
from dataclasses import replace

import pytest

from bilibili.errors import CoolingDown
from worker.gate import RedisGate


def _gate(store, settings, **changes):
    return RedisGate(store.throttle, replace(settings, **changes))


def test_cooldown_after_412_stops_everyone(store, settings):
    gate = _gate(store, settings, cooldown_412_min=0.05)
    gate.before_request(1)
    gate.on_intercepted()
    for mid in (1, 2, None):
        with pytest.raises(CoolingDown) as info:
            gate.before_request(mid)
        assert info.value.scope == "global" and 0 < info.value.seconds <= 3


def test_cooldown_after_352_stops_that_user_only(store, settings):
    gate = _gate(store, settings, cooldown_352_min=0.05)
    gate.on_risk_check(1)
    with pytest.raises(CoolingDown) as info:
        gate.before_request(1)
    assert info.value.scope == "user"
    gate.before_request(2)


def test_token_bucket_is_shared_by_threads(store, settings):
    """Four threads, one bucket at 4 rps: over 5 s no more than rate × 5 + burst pass."""
    gate = _gate(store, settings, bilibili_rps=4.0)
    stamps: list[float] = []
    stop = time.monotonic() + 5.0

    def hammer():
        while time.monotonic() < stop:
            gate.before_request(None)
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    in_window = [s for s in stamps if s < stop]
    assert 4 * 5 - 2 <= len(in_window) <= 4 * 5 + 2 + 1
