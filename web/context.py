"""What the web needs per process: settings, store, the login client and the task queue."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from bilibili.login import LoginClient
from settings import Settings
from store import Store
from web.queue import TaskQueue


@dataclass(frozen=True)
class WebContext:
    settings: Settings
    store: Store
    login: LoginClient
    queue: TaskQueue


def web_context() -> WebContext:
    return current_app.extensions["bilirec"]
