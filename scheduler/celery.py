"""The worker's Celery app with the beat schedule (``celery -A scheduler beat``)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from scheduler.schedule import beat_schedule
from worker.celery import app, settings

app.conf.beat_schedule = beat_schedule(settings)
# Beat only remembers when each entry last ran; a temp file is enough, and one per Redis
# keeps a demo and a real run on one machine apart (the app directory may be read-only).
_tag = hashlib.sha1(settings.redis_url.encode()).hexdigest()[:8]
app.conf.beat_schedule_filename = str(Path(tempfile.gettempdir()) / f"bilirec-beat-{_tag}")
