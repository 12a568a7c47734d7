"""Loaded by a test worker whose PYTHONPATH starts here: once the model has been trained
in memory, and before it is saved, the worker writes the marker file named by
``PAUSE_AFTER_UPDATE`` and sleeps, so a test can kill it at exactly that point however
fast the machine trains. With ``PAUSE_ARMED`` set, only once that file exists: the
trainings before it (the first picks) run and save as usual, in the same worker."""

import os
import time

from celery.signals import worker_init


@worker_init.connect
def _pause_after_update(**_kwargs) -> None:
    from models.recommender import Recommender  # the worker's own import

    update = Recommender.update
    marker = os.environ["PAUSE_AFTER_UPDATE"]
    armed = os.environ.get("PAUSE_ARMED")

    def paused(self, *args, **kwargs):
        report = update(self, *args, **kwargs)
        if armed and not os.path.exists(armed):
            return report
        with open(marker, "w") as f:
            f.write("trained, not saved\n")
        time.sleep(600)
        return report

    Recommender.update = paused
