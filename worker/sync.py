"""Behaviour sync for one user: history, favourites, likes and coins become events
(exactly once), and the metadata of the videos involved is fetched once for all users.

Every list is read to its end before picks may be published: the exclusion set (every
video the user watched, favourited, liked or coined) must be complete, or a watched video
could come back as a pick. Lists are cheap (30 history items a request); video details
are not (one request each), so only those are capped per run and backfilled by later
runs, strongest positives and newest first. Meanwhile the list answers themselves are
cached as partial metadata (title, UP主, partition, duration, stats where given), so a
first model can learn from them before tags arrive.

History is incremental by cursor: a walk from the top stops at the newest ``view_at``
already stored. A walk that cannot finish (a fault, a cool-down) leaves a resume point
saved page by page; the next run continues from it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import zip_longest

from bilibili import errors
from bilibili.client import BiliClient
from bilibili.entities import HistoryCursor, HistoryItem
from store import BehaviourEvent, Store, VideoRecord
from worker.convert import (
    fav_event,
    record_from_fav,
    record_from_history,
    record_from_info,
    record_from_list,
    watch_event,
)
from worker.sources import HOT_SOURCES

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
LISTING_MESSAGE = "正在读取完整观看记录"
_COMPLETE = "listing_complete"  # cursor: 1 once the last sync read every list to its end
_LISTED_ONCE = "listed_once"  # cursor: 1 once any sync did (later syncs are not the first)


@dataclass
class SyncReport:
    new_events: int = 0
    metadata_fetched: int = 0
    listing_complete: bool = False  # every list read to its end: picks may be published
    first: bool = False  # no complete listing before: the user waits for first picks
    likes_hidden: bool = False
    history_listed: int = 0  # history items read this run
    strong_positives: tuple[str, ...] = ()
    related: tuple[VideoRecord, ...] = ()
    metadata_missing: int = 0

    @property
    def backfill_pending(self) -> bool:
        """Lists still to read (details still missing: ``metadata_missing``)."""
        return not self.listing_complete


@dataclass(frozen=True)
class _Resume:
    """An unfinished history walk: continue at ``cursor``, stop at ``until`` (view_at)."""

    cursor: HistoryCursor
    until: int


def listing_complete(store: Store, mid: int) -> bool:
    """True when the user's last sync read every list to its end."""
    return store.cursors.get(mid, _COMPLETE) == 1


