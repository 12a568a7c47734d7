"""Conversions between the client's entities, the store's records and the model's inputs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bilibili.entities import FavItem, HistoryItem, ListVideo, VideoInfo
from models.entities import Event, Video
from models.signals import LABEL_FLAGS, NO_LABEL, SIGNALS, WANTED_FLAGS
from store import BehaviourEvent, VideoRecord


def record_from_list(video: ListVideo | VideoInfo, source: str = "") -> VideoRecord:
    """A cache record from anything carrying the shared Arc fields (lists, view/detail)."""
    s = video.stats
    return VideoRecord(
        bvid=video.bvid, title=video.title, cover=video.cover, aid=video.aid, tid=video.tid,
        tname=video.tname, duration=video.duration or 0, pubdate=video.pubdate or 0,
        owner_mid=video.owner.mid or 0, owner_name=video.owner.name, view=s.view or 0,
        like=s.like or 0, coin=s.coin or 0, favorite=s.favorite or 0, source=source,
        tname_v2=video.tname_v2, vertical=video.vertical, upower=video.upower,
    )


def record_from_info(info: VideoInfo) -> VideoRecord:
    return replace(record_from_list(info), tags=info.tags)


def record_from_history(item: HistoryItem, tid: int | None) -> VideoRecord:
    """Partial metadata from a history item (no stats; ``tid`` from its sub-zone name
    when known): enough for a first model to learn UP主 and partition before tags."""
    return VideoRecord(
        bvid=item.bvid, title=item.title, cover=item.cover, aid=item.aid, tid=tid,
        tname=item.tag_name, duration=item.duration or 0, owner_mid=item.author_mid or 0,
        owner_name=item.author_name,
    )


def record_from_fav(item: FavItem) -> VideoRecord:
    """Partial metadata from a favourite: uploader, duration, plays and favourites."""
    return VideoRecord(
        bvid=item.bvid, title=item.title, cover=item.cover, aid=item.aid,
        duration=item.duration or 0, pubdate=item.pubtime or 0,
        owner_mid=item.upper_mid or 0, owner_name=item.upper_name,
        view=item.cnt_info.play or 0, favorite=item.cnt_info.collect or 0,
    )


def watch_event(item: HistoryItem) -> BehaviourEvent:
    progress = item.progress if item.progress is not None else 0
    return BehaviourEvent(
        "watch", item.bvid, item.view_at, progress=progress, duration=item.duration or 0
    )


def fav_event(item: FavItem, media_id: int) -> BehaviourEvent:
    return BehaviourEvent(
        "fav", item.bvid, item.fav_time or 0, duration=item.duration or 0, source=str(media_id)
    )


def model_video(record: VideoRecord) -> Video:
    return Video(
        bvid=record.bvid, title=record.title, tags=record.tags or (),
        author_mid=record.owner_mid, author_name=record.owner_name, duration=record.duration,
        view=record.view, like=record.like, coin=record.coin, favorite=record.favorite,
        partition=record.tid, pubdate=record.pubdate,
    )


def merge_events(events: Iterable[BehaviourEvent]) -> dict[str, Event]:
    """One model event per video: the newest time, the furthest progress, every flag its
    events' signals set (``models.signals``)."""
    merged: dict[str, dict] = {}
    unlabelled: set[str] = set()
    for e in events:
        m = merged.setdefault(e.bvid, {"bvid": e.bvid, "at": 0, "progress": 0, "duration": 0})
        m["at"] = max(m["at"], e.at)
        m["duration"] = max(m["duration"], e.duration)
        signal = SIGNALS.get(e.kind)
        if signal is None:
            continue  # a kind this code no longer knows: its time still counts
        if signal.flag == "progress":
            if e.progress == -1 or m["progress"] == -1:
                m["progress"] = -1
            else:
                m["progress"] = max(m["progress"], e.progress)
        elif signal.flag:
            m[signal.flag] = True
        if signal.label == NO_LABEL:
            unlabelled.add(e.bvid)
    for bvid, m in list(merged.items()):
        # Shown-but-ignored counts only while nothing says the user wanted the video (or
        # watched it elsewhere, 看过了); what has no label left leaves training.
        if bvid in unlabelled or any(m.get(flag) for flag in WANTED_FLAGS):
            m["shown_ignored"] = False
        if bvid in unlabelled and not any(m.get(flag) for flag in LABEL_FLAGS):
            del merged[bvid]
    return {bvid: Event(**m) for bvid, m in merged.items()}
