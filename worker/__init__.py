"""Celery workers: ``celery -A worker worker -Q sync`` (bilibili I/O) and ``-Q ml``.

The app itself is built from the environment in ``worker.celery`` (where ``-A worker``
finds it), so importing ``worker.app`` or the tasks needs no settings.
"""
