"""History (§5), favourites (§6), likes/coins (§7) over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import BUVID3, Sim

CURSOR = "/x/web-interface/history/cursor"
FOLDERS = "/x/v3/fav/folder/created/list-all"
RESOURCES = "/x/v3/fav/resource/list"
ARC_KEYS = {"aid", "bvid", "videos", "tid", "tname", "copyright", "pic", "title", "pubdate",
            "ctime", "desc", "state", "duration", "owner", "stat", "cid", "dimension", "rights"}
STAT_KEYS = {"aid", "view", "danmaku", "reply", "favorite", "coin", "share", "now_rank",
             "his_rank", "like", "dislike"}
PER_USER = [
    (CURSOR, {}), ("/x/v2/history", {}), (FOLDERS, {"up_mid": 10001}),
    ("/x/space/like/video", {"vmid": 10001}), ("/x/space/coin/video", {"vmid": 10001}),
    ("/x/web-interface/archive/has/like", {"aid": 170001}),
    ("/x/web-interface/archive/coins", {"aid": 170001}),
    ("/x/v2/fav/video/favoured", {"aid": 170001}),
]


def all_history(fresh_sim: Sim, cookies: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {"ps": 30} | params
    while True:
        body = fresh_sim.api(CURSOR, cookies, **query)
        assert body["code"] == 0
        data = body["data"]
        if not data["list"]:
            assert data["cursor"] == {"max": 0, "view_at": 0, "business": "", "ps": 30}
            return items
        last = data["list"][-1]
        assert data["cursor"] == {"max": last["kid"], "view_at": last["view_at"],
                                  "business": last["history"]["business"], "ps": 30}
        items += data["list"]
        query = {"ps": 30, **params, **{k: data["cursor"][k] for k in
                                         ("max", "view_at", "business")}}


@pytest.fixture(scope="module")
def me(module_sim: Sim) -> dict[str, str]:
    return module_sim.user(10001)


def test_history_cursor_pages_cover_everything_once(module_sim: Sim, me: dict) -> None:
    listed = all_history(module_sim, me, type="archive")
    # The 视频 tab lists bangumi episodes (business pgc, no bvid) among the 600 videos.
    pgc = [i for i in listed if i["history"]["business"] == "pgc"]
    assert len(pgc) == 6 and all(i["history"]["bvid"] == "" and i["kid"] for i in pgc)
    items = [i for i in listed if i["history"]["business"] == "archive"]
    assert len(items) == 600
    assert len({i["kid"] for i in items}) == 600
    times = [i["view_at"] for i in listed]
    assert times == sorted(times, reverse=True) and len(set(times)) == len(listed)
    first = items[0]
    assert set(first) >= {"title", "cover", "covers", "history", "videos", "author_name",
                          "author_mid", "author_face", "view_at", "progress", "duration",
                          "kid", "tag_name", "is_fav", "badge", "uri"}
    h = first["history"]
    assert h["business"] == "archive" and h["oid"] == first["kid"] and h["bvid"].startswith("BV1")
    assert first["covers"] is None and isinstance(h["dt"], int)
    assert any(i["progress"] == -1 for i in items)
    assert all(i["progress"] == -1 or 0 < i["progress"] <= i["duration"] for i in items)
    assert any(i["is_fav"] == 1 for i in items)
    # ps is capped at 30; type=all also shows live rooms / articles.
    assert len(module_sim.api(CURSOR, me, ps=100)["data"]["list"]) == 30
    mixed = all_history(module_sim, me)
    assert len(mixed) > len(listed) and {i["history"]["business"] for i in mixed} >= {
        "archive", "pgc", "live", "article"}
    other = [i for i in mixed if i["history"]["business"] != "archive"]
    assert other and all(i["history"]["bvid"] == "" for i in other)


def test_history_advance_day_adds_only_newer_items_in_front(fresh_sim: Sim) -> None:
    me = fresh_sim.user(10001)
    old = all_history(fresh_sim, me, type="archive")
    report = fresh_sim.control("/advance_day", {"days": 1}).json()
    new = all_history(fresh_sim, me, type="archive")
    added = len(new) - len(old)
    assert added == report["history_added"]["10001"] and 10 <= added <= 30
    assert new[added:] == old
    assert min(i["view_at"] for i in new[:added]) > old[0]["view_at"]
    # An incremental client stops at the first view_at it already has.
    page = fresh_sim.api(CURSOR, me, ps=30, type="archive")["data"]["list"]
    assert [i["kid"] for i in page[:added]] == [i["kid"] for i in new[:added]]


def test_v2_history(module_sim: Sim, me: dict) -> None:
    body = module_sim.api("/x/v2/history", me, pn=1, ps=50)
    assert body["code"] == 0 and len(body["data"]) == 50
    item = body["data"][0]
    assert set(item) >= ARC_KEYS | {"favorite", "type", "sub_type", "device", "page", "count",
                                    "progress", "view_at", "kid", "business", "redirect_link"}
    assert set(item["stat"]) >= STAT_KEYS and item["business"] == "archive"
    assert set(item["page"]) == {"cid", "page", "part", "duration"}
    total = sum(len(module_sim.api("/x/v2/history", me, pn=pn, ps=100)["data"])
                for pn in range(1, 7))
    assert total == 600
    assert module_sim.api("/x/v2/history", me, pn=7, ps=100) == {
        "code": 0, "message": "0", "ttl": 1, "data": None}


def test_favourite_folders_and_privacy(module_sim: Sim, me: dict) -> None:
    data = module_sim.api(FOLDERS, me, up_mid=10001)["data"]
    assert data["count"] == 3 and data["season"] is None
    folders = data["list"]
    assert folders[0]["title"] == "默认收藏夹"
    for f in folders:
        assert set(f) == {"id", "fid", "mid", "attr", "title", "fav_state", "media_count"}
        assert str(f["id"]) == f"{f['fid']}{10001 % 100:02d}" and f["media_count"] > 0
    private = [f for f in folders if f["attr"] & 1]
    assert private
    anon = module_sim.api(FOLDERS, {"buvid3": BUVID3}, up_mid=10001)["data"]
    assert anon["count"] == 3 - len(private)
    assert module_sim.api(RESOURCES, {"buvid3": BUVID3}, media_id=private[0]["id"],
                         ps=20)["code"] == -403
    # 10005 hides folders from others; the owner still sees them.
    assert module_sim.api(FOLDERS, me, up_mid=10005)["data"] is None
    assert module_sim.api(FOLDERS, module_sim.user(10005), up_mid=10005)["data"]["count"] == 3
    assert module_sim.api(FOLDERS, me, up_mid=99)["data"] == {
        "count": 0, "list": None, "season": None}


def test_favourite_contents_pages_and_invalid_items(module_sim: Sim, me: dict) -> None:
    folders = module_sim.api(FOLDERS, me, up_mid=10001)["data"]["list"]
    seen_invalid = []
    for folder in folders:
        medias, pn = [], 1
        while True:
            data = module_sim.api(RESOURCES, me, media_id=folder["id"], pn=pn, ps=5)["data"]
            medias += data["medias"] or []
            assert isinstance(data["ttl"], int) and data["info"]["id"] == folder["id"]
            if not data["has_more"]:
                break
            pn += 1
        assert len(medias) == folder["media_count"]
        times = [m["fav_time"] for m in medias]
        assert times == sorted(times, reverse=True)
        for m in medias:
            assert m["type"] == 2 and m["bvid"] == m["bv_id"] and m["link"].endswith(str(m["id"]))
            assert set(m["cnt_info"]) == {"collect", "play", "danmaku"}
            assert set(m["upper"]) == {"mid", "name", "face"}
            if m["attr"]:
                seen_invalid.append(m)
        ids = module_sim.api("/x/v3/fav/resource/ids", me, media_id=folder["id"])["data"]
        assert [x["id"] for x in ids] == [m["id"] for m in medias]
        assert set(ids[0]) == {"id", "type", "bv_id", "bvid"}
    assert len(seen_invalid) == 2
    assert all(m["title"] == "已失效视频" and m["attr"] in (1, 9) for m in seen_invalid)
    fid = folders[0]["id"]
    for bad in ({}, {"ps": 0}, {"ps": 21}):
        assert module_sim.api(RESOURCES, me, media_id=fid, **bad)["code"] == -400
    assert module_sim.api(RESOURCES, me, media_id=1234599, ps=20)["code"] == -404
    by_view = module_sim.api(RESOURCES, me, media_id=fid, ps=20, order="view")["data"]["medias"]
    plays = [m["cnt_info"]["play"] for m in by_view]
    assert plays == sorted(plays, reverse=True)


def test_likes_and_coins(module_sim: Sim, me: dict) -> None:
    likes = module_sim.api("/x/space/like/video", me, vmid=10001)["data"]
    assert set(likes) == {"list"} and len(likes["list"]) == 30
    assert set(likes["list"][0]) >= ARC_KEYS and set(likes["list"][0]["stat"]) >= STAT_KEYS
    coins = module_sim.api("/x/space/coin/video", me, vmid=10001)["data"]
    assert isinstance(coins, list) and len(coins) == 10
    assert all(c["coins"] in (1, 2) and isinstance(c["time"], int) and c["ip"] == ""
               for c in coins)
    times = [c["time"] for c in coins]
    assert times == sorted(times, reverse=True)
    for path in ("/x/space/like/video", "/x/space/coin/video"):
        hidden = module_sim.api(path, me, vmid=10005)
        assert hidden == {"code": 53013, "message": "用户隐私设置未公开", "ttl": 1, "data": None}
    # Per-video state of the logged-in user.
    liked = likes["list"][0]["bvid"]
    assert module_sim.api("/x/web-interface/archive/has/like", me, bvid=liked)["data"] == 1
    coined = coins[0]
    multiply = module_sim.api("/x/web-interface/archive/coins", me, aid=coined["aid"])["data"]
    assert multiply == {"multiply": coined["coins"]}
    folder = module_sim.api(FOLDERS, me, up_mid=10001)["data"]["list"][1]
    faved = module_sim.api(RESOURCES, me, media_id=folder["id"], ps=1)["data"]["medias"][0]
    answer = module_sim.api("/x/v2/fav/video/favoured", me, aid=faved["bvid"])["data"]
    assert answer == {"count": 1, "favoured": True}
    popular = module_sim.api("/x/web-interface/popular", ps=50)["data"]["list"]
    fresh = next(p for p in popular if p["bvid"] not in {x["bvid"] for x in likes["list"]})
    assert module_sim.api("/x/web-interface/archive/has/like", me, bvid=fresh["bvid"])["data"] == 0
    assert module_sim.api("/x/web-interface/archive/has/like", me)["code"] == -400


@pytest.mark.parametrize(("path", "params"), PER_USER)
def test_per_user_endpoints_need_buvid3_and_login(module_sim: Sim, me: dict, path: str,
                                                  params: dict) -> None:
    no_buvid = {k: v for k, v in me.items() if k != "buvid3"}
    refused = module_sim.get(path, no_buvid, params=params)
    body = refused.json()
    assert body["code"] == -352 and body["data"]["v_voucher"].startswith("voucher_")
    assert refused.headers["x-bili-gaia-vvoucher"] == body["data"]["v_voucher"]
    anon = module_sim.api(path, {"buvid3": BUVID3}, **params)
    if path in (FOLDERS, "/x/space/like/video", "/x/space/coin/video"):
        assert anon["code"] == 0  # public data of a user
    else:
        assert anon == {"code": -101, "message": "账号未登录", "ttl": 1, "data": None}


def test_faults_and_counters_cover_world_routes(fresh_sim: Sim) -> None:
    me = fresh_sim.user(10001)
    fresh_sim.control("/counters/reset")
    fault = {"path": CURSOR, "kind": "code", "code": -412, "count": 1}
    assert fresh_sim.control("/fault", fault).status_code == 200
    assert fresh_sim.api(CURSOR, me)["code"] == -412
    assert fresh_sim.api(CURSOR, me)["code"] == 0
    counts = fresh_sim.control("/counters", method="GET").json()
    assert counts["by_path"][CURSOR] == 2 and counts["by_user"]["10001"] == 2
