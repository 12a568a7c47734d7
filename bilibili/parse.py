"""Turn bilibili's JSON ``data`` into entities. Pure functions, no I/O.

bilibili's answers are untrusted (§13.3): any field may be missing, null, or a string where
an int belongs (``"--"``), and lists may be null. Parsers never raise on such input; an
item without any usable id is dropped, everything else is kept with ``None``/``""``.
"""

from __future__ import annotations

from typing import Any

from bilibili.coerce import as_dict, as_int, as_list, as_str
from bilibili.entities import (
    CoinedVideo,
    FavCounts,
    FavFolder,
    FavItem,
    HistoryCursor,
    HistoryItem,
    ListPage,
    ListVideo,
    Owner,
    SpaceList,
    Stats,
    ToviewItem,
    VideoInfo,
    WeeklyIssue,
)
from bilibili.ids import av_to_bv, bv_to_av

INVALID_FAV_TITLE = "已失效视频"
# Tag types that describe content; "bgm" names the background music, not the video.
CONTENT_TAG_TYPES = frozenset({"old_channel", "topic"})


def ids(bvid: Any, aid: Any) -> tuple[str, int | None] | None:
    """``(bvid, aid)`` completing one from the other; None when neither is usable."""
    bv, av = as_str(bvid), as_int(aid)
    if av is not None and av <= 0:
        av = None
    try:
        if not bv and av is not None:
            bv = av_to_bv(av)
        elif bv and av is None:
            av = bv_to_av(bv)
    except ValueError:
        pass
    if not bv:
        return None
    return bv, av


def reason_text(value: Any) -> str:
    """``rcmd_reason`` is a string (weekly, related) or ``{content, ...}`` (popular, feed)."""
    if isinstance(value, str):
        return value
    return as_str(as_dict(value).get("content"))


def owner(value: Any) -> Owner:
    obj = as_dict(value)
    return Owner(mid=as_int(obj.get("mid")), name=as_str(obj.get("name")))


def stats(value: Any) -> Stats:
    obj = as_dict(value)
    return Stats(
        view=as_int(obj.get("view")),
        like=as_int(obj.get("like")),
        coin=as_int(obj.get("coin")),
        favorite=as_int(obj.get("favorite")),
        danmaku=as_int(obj.get("danmaku")),
        reply=as_int(obj.get("reply")),
        share=as_int(obj.get("share")),
    )


def vertical(value: Any) -> bool | None:
    """``dimension`` {width, height, rotate}: height > width, ``rotate`` 1 swapping the
    two; None when absent or not two positive ints."""
    obj = as_dict(value)
    w, h = as_int(obj.get("width")), as_int(obj.get("height"))
    if not w or not h or w < 0 or h < 0:
        return None
    if as_int(obj.get("rotate")) == 1:
        w, h = h, w
    return h > w


def flag(value: Any) -> bool | None:
    """A JSON boolean (or 0/1); None for anything else."""
    if isinstance(value, bool):
        return value
    number = as_int(value)
    return bool(number) if number in (0, 1) else None


def arc(value: Any, *, reason: str | None = None, aid_key: str = "aid") -> ListVideo | None:
    """The shared Arc object (§0). ``reason`` overrides the item's own ``rcmd_reason``."""
    obj = as_dict(value)
    found = ids(obj.get("bvid"), obj.get(aid_key))
    if found is None:
        return None
    return ListVideo(
        bvid=found[0],
        aid=found[1],
        title=as_str(obj.get("title")),
        cover=as_str(obj.get("pic")),
        tid=as_int(obj.get("tid")),
        tname=as_str(obj.get("tname")),
        duration=as_int(obj.get("duration")),
        pubdate=as_int(obj.get("pubdate")),
        owner=owner(obj.get("owner")),
        stats=stats(obj.get("stat")),
        source_reason=reason if reason is not None else reason_text(obj.get("rcmd_reason")),
        state=as_int(obj.get("state")),
        tname_v2=as_str(obj.get("tname_v2")) or as_str(obj.get("tnamev2")),
        vertical=vertical(obj.get("dimension")),
        upower=flag(obj.get("is_upower_exclusive")),
    )


