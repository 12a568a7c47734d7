"""Parsers and client methods on the documented example answers for a user's behaviour
(bilibili-api.md §5–§7), plus the untidy shapes bilibili is known for: null lists,
invalid favourites, two like-list shapes."""

import copy

import pytest

from bilibili import parse
from bilibili.entities import HistoryCursor, Owner
from tests.bilibili.fakes import USER, Canned, FakeBili, data, doc, err, make, ok

HISTORY = "/x/web-interface/history/cursor"
FOLDERS = "/x/v3/fav/folder/created/list-all"
RESOURCES = "/x/v3/fav/resource/list"
LIKES = "/x/space/like/video"
COINS = "/x/space/coin/video"
DETAIL = "/x/web-interface/wbi/view/detail"
TAGS = "/x/web-interface/view/detail/tag"
FEED = "/x/web-interface/wbi/index/top/feed/rcmd"


# --- history ------------------------------------------------------------------------------

END_OF_HISTORY = ok({"cursor": {"max": 0, "view_at": 0, "business": "", "ps": 30}, "list": []})


def test_history_items_from_the_doc_example():
    items = [parse.history_item(v) for v in data("HISTORY")["list"]]
    first, second = items
    assert (first.bvid, first.aid, first.view_at, first.progress) == (
        "BV1NK41157EF",
        497899395,
        1593000100,
        -1,
    )
    assert first.finished and first.watch_ratio == 1.0
    assert (first.author_mid, first.author_name, first.tag_name) == (
        3391089,
        "数字云糕Official",
        "电脑装机",
    )
    assert first.duration == 389 and first.cover.endswith(".jpg") and first.cid == 182570131
    assert second.progress == 13 and second.watch_ratio == pytest.approx(13 / 91)
    assert not second.finished


def test_history_pages_follow_the_cursor_to_the_end():
    fake = FakeBili().on(HISTORY, Canned(doc("HISTORY")), END_OF_HISTORY)
    pages = list(make(fake).history(USER))
    assert [len(p.items) for p in pages] == [2, 0]
    assert pages[0].next_cursor == HistoryCursor(883617049, 1592999572, "archive")
    assert pages[1].next_cursor is None
    assert fake.sent[0].params == {"type": "archive", "ps": 30}
    assert fake.sent[1].params == {
        "type": "archive",
        "ps": 30,
        "max": 883617049,
        "view_at": 1592999572,
        "business": "archive",
    }
    assert "SESSDATA=" in fake.sent[0].headers["Cookie"]


def test_history_stops_at_the_since_cursor():
    fake = FakeBili().on(HISTORY, Canned(doc("HISTORY")), END_OF_HISTORY)
    pages = list(make(fake).history(USER, since=1592999572))
    assert len(pages) == 1 and [i.bvid for i in pages[0].items] == ["BV1NK41157EF"]
    assert pages[0].next_cursor is None and len(fake.sent) == 1


def test_history_resumes_from_a_cursor():
    fake = FakeBili().on(HISTORY, END_OF_HISTORY)
    start = HistoryCursor(883617049, 1592999572, "archive")
    list(make(fake).history(USER, start=start))
    assert fake.sent[0].params["max"] == 883617049


def test_history_skips_other_businesses_and_tolerates_missing_fields():
    body = doc("HISTORY")
    items = body["data"]["list"]
    live = {
        "title": "直播",
        "history": {"oid": 5, "business": "live", "bvid": ""},
        "view_at": 1592999999,
    }
    bare = {
        "kid": 170001,
        "view_at": 1592999800,
        "history": None,
        "title": None,
        "progress": None,
        "duration": "--",
        "author_mid": None,
    }
    no_time = {"history": {"oid": 706, "bvid": "BV1xx411c79H", "business": "archive"}}
    items[1:1] = [live, bare, no_time]
    fake = FakeBili().on(HISTORY, Canned(body), END_OF_HISTORY)
    page = next(make(fake).history(USER))
    assert [i.bvid for i in page.items] == ["BV1NK41157EF", "BV17x411w7KC", "BV1sK4y147ob"]
    computed = page.items[1]
    assert computed.aid == 170001 and computed.title == "" and computed.watch_ratio is None
    assert computed.duration is None and computed.author_mid is None