class BehaviourSync:
    def __init__(
        self, store: Store, client: BiliClient, *, metadata_cap: int, first_metadata: int
    ) -> None:
        self._store = store
        self._client = client
        self._metadata_cap = metadata_cap
        self._first_metadata = first_metadata

    def run(self, mid: int, cookies: Mapping[str, str], progress: Progress) -> SyncReport:
        cursors = self._store.cursors
        report = SyncReport(first=cursors.get(mid, _LISTED_ONCE) == 0)
        cursors.set(mid, _COMPLETE, 0)
        progress(0.1, "正在同步点赞和投币")
        self._likes_and_coins(mid, cookies, report)
        progress(0.15, "正在同步收藏夹")
        self._favourites(mid, cookies, report)
        progress(0.2, LISTING_MESSAGE)
        report.listing_complete = self._history(mid, cookies, report, progress)
        if not report.listing_complete:
            return report
        cursors.set(mid, _COMPLETE, 1)
        progress(0.45, "正在获取视频信息")
        self._metadata(mid, report)
        cursors.set(mid, _LISTED_ONCE, 1)
        return report

    # --- history -------------------------------------------------------------------------

    def _history(
        self, mid: int, cookies: Mapping[str, str], report: SyncReport, progress: Progress
    ) -> bool:
        """Walk the history to its end (or to what is already stored); True when done."""
        cursors = self._store.cursors
        high = cursors.get(mid, "history_high")
        resume = _load_resume(cursors, mid)
        zones = self._zone_ids()
        own = resume is None  # this walk may leave its own resume point
        newest = 0

        def stored(items: tuple[HistoryItem, ...]) -> None:
            self._store_watch(mid, items, report, zones)
            progress(0.2, f"{LISTING_MESSAGE}（已读 {report.history_listed} 条）")

        for page in self._client.history(cookies, since=high):
            stored(page.items)
            newest = max([newest, *(i.view_at for i in page.items)])
            if own and newest > high:
                # Saved page by page: a fault or a cool-down mid-walk loses nothing.
                resume = None if page.next_cursor is None else _Resume(page.next_cursor, high)
                _save_resume(cursors, mid, resume)
                cursors.advance(mid, "history_high", newest)
        cursors.advance(mid, "history_high", newest)
        if resume is not None:
            for page in self._client.history(cookies, since=resume.until, start=resume.cursor):
                stored(page.items)
                resume = None if page.next_cursor is None else _Resume(
                    page.next_cursor, resume.until)
                _save_resume(cursors, mid, resume)
        return resume is None

    def _store_watch(
        self, mid: int, items: tuple[HistoryItem, ...], report: SyncReport,
        zones: Mapping[str, int],
    ) -> None:
        report.history_listed += len(items)
        report.new_events += self._store.events.append(mid, [watch_event(i) for i in items])
        report.strong_positives += tuple(i.bvid for i in items if i.finished)
        self._cache_partial(record_from_history(i, zones.get(i.tag_name)) for i in items)

    def _zone_ids(self) -> dict[str, int]:
        """Sub-zone name → tid, learnt from the shared pools (history items name their
        zone but carry no tid)."""
        return {r.tname: r.tid for source in HOT_SOURCES
                for r in self._store.pools.hot(source) if r.tname and r.tid}

    def _cache_partial(self, records: Iterable[VideoRecord]) -> None:
        """List answers as metadata for videos nobody has fetched yet (never over a full
        record): tags stay None, so details are still fetched later."""
        fresh = {r.bvid: r for r in records}
        known = self._store.videos.get_many(list(fresh))
        self._store.videos.put([r for b, r in fresh.items() if b not in known])

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
            self._cache_partial(record_from_fav(i) for i in items if not i.invalid)
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
        # These answers carry full stats and the partition; tags come with the details.
        self._cache_partial(record_from_list(v) for v in listed)
        report.strong_positives += tuple(v.bvid for v in listed)

    # --- metadata ------------------------------------------------------------------------

    def _metadata(self, mid: int, report: SyncReport) -> None:
        """view/detail (stats + tags) for the user's videos that no user has fetched yet,
        strongest positives and newest first, at most ``metadata_cap`` a run (a smaller
        cap before the first picks); the rest comes with the next runs."""
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
    """Liked/coined/favourited videos interleaved with watched ones, each newest first
    (finished watches ahead of skipped ones), so a capped first fetch gives the model
    both what was loved and what was skipped."""
    newest = sorted(events, key=lambda e: e.at, reverse=True)
    loved = [e.bvid for e in newest if e.kind in ("like", "coin", "fav", "feedback_like")]
    watches = [e for e in newest if e.kind == "watch"]
    watched = [e.bvid for e in watches if e.progress == -1]
    watched += [e.bvid for e in watches if e.progress != -1]
    mixed = [b for pair in zip_longest(loved, watched) for b in pair if b is not None]
    return list(dict.fromkeys(mixed))


def _load_resume(cursors, mid: int) -> _Resume | None:
    raw = cursors.get_text(mid, "history_resume")
    if not raw:
        return None
    try:
        doc = json.loads(raw)
        cursor = HistoryCursor(int(doc["max"]), int(doc["view_at"]), str(doc["business"]))
        return _Resume(cursor, int(doc.get("until", 0)))  # older records: to the end
    except (ValueError, KeyError, TypeError, AttributeError):
        log.warning("user %s: unreadable history resume point; listing anew", mid)
        cursors.set(mid, "history_high", 0)
        return None


def _save_resume(cursors, mid: int, resume: _Resume | None) -> None:
    value = "" if resume is None else json.dumps({
        "max": resume.cursor.max, "view_at": resume.cursor.view_at,
        "business": resume.cursor.business, "until": resume.until,
    })
    cursors.set_text(mid, "history_resume", value)
