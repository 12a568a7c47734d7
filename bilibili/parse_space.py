"""Parsers for a user's followings (§15.1) and an UP主's uploads (§15.2). Pure functions,
as tolerant as ``bilibili.parse``: nothing here raises on odd input."""

from __future__ import annotations

import re
from typing import Any

from bilibili.entities import Following, FollowingsPage, ListPage, ListVideo, Owner, Stats
from bilibili.parse import as_dict, as_int, as_list, as_str, ids

_LENGTH = re.compile(r"^(?:(\d+):)?(\d+):(\d{1,2})$")


def followings(data: Any) -> FollowingsPage:
    items = []
    for value in as_list(as_dict(data).get("list")):
        obj = as_dict(value)
        mid = as_int(obj.get("mid"))
        if not mid or mid <= 0:
            continue
        items.append(Following(
            mid=mid, name=as_str(obj.get("uname")), followed_at=as_int(obj.get("mtime")),
            special=as_int(obj.get("special")) == 1,
        ))
    return FollowingsPage(items=tuple(items), total=as_int(as_dict(data).get("total")))


def length_seconds(value: Any) -> int | None:
    """``"MM:SS"`` (minutes may pass 59) or ``"H:MM:SS"``; None when malformed."""
    match = _LENGTH.match(as_str(value).strip())
    if not match:
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _not_a_plain_video(obj: Any) -> bool:
    # Paid courses (jump_url to the course), supporters-only and uploader-only videos
    # cannot be watched by everyone: poor picks, so never candidates.
    return bool(
        as_int(obj.get("is_lesson_video")) or as_str(obj.get("jump_url"))
        or obj.get("is_charging_arc") is True or obj.get("is_self_view") is True
    )


def upload(value: Any) -> ListVideo | None:
    obj = as_dict(value)
    found = ids(obj.get("bvid"), obj.get("aid"))
    if found is None or _not_a_plain_video(obj):
        return None
    return ListVideo(
        bvid=found[0], aid=found[1], title=as_str(obj.get("title")),
        cover=as_str(obj.get("pic")), tid=as_int(obj.get("typeid")), tname="",
        duration=length_seconds(obj.get("length")), pubdate=as_int(obj.get("created")),
        owner=Owner(mid=as_int(obj.get("mid")), name=as_str(obj.get("author"))),
        stats=Stats(view=as_int(obj.get("play")), danmaku=as_int(obj.get("video_review")),
                    reply=as_int(obj.get("comment"))),
        upower=False,  # supporters-only uploads (is_charging_arc) were dropped above
    )


def uploads(data: Any) -> ListPage:
    """``data.list.vlist`` newest first; ``has_more`` from ``page`` (count vs pn·ps)."""
    obj = as_dict(data)
    videos = as_list(as_dict(obj.get("list")).get("vlist"))
    items = tuple(v for v in (upload(x) for x in videos) if v is not None)
    page = as_dict(obj.get("page"))
    pn, ps, count = as_int(page.get("pn")), as_int(page.get("ps")), as_int(page.get("count"))
    more = bool(videos) and None not in (pn, ps, count) and pn * ps < count  # type: ignore[operator]
    return ListPage(items=items, has_more=more)