@pytest.mark.parametrize("payload", [None, {}, {"list": None}, {"cursor": None, "list": None}])
def test_history_null_shapes_end_quietly(payload):
    fake = FakeBili().on(HISTORY, ok(payload))
    pages = list(make(fake).history(USER))
    assert len(pages) == 1 and pages[0].items == () and pages[0].next_cursor is None


def test_history_stops_when_the_cursor_does_not_move():
    fake = FakeBili().on(HISTORY, Canned(doc("HISTORY")))
    pages = list(make(fake).history(USER, start=HistoryCursor(883617049, 1592999572, "archive")))
    assert len(pages) == 1 and len(fake.sent) == 1


def test_history_page_cap_bounds_the_loop():
    def page(sent):
        n = len(fake.sent)
        return ok(
            {
                "cursor": {"max": n, "view_at": 2_000_000_000 - n, "business": "archive"},
                "list": [{"kid": 170001, "view_at": 2_000_000_000 - n}],
            }
        )

    fake = FakeBili().on(HISTORY, page)
    pages = list(make(fake, max_pages=5).history(USER))
    assert len(pages) == 5 and len(fake.sent) == 5


# --- favourites ----------------------------------------------------------------------------


def test_fav_folders_from_the_doc_example():
    fake = FakeBili().on(FOLDERS, Canned(doc("FAV_FOLDERS")))
    folders = make(fake).fav_folders(USER)
    assert not folders.hidden
    assert [(f.media_id, f.fid, f.title, f.media_count) for f in folders.items] == [
        (44233921, 442339, "默认收藏夹", 85),
        (936347621, 9363476, "放假君的鬼畜私房歌", 2),
    ]
    assert [f.private for f in folders.items] == [False, False]
    assert fake.sent[0].params["up_mid"] == 293793435
    assert fake.sent[0].headers["Referer"] == "https://space.bilibili.com/293793435"


def test_fav_folders_null_data_is_hidden_and_null_list_is_empty():
    assert make(FakeBili().on(FOLDERS, ok(None))).fav_folders(USER).hidden
    empty = make(FakeBili().on(FOLDERS, ok({"count": 0, "list": None}))).fav_folders(USER)
    assert empty.items == () and not empty.hidden
    private = parse.fav_folders({"list": [{"id": 1, "attr": 1}, {"id": None}]})
    assert len(private.items) == 1 and private.items[0].private


def test_fav_items_include_invalid_videos_and_follow_has_more():
    last = doc("FAV_RESOURCES")
    last["data"]["has_more"] = False
    last["data"]["medias"] = last["data"]["medias"][:1]
    fake = FakeBili().on(RESOURCES, Canned(doc("FAV_RESOURCES")), Canned(last))
    items = list(make(fake).fav_items(USER, 1052622027))
    assert [i.bvid for i in items] == ["BV1CZ4y1T7gC", "BV1kz4y1X7XP", "BV1CZ4y1T7gC"]
    good, bad = items[0], items[1]
    assert not good.invalid and good.aid == 371494037 and good.fav_time == 1598884777
    assert (good.upper_mid, good.upper_name, good.duration) == (686127, "籽岷", 546)
    assert (good.cnt_info.play, good.cnt_info.collect, good.cnt_info.danmaku) == (
        1638040,
        11256,
        7697,
    )
    assert (
        bad.invalid
        and bad.title == "已失效视频"
        and bad.aid == 583785685
        and bad.upper_mid == 293793435
    )
    assert good.media_id == 1052622027
    assert [s.params["pn"] for s in fake.sent] == [1, 2]
    assert fake.sent[0].params["ps"] == 20 and fake.sent[0].params["order"] == "mtime"


def _media(aid, fav_time, **extra):
    return {
        "id": aid,
        "type": 2,
        "title": "t",
        "attr": 0,
        "fav_time": fav_time,
        "bvid": "",
        **extra,
    }


def test_fav_items_stop_at_since():
    page1 = ok({"medias": [_media(170001, 300), _media(706, 200)], "has_more": True})
    page2 = ok({"medias": [_media(85440373, 100)], "has_more": False})
    fake = FakeBili().on(RESOURCES, page1, page2)
    items = list(make(fake).fav_items(USER, 1, since=200))
    assert [i.aid for i in items] == [170001] and items[0].bvid == "BV17x411w7KC"
    assert len(fake.sent) == 1


