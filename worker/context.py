"""What a task needs (settings, store, bilibili clients), built once per worker process.

Built lazily in the child, after the fork, so no Redis connection or HTTP pool is shared
between processes. TensorFlow is not here: only ``worker.ml`` loads it, in the ml worker.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from bilibili.client import BiliClient
from bilibili.cookie_refresh import CookieRefresher
from bilibili.http import Hosts, Transport
from bilibili.login import LoginClient
from bilibili.retry import RetryPolicy
from settings import Settings
from store import Store
from store.migrate import migrate
from worker.gate import RedisGate


@dataclass(frozen=True)
class Context:
    settings: Settings
    store: Store
    login: LoginClient
    client: BiliClient
    refresher: CookieRefresher
    # The project's "now" in settings.tz: which day's picks a refresh makes. A simulated
    # week moves it a day per simulated day.
    clock: Callable[[], dt.datetime]


@functools.cache
def context_for(settings: Settings) -> Context:
    transport = Transport(
        Hosts(api=settings.api_base, passport=settings.passport_base, www=settings.www_base),
        timeout_s=settings.http_timeout_s,
    )
    store = Store.from_settings(settings)
    migrate(store.redis)  # keys of an older layout move before any task reads them
    gate = RedisGate(store.throttle, settings)
    retry = RetryPolicy(
        max_attempts=settings.retry_attempts,
        base_delay_s=settings.retry_base_s,
        too_frequent_base_s=settings.retry_base_s * 5,
        max_delay_s=settings.retry_max_total_s / 2,
        max_total_delay_s=settings.retry_max_total_s,
    )
    login = LoginClient(transport)
    return Context(
        settings=settings,
        store=store,
        login=login,
        client=BiliClient(transport, gate, retry=retry, device=_device_ids(store, login)),
        refresher=CookieRefresher(transport, gate, retry=retry),
        clock=functools.partial(dt.datetime.now, settings.tz),
    )


def _device_ids(store: Store, login: LoginClient) -> dict[str, str]:
    """This installation's buvid3/buvid4 (the web usually fetched them at first login)."""
    ids = store.device.get()
    if ids is None:
        try:
            ids = login.device_ids()
        except Exception:  # calls go on without; bilibili may then say -352
            return {}
        store.device.save(ids)
    return ids
