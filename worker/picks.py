"""Turning scored candidates into the day's picks of docs/api.md: 热门精选 from the shared
hot pools, 兴趣探索 from the user's own pool; nothing already watched, liked, favourited
or disliked; nothing picked in the last 7 days unless the list would run short; at most
two per UP主."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from store import VideoRecord
from worker import sources
from worker.sources import HOT_SOURCES

log = logging.getLogger(__name__)

MAX_PER_AUTHOR = 2


def split_candidates(
    hot_pools: Mapping[str, list[VideoRecord]], user_pool: Iterable[VideoRecord]
) -> tuple[list[VideoRecord], list[VideoRecord]]:
    """(hot candidates, explore candidates), each video once: the shared sources' in the
    registry's order, then the user's own pool."""
    hot: dict[str, VideoRecord] = {}
    for source in HOT_SOURCES:
        for record in hot_pools.get(source, []):
            hot.setdefault(record.bvid, record)
    explore: dict[str, VideoRecord] = {}
    for record in user_pool:
        if record.bvid not in hot:
            explore.setdefault(record.bvid, record)
    return list(hot.values()), list(explore.values())


def select(
    candidates: list[VideoRecord],
    scores: Mapping[str, float],
    *,
    n: int,
    exclude: set[str],
    recent: set[str],
) -> list[VideoRecord]:
    """The best ``n`` by score under the rules above, best first. Recent picks only fill
    what the others leave short, and then take their place by score like any other."""
    ranked = sorted(
        (c for c in candidates if c.bvid not in exclude and c.bvid in scores),
        key=lambda c: scores[c.bvid],
        reverse=True,
    )
    chosen: list[VideoRecord] = []
    taken: set[str] = set()
    per_author: dict[int, int] = {}
    for allow_recent in (False, True):
        for record in ranked:
            if len(chosen) >= n:
                break
            if record.bvid in taken or (record.bvid in recent and not allow_recent):
                continue
            if record.owner_mid and per_author.get(record.owner_mid, 0) >= MAX_PER_AUTHOR:
                continue
            chosen.append(record)
            taken.add(record.bvid)
            per_author[record.owner_mid] = per_author.get(record.owner_mid, 0) + 1
    return sorted(chosen, key=lambda c: scores[c.bvid], reverse=True)


def pick_json(record: VideoRecord, rating: int, reasons: list[str]) -> dict[str, Any]:
    return {
        "bvid": record.bvid,
        "title": record.title,
        "cover": record.cover,
        "author": {"mid": record.owner_mid, "name": record.owner_name},
        "duration": record.duration,
        "stats": {
            "view": record.view, "like": record.like, "coin": record.coin,
            "favorite": record.favorite,
        },
        "rating": max(0, min(100, int(rating))),
        "reasons": reasons,
        "source": _source_name(record),
    }


def _source_name(record: VideoRecord) -> str:
    """The record's source; a pool written before its source was removed still says
    something the page knows."""
    if sources.known(record.source):
        return record.source
    log.warning("%s: unknown candidate source %r, shown as %r", record.bvid, record.source,
                HOT_SOURCES[0])
    return HOT_SOURCES[0]


def build_section(
    chosen: list[VideoRecord],
    scores: Mapping[str, float],
    reasons_for: Callable[[list[VideoRecord]], list[list[str]]],
    rating_for: Callable[[float], int],
) -> list[dict[str, Any]]:
    reasons = reasons_for(chosen) if chosen else []
    return [
        pick_json(record, rating_for(scores[record.bvid]), reasons[i] or ["热门视频"])
        for i, record in enumerate(chosen)
    ]
