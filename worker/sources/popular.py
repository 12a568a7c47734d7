"""综合热门 (popular), shared; its picks say ``source: "hot"``. Pages of 50 until the pool
cap is reached or the list ends."""

from __future__ import annotations

from store import VideoRecord
from worker.convert import record_from_list
from worker.sources.base import Fetch, Source

PAGE_SIZE = 50


def fetch(f: Fetch) -> list[VideoRecord]:
    records: list[VideoRecord] = []
    page = 1
    while len(records) < f.budget:
        answer = f.client.popular(pn=page, ps=PAGE_SIZE)
        records += [record_from_list(v, SOURCE.name) for v in answer.items]
        if not answer.has_more or not answer.items:
            break
        page += 1
    return records


SOURCE = Source(name="hot", shared=True, budget="hot_pool_cap", fetch=fetch)
