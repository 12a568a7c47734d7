"""Loaded by a test worker whose PYTHONPATH starts here (tests/worker/test_sources.py):
registers the test-only source of ``precious_source`` as the worker starts, and changes
nothing else."""

from celery.signals import worker_init


@worker_init.connect
def _register_precious(**_kwargs) -> None:
    from precious_source import SOURCE

    from worker.sources import register

    register(SOURCE)
