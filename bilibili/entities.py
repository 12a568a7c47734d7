"""Typed results of the bilibili client. Every field bilibili may omit, null or garble is
Optional here (``None`` = missing, never a made-up 0), so callers can tell the two apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Owner:
    mid: int | None
    name: str


@dataclass(frozen=True, slots=True)
class Stats:
    """Counters of a video; a non-int (``"--"`` when hidden) is None."""

    view: int | None = None
    like: int | None = None
    coin: int | None = None
    favorite: int | None = None
    danmaku: int | None = None
    reply: int | None = None
    share: int | None = None


@dataclass(frozen=True, slots=True)
class ListVideo:
    """One video from any list (popular, weekly, ranking, precious, related, feed, likes,
    coins): the shared Arc object of bilibili-api.md §0, read tolerantly."""

    bvid: str
    aid: int | None
    title: str
    cover: str
    tid: int | None
    tname: str
    duration: int | None
    pubdate: int | None
    owner: Owner
    stats: Stats
    source_reason: str = ""  # rcmd_reason / achievement text, "" when none
    state: int | None = None  # 0/1 open; negative hidden or deleted (§8.1)
    tname_v2: str = ""  # v2 zone name (view ``tname_v2``, related ``tnamev2``)
    vertical: bool | None = None  # from ``dimension``; None when the shape has none
    upower: bool | None = None  # 充电专属 (view ``is_upower_exclusive``); None when unsaid


@dataclass(frozen=True, slots=True)
class ToviewItem:
    """One 稍后再看 entry (§14.1): the Arc plus when it was added and how far it was
    watched (0 = not started; -1 may mean finished)."""

    video: ListVideo
    add_at: int | None
    progress: int | None

    @property
    def bvid(self) -> str:
        return self.video.bvid

    @property
    def aid(self) -> int | None:
        return self.video.aid

    @property
    def title(self) -> str:
        return self.video.title

    @property
    def owner(self) -> Owner:
        return self.video.owner

    @property
    def gone(self) -> bool:
        """Deleted or hidden (§8.1, §14.1): state not 0/1, or the 已失效视频 title."""
        return (self.video.state not in (None, 0, 1)) or self.video.title == "已失效视频"


@dataclass(frozen=True, slots=True)
class CoinedVideo:
    video: ListVideo
    coins: int | None  # 1 or 2
    coined_at: int | None  # the item's ``time`` (Unix s)


@dataclass(frozen=True, slots=True)
class SpaceList(Generic[T]):
    """A user's list (likes, coins, favourite folders); ``hidden`` when their privacy
    settings hide it (53013, or ``data`` null for folders), which is not a failure."""

    items: tuple[T, ...] = ()
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class HistoryItem:
    bvid: str
    aid: int | None
    title: str
    author_mid: int | None
    author_name: str
    view_at: int
    progress: int | None  # seconds into the part watched; -1 = watched to the end
    duration: int | None
    tag_name: str  # sub-zone name, not a user tag
    cover: str
    cid: int | None = None
    page: int | None = None
    videos: int | None = None

    @property
    def finished(self) -> bool:
        return self.progress == -1

    @property
    def watch_ratio(self) -> float | None:
        """1.0 when finished, else progress / duration capped at 1; None when unknown."""
        if self.progress == -1:
            return 1.0
        if self.progress is None or not self.duration or self.duration <= 0:
            return None
        return max(0.0, min(self.progress / self.duration, 1.0))


@dataclass(frozen=True, slots=True)
class HistoryCursor:
    """Where the next history page starts (the last item's kid / view_at / business)."""

    max: int
    view_at: int
    business: str

    def params(self) -> dict[str, str | int]:
        return {"max": self.max, "view_at": self.view_at, "business": self.business}


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One page, newest first. ``next_cursor`` resumes after it; None when nothing older
    is left to fetch (end of history, or the ``since`` cursor was reached)."""

    items: tuple[HistoryItem, ...]
    next_cursor: HistoryCursor | None


@dataclass(frozen=True, slots=True)
class FavFolder:
    media_id: int
    fid: int | None
    mid: int | None
    title: str
    media_count: int | None
    private: bool  # attr bit 0


@dataclass(frozen=True, slots=True)
class FavCounts:
    collect: int | None = None
    play: int | None = None
    danmaku: int | None = None


@dataclass(frozen=True, slots=True)
class FavItem:
    """A favourited video. ``invalid`` items ("已失效视频", attr 1/9) keep whatever ids and
    uploader they still carry: a weak signal, never a candidate."""

    bvid: str
    aid: int | None
    fav_time: int | None
    title: str
    upper_mid: int | None
    upper_name: str
    duration: int | None
    cnt_info: FavCounts
    invalid: bool
    cover: str = ""
    pubtime: int | None = None
    media_id: int | None = None


@dataclass(frozen=True, slots=True)
class VideoInfo:
    bvid: str
    aid: int | None
    title: str
    cover: str
    tid: int | None
    tname: str
    duration: int | None
    pubdate: int | None
    owner: Owner
    stats: Stats
    tags: tuple[str, ...]  # ordinary and topic tags; background-music "tags" dropped
    state: int | None
    videos: int | None = None
    desc: str = ""
    related: tuple[ListVideo, ...] = field(default=(), repr=False)  # view/detail only
    tname_v2: str = ""
    vertical: bool | None = None
    upower: bool | None = None

    @property
    def is_open(self) -> bool:
        """Whether it may be recommended: state 0 or 1 (§8.1)."""
        return self.state in (0, 1)


@dataclass(frozen=True, slots=True)
class ListPage:
    items: tuple[ListVideo, ...]
    has_more: bool


@dataclass(frozen=True, slots=True)
class WeeklyIssue:
    number: int
    subject: str
    name: str
    status: int | None


@dataclass(frozen=True, slots=True)
class Following:
    """An UP主 the user follows (§15.1)."""

    mid: int
    name: str
    followed_at: int | None  # ``mtime`` (Unix s); refreshed when the follow becomes mutual
    special: bool = False  # in 特别关注: a stronger signal


@dataclass(frozen=True, slots=True)
class FollowingsPage:
    """One page of a followings list. ``hidden``: the user hides it (22115), which is not
    a failure. ``total`` is the size of the whole list (None when not said)."""

    items: tuple[Following, ...] = ()
    total: int | None = None
    hidden: bool = False
