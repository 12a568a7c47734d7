"""Celery beat: ``celery -A scheduler beat`` runs the schedule of ``scheduler.schedule``."""

from __future__ import annotations

from scheduler.schedule import beat_schedule
from worker.celery import app, settings

app.conf.beat_schedule = beat_schedule(settings)
