"""The client's Gate on the shared Redis throttle, with the cool-downs of the settings."""

from __future__ import annotations

import time
from collections.abc import Callable

from bilibili.errors import CoolingDown
from settings import Settings
from store.throttle import Throttle

# One request may go out at once after an idle spell; more would be a burst bilibili sees.
BURST = 2.0


class RedisGate:
    def __init__(
        self, throttle: Throttle, settings: Settings, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._throttle = throttle
        self._rps = settings.bilibili_rps
        self._cooldown_412_s = settings.cooldown_412_min * 60
        self._cooldown_352_s = settings.cooldown_352_min * 60
        self._sleep = sleep

    def before_request(self, mid: int | None) -> None:
        paused = self._throttle.cooldown_left(mid)
        if paused is not None:
            raise CoolingDown(*paused)
        while (wait := self._throttle.take(rps=self._rps, burst=BURST)) > 0:
            self._sleep(wait)

    def on_intercepted(self) -> None:
        self._throttle.pause_everyone(self._cooldown_412_s)

    def on_risk_check(self, mid: int | None) -> None:
        self._throttle.pause_user(mid, self._cooldown_352_s)
