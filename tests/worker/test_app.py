"""The Celery app takes its broker options from the settings."""

from __future__ import annotations

from settings import Settings
from worker.app import create_celery

SECRET = "s" * 40


def test_visibility_timeout_is_a_setting():
    env = {"BILIREC_SECRET_KEY": SECRET, "BILIREC_BROKER_VISIBILITY_TIMEOUT_S": "12"}
    options = create_celery(Settings.from_env(env)).conf.broker_transport_options
    assert options["visibility_timeout"] == 12
    assert options["queue_order_strategy"] == "priority"
    default = create_celery(Settings(secret_key=SECRET)).conf.broker_transport_options
    assert default["visibility_timeout"] == 3600
