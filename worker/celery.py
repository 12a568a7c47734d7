"""The process-wide Celery app, built from ``BILIREC_*`` settings (``celery -A worker``)."""

from __future__ import annotations

from settings import Settings, SettingsError
from worker.app import create_celery

try:
    settings = Settings.from_env()
except SettingsError as exc:
    raise SystemExit(f"bilirec worker: {exc}") from None

app = create_celery(settings)
