"""bilibili's home feed for the user, per user: ``feed_pages`` calls, each answering new
items. Optional: a refusal other than risk control ends it for this run."""

from __future__ import annotations

import logging

from bilibili import errors
from store import VideoRecord
from worker.convert import record_from_list
from worker.sources.base import Fetch, Source

log = logging.getLogger(__name__)


def fetch(f: Fetch) -> list[VideoRecord]:
    user = f.for_user
    records: list[VideoRecord] = []
    for page in range(1, f.budget + 1):
        try:
            answer = f.client.home_feed(user.cookies, fresh_idx=page)
            records += [record_from_list(v, SOURCE.name) for v in answer]
        except errors.RiskCheckFailed:
            raise
        except errors.BiliError as exc:
            log.info("home feed for %s unavailable: %s", user.mid, type(exc).__name__)
            break
    return records


SOURCE = Source(name="feed", shared=False, budget="feed_pages", fetch=fetch)