def test_fav_items_tolerate_junk():
    invalid_no_bvid = {
        "id": 583785685,
        "type": 2,
        "title": "已失效视频",
        "attr": 9,
        "bvid": "",
        "upper": None,
        "cnt_info": None,
        "fav_time": 50,
    }
    audio = {"id": 5, "type": 12, "title": "音频", "fav_time": 60}
    nothing = {"type": 2, "title": "已失效视频", "attr": 1}
    fake = FakeBili().on(
        RESOURCES, ok({"medias": [audio, invalid_no_bvid, nothing], "has_more": None})
    )
    items = list(make(fake).fav_items(USER, 1))
    assert len(items) == 1 and items[0].invalid and items[0].aid == 583785685
    assert items[0].bvid.startswith("BV1") and items[0].upper_mid is None
    assert (
        list(
            make(FakeBili().on(RESOURCES, ok({"medias": None, "has_more": True}))).fav_items(
                USER, 1
            )
        )
        == []
    )


# --- likes and coins -------------------------------------------------------------------------


def test_likes_in_both_shapes():
    wrapped = doc("LIKES")
    bare = copy.deepcopy(wrapped)
    bare["data"] = bare["data"]["list"]
    for body in (wrapped, bare):
        liked = make(FakeBili().on(LIKES, Canned(body))).liked_videos(USER)
        assert not liked.hidden and len(liked.items) == 1
        video = liked.items[0]
        assert (video.bvid, video.aid, video.tid, video.tname) == (
            "BV1XK421y7ZL",
            1700085880,
            21,
            "日常",
        )
        assert video.owner == Owner(2104592226, "鲸落艳红尘")
        assert video.stats.view == 930 and video.stats.like == 27 and video.duration == 91


def test_coins_from_the_doc_example():
    coined = make(FakeBili().on(COINS, Canned(doc("COINS")))).coined_videos(USER, vmid=258457966)
    item = coined.items[0]
    assert (item.coins, item.coined_at, item.video.bvid) == (1, 1601802763, "BV1sa4y1j7jk")
    assert item.video.stats.coin == 2864


@pytest.mark.parametrize("method", ["liked_videos", "coined_videos"])
def test_hidden_lists_are_empty_not_errors(method):
    fake = FakeBili().on(LIKES, err(53013, message="用户隐私设置未公开")).on(COINS, err(53013))
    result = getattr(make(fake), method)(USER)
    assert result.hidden and result.items == ()


@pytest.mark.parametrize("payload", [None, [], {"list": None}, {}])
def test_empty_like_and_coin_lists(payload):
    fake = FakeBili().on(LIKES, ok(payload)).on(COINS, ok(payload))
    assert make(fake).liked_videos(USER).items == ()
    assert make(fake).coined_videos(USER).items == ()


def test_dimension_zone_and_upower_are_read_tolerantly() -> None:
    from bilibili.parse import arc  # local to this check

    base = {"bvid": "BV17x411w7KC", "aid": 170001}
    cases = [
        ({"dimension": {"width": 1080, "height": 1920, "rotate": 0}}, True),
        ({"dimension": {"width": 1920, "height": 1080, "rotate": 1}}, True),
        ({"dimension": {"width": 1080, "height": 1920, "rotate": 1}}, False),
        ({"dimension": {"width": 1920, "height": 1080}}, False),
        ({"dimension": {"width": "--", "height": 1080}}, None),
        ({"dimension": None}, None),
        ({}, None),
    ]
    for extra, vertical in cases:
        video = arc(base | extra)
        assert video is not None and video.vertical is vertical, extra
    assert arc(base | {"is_upower_exclusive": True}).upower is True
    assert arc(base | {"is_upower_exclusive": "yes"}).upower is None
    assert arc(base).upower is None
    assert arc(base | {"tname_v2": "人力VOCALOID"}).tname_v2 == "人力VOCALOID"
    assert arc(base | {"tnamev2": "MV"}).tname_v2 == "MV"
