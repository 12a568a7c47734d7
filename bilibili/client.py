"""The read side of bilibili the recommender needs: a user's behaviour (history,
favourites, likes, coins), video metadata, and candidate lists.

Cookies are an argument of every call and never kept: one client serves all users.
Every request passes the gate (rate limit, cool-downs) and the retry policy.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bilibili import errors, parse, parse_space
from bilibili.calls import Caller, device_only, mid_of, space_referer
from bilibili.entities import (
    CoinedVideo,
    FavFolder,
    FavItem,
    FollowingsPage,
    HistoryCursor,
    HistoryPage,
    ListPage,
    ListVideo,
    SpaceList,
    ToviewItem,
    VideoInfo,
    WeeklyIssue,
)
from bilibili.gate import Gate, NoGate
from bilibili.http import REFERER, Transport
from bilibili.retry import RetryPolicy
from bilibili.wbi import WbiKeys

Cookies = Mapping[str, str]

# Nemo2011 sends this with the hot lists; harmless where unchecked (§3.3, §9).
_HOT_WEB_LOCATION = "333.934"
# Older docs: past page 5 of someone else's followings (§15.1): the end of the list.
_FOLLOWINGS_END = 22007
# The browser's "dm" risk-control params of arc/search (§15.2), sent before signing.
_DM_IMG_INTER = '{"ds":[],"wh":[0,0,0],"of":[0,0,0]}'


class BiliClient:
    def __init__(
        self,
        transport: Transport,
        gate: Gate | None = None,
        wbi_keys: WbiKeys | None = None,
        *,
        retry: RetryPolicy | None = None,
        device: Mapping[str, str] | None = None,
        history_page_size: int = 30,
        fav_page_size: int = 20,
        max_pages: int = 200,
        sign_hot_lists: bool = True,
        sign_space_lists: bool = False,
        wbi_ttl_s: float = 6 * 3600,
    ) -> None:
        """``wbi_keys`` None = read nav through this client and cache for ``wbi_ttl_s``.
        ``device`` = this installation's buvid3/buvid4, sent under every call's cookies.
        ``max_pages`` bounds every pagination loop, whatever bilibili answers."""
        self._c = Caller(
            transport, gate or NoGate(), retry or RetryPolicy(), wbi_keys,
            device=device, wbi_ttl_s=wbi_ttl_s,
        )
        self._api = transport.hosts.api
        self._history_ps = history_page_size
        self._fav_ps = fav_page_size
        self._max_pages = max_pages
        self._sign_hot = sign_hot_lists
        self._sign_space = sign_space_lists

    @property
    def wbi_keys(self) -> WbiKeys:
        return self._c.wbi_keys

    # --- behaviour -----------------------------------------------------------------------

    def history(
        self,
        cookies: Cookies,
        *,
        since: int = 0,
        start: HistoryCursor | None = None,
    ) -> Iterator[HistoryPage]:
        """Video watch history, newest first, one page per request (§5.1).

        Stops at the first item with ``view_at`` ≤ ``since`` (the newest one already
        stored), at the end of the history, or after ``max_pages``. ``start`` resumes from
        a page's ``next_cursor``, so a long first sync can be split across tasks.
        """
        cursor = start
        for _ in range(self._max_pages):
            params: dict[str, Any] = {"type": "archive", "ps": self._history_ps}
            if cursor is not None:
                params.update(cursor.params())
            data = self._c.call(
                "GET", f"{self._api}/x/web-interface/history/cursor", params=params,
                cookies=cookies,
            ).data
            raw = parse.as_list(parse.as_dict(data).get("list"))
            items, reached = [], False
            for value in raw:
                view_at = parse.as_int(parse.as_dict(value).get("view_at"))
                if view_at is not None and view_at <= since:
                    reached = True
                    break
                item = parse.history_item(value)
                if item is not None:
                    items.append(item)
            nxt = parse.history_cursor(data)
            # A cursor that does not move would loop forever: treat it as the end.
            done = reached or not raw or nxt is None or nxt == cursor
            yield HistoryPage(items=tuple(items), next_cursor=None if done else nxt)
            if done:
                return
            cursor = nxt

    def fav_folders(self, cookies: Cookies, *, up_mid: int | None = None) -> SpaceList[FavFolder]:
        """Folders a user created (default: the cookies' owner); ``hidden`` if they hide
        them (§6.1)."""
        mid = up_mid or _require_mid(cookies)
        data = self._c.call(
            "GET", f"{self._api}/x/v3/fav/folder/created/list-all",
            params={"up_mid": mid}, cookies=cookies, referer=space_referer(mid),
        ).data
        return parse.fav_folders(data)

    def fav_items(
        self, cookies: Cookies, media_id: int, *, since: int = 0
    ) -> Iterator[FavItem]:
        """Videos of one folder, most recently favourited first, down to ``fav_time`` ≤
        ``since`` (§6.2). Invalid items come with ``invalid=True``."""
        mid = mid_of(cookies)
        referer = space_referer(mid) if mid else REFERER
        for pn in range(1, self._max_pages + 1):
            data = self._c.call(
                "GET", f"{self._api}/x/v3/fav/resource/list",
                params={"media_id": media_id, "pn": pn, "ps": self._fav_ps, "order": "mtime",
                        "type": 0, "tid": 0, "platform": "web"},
                cookies=cookies, referer=referer,
            ).data
            obj = parse.as_dict(data)
            medias = parse.as_list(obj.get("medias"))
            for value in medias:
                fav_time = parse.as_int(parse.as_dict(value).get("fav_time"))
                if fav_time is not None and fav_time <= since:
                    return
                item = parse.fav_item(value, media_id=media_id)
                if item is not None:
                    yield item
            if not medias or obj.get("has_more") is not True:
                return

    def liked_videos(self, cookies: Cookies, *, vmid: int | None = None) -> SpaceList[ListVideo]:
        """Recently liked videos (§7.1); ``hidden`` on 53013."""
        return self._space_list("like", cookies, vmid, parse.liked_videos)

    def coined_videos(
        self, cookies: Cookies, *, vmid: int | None = None
    ) -> SpaceList[CoinedVideo]:
        """Recently coined videos with coins and time (§7.2); ``hidden`` on 53013."""
        return self._space_list("coin", cookies, vmid, parse.coined_videos)

    def _space_list(self, kind: str, cookies: Cookies, vmid: int | None, parser: Any) -> Any:
        mid = vmid or _require_mid(cookies)
        try:
            data = self._c.call(
                "GET", f"{self._api}/x/space/{kind}/video", params={"vmid": mid},
                cookies=cookies, referer=space_referer(mid), signed=self._sign_space,
            ).data
        except errors.PrivacyHidden:
            return SpaceList(hidden=True)
        return parser(data)

    # --- followings and their uploads (§15) -------------------------------------------------

    def followings(
        self, cookies: Cookies, *, vmid: int, pn: int = 1, ps: int = 50
    ) -> FollowingsPage:
        """One page of whom ``vmid`` follows, newest follow first (§15.1); ``hidden`` on
        22115. Page while a page is non-empty and fewer than ``total`` were read: pages
        may be shorter than ``ps``."""
        try:
            data = self._c.call(
                "GET", f"{self._api}/x/relation/followings",
                params={"vmid": vmid, "pn": pn, "ps": ps, "order": "desc"},
                cookies=cookies, referer=space_referer(vmid),
            ).data
        except errors.PrivacyHidden:
            return FollowingsPage(hidden=True)
        except errors.BadRequest as exc:
            if exc.code == _FOLLOWINGS_END:
                return FollowingsPage()
            raise
        return parse_space.followings(data)

    def uploads(
        self, mid: int, *, pn: int = 1, ps: int = 30, cookies: Cookies | None = None
    ) -> ListPage:
        """An UP主's videos, newest first (§15.2; WBI-signed). Paid courses and
        supporters-only videos are left out. A -352 (this endpoint's risk control) raises
        RiskCheckFailed WITHOUT pausing the user's other calls: callers treat the source
        as optional and skip it."""
        params: dict[str, Any] = {
            "mid": mid, "pn": pn, "ps": ps, "order": "pubdate", "tid": 0, "keyword": "",
            "platform": "web", "web_location": 1550101, "order_avoided": "true",
            "dm_img_list": "[]", "dm_img_str": _dm_letters(), "dm_cover_img_str": _dm_letters(),
            "dm_img_inter": _DM_IMG_INTER,
        }
        data = self._c.call(
            "GET", f"{self._api}/x/space/wbi/arc/search", params=params, cookies=cookies,
            referer=space_referer(mid), signed=True, risk_cooldown=False,
        ).data
        return parse_space.uploads(data)

    # --- videos --------------------------------------------------------------------------

    def video_detail(self, bvid: str, *, cookies: Cookies | None = None) -> VideoInfo:
        """View + tags + related in one signed call (§8.2). NotFound for -404 / 62002 /
        62004 / 62012 (the error's ``code`` says which)."""
        data = self._c.call(
            "GET", f"{self._api}/x/web-interface/wbi/view/detail",
            params={"bvid": bvid, "need_operation_card": 0, "need_elec": 0},
            cookies=cookies, signed=True,
        ).data
        info = parse.view_detail(data)
        if info is None:
            raise errors.Transient("view/detail answered no View",
                                   path="/x/web-interface/wbi/view/detail")
        return info

    def video_tags(self, bvid: str, *, cookies: Cookies | None = None) -> tuple[str, ...]:
        """Tag names only, a cheaper call than :meth:`video_detail` (§8.3)."""
        data = self._c.call(
            "GET", f"{self._api}/x/web-interface/view/detail/tag", params={"bvid": bvid},
            cookies=cookies,
        ).data
        return parse.tag_names(data)

    # --- lists ---------------------------------------------------------------------------
    # Hot lists go out with device cookies only: with SESSDATA bilibili personalises
    # them, and they are shared by all users (§9.1).

    def popular(self, *, pn: int = 1, ps: int = 20, cookies: Cookies | None = None) -> ListPage:
        data = self._hot("popular", {"pn": pn, "ps": ps}, cookies)
        return parse.popular(data)

    def weekly_issues(self, *, cookies: Cookies | None = None) -> tuple[WeeklyIssue, ...]:
        """每周必看 issues, newest first."""
        return parse.weekly_issues(self._hot("popular/series/list", {}, cookies))

    def weekly(self, number: int, *, cookies: Cookies | None = None) -> tuple[ListVideo, ...]:
        """One 每周必看 issue; NotFound for an unknown number."""
        return parse.list_items(self._hot("popular/series/one", {"number": number}, cookies))

    def ranking(
        self, rid: int = 0, *, kind: str = "all", cookies: Cookies | None = None
    ) -> tuple[ListVideo, ...]:
        """Zone ranking, list order = rank (§9.3)."""
        return parse.list_items(self._hot("ranking/v2", {"rid": rid, "type": kind}, cookies))

    def precious(self, *, cookies: Cookies | None = None) -> tuple[ListVideo, ...]:
        """入站必刷; ``source_reason`` is the item's ``achievement``."""
        data = self._hot("popular/precious", {"page": 1, "page_size": 85}, cookies)
        return parse.precious(data)

    def _hot(self, path: str, params: dict[str, Any], cookies: Cookies | None) -> Any:
        if self._sign_hot:
            params = {**params, "web_location": _HOT_WEB_LOCATION}
        return self._c.call(
            "GET", f"{self._api}/x/web-interface/{path}", params=params,
            cookies=device_only(cookies), signed=self._sign_hot,
        ).data

    def related(self, bvid: str, *, cookies: Cookies | None = None) -> tuple[ListVideo, ...]:
        """Up to ~40 videos related to one (§10.1); a deleted seed raises NotFound."""
        data = self._c.call(
            "GET", f"{self._api}/x/web-interface/archive/related", params={"bvid": bvid},
            cookies=cookies,
        ).data
        return parse.related(data)

    def home_feed(
        self, cookies: Cookies, *, fresh_idx: int = 1, ps: int = 12
    ) -> tuple[ListVideo, ...]:
        """bilibili's own picks for this user (§10.2), videos only, adverts dropped.
        Each call returns new items; ``fresh_idx`` counts the calls of a session from 1."""
        # Page-layout params as the web sends them (§10.2); fetch_row approximates the
        # rows a browser would have shown before this call.
        params = {
            "fresh_type": 4, "ps": ps, "fresh_idx": fresh_idx, "fresh_idx_1h": fresh_idx,
            "brush": fresh_idx, "fetch_row": 1 + (fresh_idx - 1) * 3, "feed_version": "V8",
            "homepage_ver": 1, "y_num": 4, "last_y_num": 5, "web_location": 1430650,
        }
        data = self._c.call(
            "GET", f"{self._api}/x/web-interface/wbi/index/top/feed/rcmd", params=params,
            cookies=cookies, signed=True,
        ).data
        return parse.feed(data)

    # --- watch later (§14) ---------------------------------------------------------------
    # Writes change a person's account: sent once (retry=False), never retried blindly;
    # -111 / -101 / 90001 (ListFull) / 90003 (NotFound) go up to the caller as typed errors.

    def toview(self, cookies: Cookies) -> tuple[ToviewItem, ...]:
        """The whole 稍后再看 list, newest addition first (§14.1)."""
        data = self._c.call("GET", f"{self._api}/x/v2/history/toview", cookies=cookies).data
        return parse.toview(data)

    def toview_add(self, cookies: Cookies, *, aid: int) -> None:
        """Add one video (§14.2); ListFull on 90001, NotFound on 90003."""
        self._toview_write("add", cookies, {"aid": aid})

    def toview_del(self, cookies: Cookies, *, aids: Sequence[int]) -> None:
        """Remove these entries (§14.3); unlisted aids are no error. Several aids in one
        comma-separated ``aid`` is unverified upstream, so one request per aid."""
        for aid in aids:
            self._toview_write("del", cookies, {"aid": aid})

    def _toview_write(self, action: str, cookies: Cookies, form: dict[str, Any]) -> None:
        csrf = cookies.get("bili_jct", "")
        if not csrf:
            raise errors.CsrfMismatch("cookies carry no bili_jct", code=-111)
        self._c.call(
            "POST", f"{self._api}/x/v2/history/toview/{action}",
            form={**form, "csrf": csrf}, cookies=cookies, retry=False,
        )


def _dm_letters() -> str:
    # Short strings of undocumented meaning; Nemo2011 sends two letters from A–K (§15.2).
    return "".join(random.choice("ABCDEFGHIJK") for _ in range(2))


def _require_mid(cookies: Cookies) -> int:
    mid = mid_of(cookies)
    if mid is None:
        # Without DedeUserID we cannot say whose list to read; the cookies are incomplete.
        raise errors.NotLoggedIn("cookies carry no DedeUserID", code=-101)
    return mid
