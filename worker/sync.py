"""Behaviour sync for one user: new history, favourites, likes and coins become events
(exactly once), and the metadata of the videos involved is fetched once for all users.

Incremental by cursor: history stops at the newest ``view_at`` already stored, each
favourite folder at its newest ``fav_time``. A first sync takes only the newest pages of
a long history, so first picks come quickly; the rest is backfilled by later runs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import zip_longest

from bilibili import errors
from bilibili.client import BiliClient
from bilibili.entities import HistoryCursor
from store import BehaviourEvent, Store, VideoRecord
from worker.convert import fav_event, record_from_info, record_from_list, watch_event

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


@dataclass
class SyncReport:
    new_events: int = 0
    metadata_fetched: int = 0
    backfill_pending: bool = False
    first: bool = False  # the user's very first sync
    likes_hidden: bool = False
    strong_positives: tuple[str, ...] = ()
    related: tuple[VideoRecord, ...] = ()
    metadata_missing: int = 0


class BehaviourSync:
    def __init__(
        self,
        store: Store,
        client: BiliClient,
        *,
        first_sync_pages: int,
        backfill_pages: int,
        metadata_cap: int,
        first_metadata: int,
    ) -> None:
        self._store = store
        self._client = client
        self._first_pages = first_sync_pages
        self._backfill_pages = backfill_pages
        self._metadata_cap = metadata_cap
        self._first_metadata = first_metadata

    def run(self, mid: int, cookies: Mapping[str, str], progress: Progress) -> SyncReport:
        report = SyncReport()
        progress(0.1, "正在同步观看记录")
        self._history(mid, cookies, report)
        progress(0.35, "正在同步收藏夹")
        self._favourites(mid, cookies, report)
        progress(0.45, "正在同步点赞和投币")
        self._likes_and_coins(mid, cookies, report)
        progress(0.55, "正在获取视频信息")
        self._metadata(mid, report)
        return report

    # --- history -------------------------------------------------------------------------

    def _history(self, mid: int, cookies: Mapping[str, str], report: SyncReport) -> None:
        cursors = self._store.cursors
        high = cursors.get(mid, "history_high")
        first = high == 0
        report.first = first
        resume = _load_cursor(cursors, mid)
        newest = 0
        pages = 0
        next_cursor: HistoryCursor | None = None
        for page in self._client.history(cookies, since=high):
            pages += 1
            self._store_watch(mid, page.items, report)
            if page.items:
                newest = max(newest, page.items[0].view_at)
            next_cursor = page.next_cursor
            if first and pages >= self._first_pages and next_cursor is not None:
                break
        if first:
            resume = next_cursor
        if newest:
            cursors.advance(mid, "history_high", newest)
        if not first and resume is not None:
            pages = 0
            for page in self._client.history(cookies, start=resume):
                pages += 1
                self._store_watch(mid, page.items, report)
                resume = page.next_cursor
                _save_cursor(cursors, mid, resume)  # each page counts, even if a later fails
                if resume is None or pages >= self._backfill_pages:
                    break
        _save_cursor(cursors, mid, resume)
        report.backfill_pending = resume is not None

    def _store_watch(self, mid: int, items, report: SyncReport) -> None:  # noqa: ANN001
        report.new_events += self._store.events.append(mid, [watch_event(i) for i in items])
        report.strong_positives += tuple(i.bvid for i in items if i.finished)

    # --- favourites, likes, coins --------------------------------------------------------

    def _favourites(self, mid: int, cookies: Mapping[str, str], report: SyncReport) -> None:
        for folder in self._client.fav_folders(cookies).items:
            name = f"fav:{folder.media_id}"
            since = self._store.cursors.get(mid, name)
            count_name = f"{name}:count"
            if since and folder.media_count == self._store.cursors.get(mid, count_name):
                # Same size as last time: almost surely nothing new (saves a call a day).
                continue
            items = list(self._client.fav_items(cookies, folder.media_id, since=since))
            events = [fav_event(item, folder.media_id) for item in items]
            report.new_events += self._store.events.append(mid, events)
            newest = max((item.fav_time or 0 for item in items), default=0)
            self._store.cursors.advance(mid, name, max(newest, 1))
            self._store.cursors.set(mid, count_name, folder.media_count or 0)
            report.strong_positives += tuple(i.bvid for i in items if not i.invalid)

    def _likes_and_coins(self, mid: int, cookies: Mapping[str, str], report: SyncReport) -> None:
        likes = self._client.liked_videos(cookies)
        coins = self._client.coined_videos(cookies)
        report.likes_hidden = likes.hidden and coins.hidden
        events = [BehaviourEvent("like", v.bvid, 0) for v in likes.items]
        events += [
            BehaviourEvent("coin", c.video.bvid, c.coined_at or 0) for c in coins.items
        ]
        report.new_events += self._store.events.append(mid, events)
        listed = [*likes.items, *(c.video for c in coins.items)]
        # These answers carry full stats: cache them now; tags come with the detail fetch.
        cached = self._store.videos.get_many([v.bvid for v in listed])
        self._store.videos.put(
            [record_from_list(v) for v in listed if v.bvid not in cached]
        )
        report.strong_positives += tuple(v.bvid for v in listed)

    # --- metadata ------------------------------------------------------------------------

    def _metadata(self, mid: int, report: SyncReport) -> None:
        """view/detail (stats + tags) for the user's videos that no user has fetched yet,
        newest first, at most ``metadata_cap`` a run (the rest comes with the next run)."""
        unique = _metadata_order(self._store.events.all(mid))
        cached = self._store.videos.get_many(unique)
        gone = self._store.videos.gone(unique)
        todo = [b for b in unique if b not in gone and (b not in cached or cached[b].tags is None)]
        strong = set(report.strong_positives)
        cap = self._first_metadata if report.first else self._metadata_cap
        for bvid in todo[:cap]:
            try:
                info = self._client.video_detail(bvid)
            except (errors.NotFound, errors.BadRequest) as exc:
                # Gone, hidden or login-only (-403): remembered, not asked again daily.
                self._store.videos.mark_gone(bvid, exc.code)
                continue
            self._store.videos.put([record_from_info(info)])
            report.metadata_fetched += 1
            if bvid in strong:
                # view/detail brings related videos for free: explore candidates.
                report.related += tuple(record_from_list(v, "related") for v in info.related)
        report.metadata_missing = max(len(todo) - cap, 0)


def _metadata_order(events: list[BehaviourEvent]) -> list[str]:
    """Watched videos (newest first) interleaved with liked/coined/favourited ones, so a
    capped first fetch still gives the model both what was skipped and what was loved."""
    watched = [e.bvid for e in sorted(events, key=lambda e: e.at, reverse=True)
               if e.kind == "watch"]
    loved = [e.bvid for e in sorted(events, key=lambda e: e.at, reverse=True)
             if e.kind in ("like", "coin", "fav", "feedback_like")]
    mixed = [b for pair in zip_longest(watched, loved) for b in pair if b is not None]
    return list(dict.fromkeys(mixed))


def _load_cursor(cursors, mid: int) -> HistoryCursor | None:  # noqa: ANN001
    raw = cursors.get_text(mid, "history_resume")
    if not raw:
        return None
    try:
        doc = json.loads(raw)
        return HistoryCursor(int(doc["max"]), int(doc["view_at"]), str(doc["business"]))
    except (ValueError, KeyError, TypeError):
        return None


def _save_cursor(cursors, mid: int, cursor: HistoryCursor | None) -> None:  # noqa: ANN001
    value = "" if cursor is None else json.dumps(
        {"max": cursor.max, "view_at": cursor.view_at, "business": cursor.business}
    )
    cursors.set_text(mid, "history_resume", value)