def arcs(values: Any, *, reason_key: str | None = None) -> tuple[ListVideo, ...]:
    items = []
    for value in as_list(values):
        reason = as_str(as_dict(value).get(reason_key)) if reason_key else None
        video = arc(value, reason=reason)
        if video is not None:
            items.append(video)
    return tuple(items)


# --- watch history (§5.1) ---------------------------------------------------------------


def history_item(value: Any) -> HistoryItem | None:
    """An archive item of ``history/cursor``; None for other businesses, or no id/time."""
    obj = as_dict(value)
    hist = as_dict(obj.get("history"))
    business = as_str(hist.get("business")) or "archive"
    view_at = as_int(obj.get("view_at"))
    if business != "archive" or view_at is None:
        return None
    aid = hist.get("oid") if as_int(hist.get("oid")) else obj.get("kid")
    found = ids(hist.get("bvid"), aid)
    if found is None:
        return None
    return HistoryItem(
        bvid=found[0],
        aid=found[1],
        title=as_str(obj.get("title")),
        author_mid=as_int(obj.get("author_mid")),
        author_name=as_str(obj.get("author_name")),
        view_at=view_at,
        progress=as_int(obj.get("progress")),
        duration=as_int(obj.get("duration")),
        tag_name=as_str(obj.get("tag_name")),
        cover=as_str(obj.get("cover")),
        cid=as_int(hist.get("cid")),
        page=as_int(hist.get("page")),
        videos=as_int(obj.get("videos")),
    )


def history_cursor(data: Any) -> HistoryCursor | None:
    """``data.cursor``; None when absent or zeroed (the assumed end shape, §5.1)."""
    cur = as_dict(as_dict(data).get("cursor"))
    max_, view_at = as_int(cur.get("max")), as_int(cur.get("view_at"))
    if not max_ or not view_at:
        return None
    return HistoryCursor(max=max_, view_at=view_at, business=as_str(cur.get("business")))


# --- favourites (§6) --------------------------------------------------------------------


def fav_folders(data: Any) -> SpaceList[FavFolder]:
    """``data`` null = the user hides their folders; ``list`` null = no folders."""
    if data is None:
        return SpaceList(hidden=True)
    folders = []
    for value in as_list(as_dict(data).get("list")):
        obj = as_dict(value)
        media_id = as_int(obj.get("id"))
        if not media_id:
            continue
        attr = as_int(obj.get("attr")) or 0
        folders.append(
            FavFolder(
                media_id=media_id,
                fid=as_int(obj.get("fid")),
                mid=as_int(obj.get("mid")),
                title=as_str(obj.get("title")),
                media_count=as_int(obj.get("media_count")),
                private=bool(attr & 1),
            )
        )
    return SpaceList(items=tuple(folders))


def fav_item(value: Any, *, media_id: int | None = None) -> FavItem | None:
    """A video of a folder; audio (12) and collections (21) are not videos: None."""
    obj = as_dict(value)
    kind = as_int(obj.get("type"))
    if kind is not None and kind != 2:
        return None
    found = ids(obj.get("bvid") or obj.get("bv_id"), obj.get("id"))
    if found is None:
        return None
    title = as_str(obj.get("title"))
    attr = as_int(obj.get("attr")) or 0
    upper = owner(obj.get("upper"))
    counts = as_dict(obj.get("cnt_info"))
    return FavItem(
        bvid=found[0],
        aid=found[1],
        fav_time=as_int(obj.get("fav_time")),
        title=title,
        upper_mid=upper.mid,
        upper_name=upper.name,
        duration=as_int(obj.get("duration")),
        cnt_info=FavCounts(
            collect=as_int(counts.get("collect")),
            play=as_int(counts.get("play")),
            danmaku=as_int(counts.get("danmaku")),
        ),
        invalid=attr != 0 or title == INVALID_FAV_TITLE,
        cover=as_str(obj.get("cover")),
        pubtime=as_int(obj.get("pubtime")),
        media_id=media_id,
    )


# --- likes and coins (§7) ---------------------------------------------------------------


def _space_items(data: Any) -> list[Any]:
    # The doc's table says a bare array, its example ``{list: [...]}``: accept both.
    if isinstance(data, list):
        return data
    return as_list(as_dict(data).get("list"))


def liked_videos(data: Any) -> SpaceList[ListVideo]:
    return SpaceList(items=arcs(_space_items(data)))


