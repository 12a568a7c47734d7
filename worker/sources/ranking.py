"""排行榜, shared: one zone ranking per configured rid (``ranking_rids``), in that order."""

from __future__ import annotations

import logging

from bilibili import errors
from store import VideoRecord
from worker.convert import record_from_list
from worker.sources.base import Fetch, Source

log = logging.getLogger(__name__)


def fetch(f: Fetch) -> list[VideoRecord]:
    records: list[VideoRecord] = []
    for rid in f.budget:
        try:
            records += [record_from_list(v, SOURCE.name) for v in f.client.ranking(rid)]
        except errors.NotFound:
            log.warning("ranking rid %s is unknown to bilibili; skipped", rid)
    return records


SOURCE = Source(name="ranking", shared=True, budget="ranking_rids", fetch=fetch)
