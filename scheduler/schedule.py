"""What runs when, declared as data: one entry per periodic job, each with a stable name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery.schedules import crontab

from settings import Settings


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """The beat schedule; times are in ``settings.timezone`` (the Celery app's time zone).
    Each entry's task runs once per period however often beat delivers it."""
    return {
        "daily-refresh": {
            "task": "bilirec.daily_tick",
            "schedule": crontab(hour=settings.daily_at.hour, minute=settings.daily_at.minute),
            "options": {"expires": 3600},
        },
        "hot-refresh": {
            "task": "bilirec.hot_tick",
            "schedule": dt.timedelta(minutes=settings.hot_every_min),
            "options": {"expires": settings.hot_every_min * 60},
        },
        "retry-tick": {
            "task": "bilirec.retry_tick",
            "schedule": dt.timedelta(seconds=settings.retry_poll_s),
            "options": {"expires": settings.retry_poll_s},
        },
    }