def coined_videos(data: Any) -> SpaceList[CoinedVideo]:
    items = []
    for value in _space_items(data):
        video = arc(value)
        if video is not None:
            obj = as_dict(value)
            coins, at = as_int(obj.get("coins")), as_int(obj.get("time"))
            items.append(CoinedVideo(video, coins=coins, coined_at=at))
    return SpaceList(items=tuple(items))


# --- video detail and tags (§8) ---------------------------------------------------------


def tag_names(data: Any) -> tuple[str, ...]:
    names: list[str] = []
    for value in as_list(data):
        obj = as_dict(value)
        name, kind = as_str(obj.get("tag_name")).strip(), as_str(obj.get("tag_type"))
        # Old-style tag objects have no tag_type; they are ordinary tags.
        if name and (not kind or kind in CONTENT_TAG_TYPES) and name not in names:
            names.append(name)
    return tuple(names)


def video_info(view: Any, tags: Any = None, related: Any = None) -> VideoInfo | None:
    video = arc(view)
    if video is None:
        return None
    obj = as_dict(view)
    return VideoInfo(
        bvid=video.bvid,
        aid=video.aid,
        title=video.title,
        cover=video.cover,
        tid=video.tid,
        tname=video.tname,
        duration=video.duration,
        pubdate=video.pubdate,
        owner=video.owner,
        stats=video.stats,
        tags=tag_names(tags),
        state=video.state,
        videos=as_int(obj.get("videos")),
        desc=as_str(obj.get("desc")),
        related=arcs(related),
        tname_v2=video.tname_v2,
        vertical=video.vertical,
        upower=video.upower,
    )


def view_detail(data: Any) -> VideoInfo | None:
    """``view/detail``: capitalised members ``View``, ``Tags``, ``Related`` (§8.2)."""
    obj = as_dict(data)
    return video_info(obj.get("View"), obj.get("Tags"), obj.get("Related"))


# --- lists (§9, §10) --------------------------------------------------------------------


def popular(data: Any) -> ListPage:
    obj = as_dict(data)
    # Missing ``no_more`` is read as "no more": an endless loop is worse than a short list.
    no_more = obj.get("no_more")
    return ListPage(items=arcs(obj.get("list")), has_more=no_more is False)


def weekly_issues(data: Any) -> tuple[WeeklyIssue, ...]:
    issues = []
    for value in as_list(as_dict(data).get("list")):
        obj = as_dict(value)
        number = as_int(obj.get("number"))
        if number:
            issues.append(
                WeeklyIssue(
                    number=number,
                    subject=as_str(obj.get("subject")),
                    name=as_str(obj.get("name")),
                    status=as_int(obj.get("status")),
                )
            )
    return tuple(issues)


def list_items(data: Any) -> tuple[ListVideo, ...]:
    """``data.list`` of weekly one, ranking/v2 (each item's own ``rcmd_reason``, if any)."""
    return arcs(as_dict(data).get("list"))


def precious(data: Any) -> tuple[ListVideo, ...]:
    return arcs(as_dict(data).get("list"), reason_key="achievement")


def related(data: Any) -> tuple[ListVideo, ...]:
    """``archive/related``: a bare array; old captures have ``"bvid": ""`` (computed)."""
    return arcs(data)


def feed(data: Any) -> tuple[ListVideo, ...]:
    """Home feed items that are plain videos: ``goto == "av"`` and no ``business_info``
    (adverts carry one, with the real video underneath); live and ogv are dropped."""
    items = []
    for value in as_list(as_dict(data).get("item")):
        obj = as_dict(value)
        if obj.get("goto") != "av" or obj.get("business_info"):
            continue
        video = arc(obj, aid_key="id")
        if video is not None:
            items.append(video)
    return tuple(items)


# --- watch later (§14.1) -----------------------------------------------------------------


def toview(data: Any) -> tuple[ToviewItem, ...]:
    """``{count, list}``; a null list (empty-list shape unverified) is empty."""
    items = []
    for value in as_list(as_dict(data).get("list")):
        video = arc(value)
        if video is not None:
            obj = as_dict(value)
            items.append(ToviewItem(video=video, add_at=as_int(obj.get("add_at")),
                                    progress=as_int(obj.get("progress"))))
    return tuple(items)
