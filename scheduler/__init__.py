"""Celery beat: ``celery -A scheduler beat`` finds the app in ``scheduler.celery``, which
adds the schedule of ``scheduler.schedule`` to the worker's app."""
