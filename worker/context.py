"""What a task needs (store, bilibili client), built once per worker process.

Built lazily in the child, after the fork, so no Redis connection or HTTP pool is shared
between processes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bilibili.http import Hosts, Transport
from bilibili.login import LoginClient
from settings import Settings
from store import Store


@dataclass(frozen=True)
class Context:
    settings: Settings
    store: Store
    login: LoginClient


@functools.cache
def context_for(settings: Settings) -> Context:
    transport = Transport(
        Hosts(api=settings.api_base, passport=settings.passport_base, www=settings.www_base),
        timeout_s=settings.http_timeout_s,
    )
    return Context(
        settings=settings,
        store=Store.from_settings(settings),
        login=LoginClient(transport),
    )
