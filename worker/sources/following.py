"""New uploads of the UP主 the user follows, per user (``worker.follows.new_uploads``):
within ``following_requests_per_day`` arc/search requests a user a day."""

from __future__ import annotations

import logging

from store import VideoRecord
from worker.follows import FollowingReport, new_uploads
from worker.sources.base import Fetch, Source

log = logging.getLogger(__name__)


def fetch(f: Fetch) -> list[VideoRecord]:
    user = f.for_user
    report = FollowingReport()
    new_uploads(f.store, f.client, user.mid, user.cookies, now=int(user.now.timestamp()),
                day=user.now.date().toordinal(), per_day=f.budget, report=report)
    log.info("user %s new uploads: %d requests, %d UP主 read, %d videos%s", user.mid,
             report.requests, report.uploads_read, len(report.records),
             " (arc/search refused: off for today)" if report.skipped_for_day else "")
    return list(report.records)


SOURCE = Source(name="following", shared=False, budget="following_requests_per_day",
                fetch=fetch)
