"""What beat sends: the daily fan-out and the hot-pool refresh, each run once per period
however often its tick is delivered (two beat processes by mistake, or a redelivery)."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task

from worker.context import context_for
from worker.tasks import refresh_all, refresh_hot

log = logging.getLogger(__name__)

# A duplicate comes within seconds (two beats) or a visibility timeout (redelivery); the
# next real hot tick one period later must still run.
HOT_CLAIM_SHARE = 0.9
DAILY_CLAIM_S = 2 * 86400


@shared_task(bind=True, name="bilirec.daily_tick", acks_late=True)
def daily_tick(self) -> int | None:
    """The day's fan-out, once per local date."""
    settings = self.app.conf.bilirec_settings
    today = dt.datetime.now(settings.tz).date().isoformat()
    if not context_for(settings).store.ticks.claim(f"daily:{today}", ttl_s=DAILY_CLAIM_S):
        log.info("daily refresh of %s already done; duplicate tick skipped", today)
        return None
    return refresh_all()


@shared_task(bind=True, name="bilirec.hot_tick", acks_late=True)
def hot_tick(self) -> dict | None:
    """The shared hot pools, once per hot period."""
    settings = self.app.conf.bilirec_settings
    period_s = settings.hot_every_min * 60
    if not context_for(settings).store.ticks.claim("hot", ttl_s=period_s * HOT_CLAIM_SHARE):
        log.info("hot pools already fresh this period; duplicate tick skipped")
        return None
    return refresh_hot()
