"""The beat schedule: what runs when, in the configured time zone."""

import datetime as dt

from celery.schedules import crontab

from scheduler.schedule import beat_schedule
from settings import Settings

SECRET = "s" * 40


def test_schedule_follows_the_settings():
    settings = Settings(secret_key=SECRET, daily_at=dt.time(7, 15), hot_every_min=30.0)
    schedule = beat_schedule(settings)
    assert schedule["daily-refresh"]["task"] == "bilirec.daily_tick"
    daily = schedule["daily-refresh"]["schedule"]
    assert isinstance(daily, crontab)
    assert daily.hour == {7} and daily.minute == {15}
    assert schedule["hot-refresh"]["task"] == "bilirec.hot_tick"
    assert schedule["hot-refresh"]["schedule"] == dt.timedelta(minutes=30)


def test_scheduled_tasks_exist_in_the_worker():
    from worker.app import TASK_ROUTES, create_celery

    app = create_celery(Settings(secret_key=SECRET))
    app.loader.import_default_modules()
    for entry in beat_schedule(Settings(secret_key=SECRET)).values():
        assert entry["task"] in app.tasks
        assert entry["task"] in TASK_ROUTES


def test_web_queues_a_task_the_worker_has():
    from web.queue import REFRESH_USER, SYNC_FIRST_QUEUE, SYNC_QUEUE
    from worker import app as worker_app

    app = worker_app.create_celery(Settings(secret_key=SECRET))
    app.loader.import_default_modules()
    assert REFRESH_USER in app.tasks
    assert (SYNC_FIRST_QUEUE, SYNC_QUEUE) == (worker_app.SYNC_FIRST_QUEUE, worker_app.SYNC_QUEUE)


def test_beat_process_queues_the_hot_refresh(fast_settings, redis_client, tmp_path):
    """A real `celery -A scheduler beat` with a 1.2 s hot period puts the hot tick on sync."""
    import subprocess
    import sys
    from dataclasses import replace

    from tests.support import ROOT, settings_env, wait_for

    env = settings_env(replace(fast_settings, hot_every_min=0.02))
    env["TMPDIR"] = str(tmp_path)
    beat = subprocess.Popen([sys.executable, "-m", "celery", "-A", "scheduler", "beat",
                             "--loglevel", "INFO"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: any(b"bilirec.hot_tick" in m
                             for m in redis_client.lrange("sync", 0, -1)),
                 timeout_s=30, what="beat to queue the hot tick")
    finally:
        beat.terminate()
        beat.wait(10)
