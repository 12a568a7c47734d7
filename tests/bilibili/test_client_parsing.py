"""Parsers and client methods on the documented example answers (bilibili-api.md §5–§10),
plus the untidy shapes bilibili is known for: null lists, invalid favourites, "--" stats,
two like-list shapes, adverts in the feed, and the documented error codes."""

import copy
import json

import pytest

from bilibili import errors, parse
from bilibili.client import BiliClient
from bilibili.entities import HistoryCursor, Owner, Stats
from bilibili.wbi import WbiKeys
from tests.bilibili import doc_examples as ex
from tests.bilibili.fakes import USER, Canned, FakeBili, err, fast_retry, ok, transport

HISTORY = "/x/web-interface/history/cursor"
FOLDERS = "/x/v3/fav/folder/created/list-all"
RESOURCES = "/x/v3/fav/resource/list"
LIKES = "/x/space/like/video"
COINS = "/x/space/coin/video"
DETAIL = "/x/web-interface/wbi/view/detail"
TAGS = "/x/web-interface/view/detail/tag"
FEED = "/x/web-interface/wbi/index/top/feed/rcmd"


def doc(name: str) -> dict:
    return json.loads(getattr(ex, name))


def data(name: str):
    return doc(name)["data"]


def make(fake: FakeBili, **kwargs) -> BiliClient:
    keys = WbiKeys.fixed("7cd084941338484aae1ad9425b84077c", "4932caff0ff746eab6f01bf08b70ac45")
    return BiliClient(transport(fake), wbi_keys=keys, retry=fast_retry(), **kwargs)


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


# --- video detail and tags ------------------------------------------------------------------


def test_view_detail_from_the_doc_example():
    fake = FakeBili().on(DETAIL, Canned(doc("VIEW_DETAIL")))
    info = make(fake).video_detail("BV17x411w7KC")
    assert (info.bvid, info.aid, info.title, info.tid, info.tname) == (
        "BV17x411w7KC",
        170001,
        "【MV】保加利亚妖王AZIS视频合辑",
        193,
        "MV",
    )
    assert (info.duration, info.pubdate, info.videos) == (2412, 1320850533, 10)
    assert info.owner == Owner(122541, "冰封.虾子")
    assert info.stats == Stats(
        view=45252521,
        like=928358,
        coin=291585,
        favorite=883733,
        danmaku=914336,
        reply=184686,
        share=12779204,
    )
    assert info.tags == ("保加利亚妖王", "mv")  # the bgm entry is music, not a tag
    assert [r.bvid for r in info.related] == ["BV1GJ411x7h7"]
    assert info.state is None and not info.is_open
    assert fake.sent[0].params["bvid"] == "BV17x411w7KC" and "w_rid" in fake.sent[0].params


def test_view_parses_as_video_info():
    info = parse.video_info(data("VIEW"))
    assert info.bvid == "BV117411r7R1" and info.state == 0 and info.is_open
    assert info.tags == () and info.stats.favorite == 58329


def test_hidden_stats_become_none():
    body = doc("VIEW_DETAIL")
    stat = body["data"]["View"]["stat"]
    stat.update(view="--", like=None, coin="12", favorite=True)
    info = make(FakeBili().on(DETAIL, Canned(body))).video_detail("BV17x411w7KC")
    assert (info.stats.view, info.stats.like, info.stats.coin, info.stats.favorite) == (None,) * 4
    assert info.stats.danmaku == 914336


@pytest.mark.parametrize("code", [-404, 62002, 62004, 62012])
def test_gone_videos_raise_not_found(code):
    fake = FakeBili().on(DETAIL, err(code)).on(TAGS, err(code))
    with pytest.raises(errors.NotFound) as caught:
        make(fake).video_detail("BV17x411w7KC")
    assert caught.value.code == code
    with pytest.raises(errors.NotFound):
        make(fake).video_tags("BV17x411w7KC")


def test_detail_without_view_is_transient():
    with pytest.raises(errors.Transient):
        make(FakeBili().on(DETAIL, ok({"View": None}))).video_detail("BV17x411w7KC")


def test_tags_from_the_doc_example():
    fake = FakeBili().on(TAGS, Canned(doc("TAGS")))
    assert make(fake).video_tags("BV1xx") == ("异度侵入", "ED")
    assert make(FakeBili().on(TAGS, ok(None))).video_tags("BV1xx") == ()


# --- lists ----------------------------------------------------------------------------------


def test_popular():
    page = parse.popular(data("POPULAR"))
    assert page.has_more and len(page.items) == 1
    video = page.items[0]
    assert (video.bvid, video.source_reason, video.tname, video.stats.view) == (
        "BV1tz421i7zb",
        "百万播放",
        "出行",
        2465053,
    )
    assert not parse.popular({"list": None, "no_more": True}).has_more
    assert not parse.popular(None).has_more


def test_weekly():
    issue = parse.weekly_issues(data("WEEKLY_LIST"))[0]
    assert (issue.number, issue.subject, issue.status) == (279, "身残志坚钻石大盗", 2)
    video = parse.list_items(data("WEEKLY_ONE"))[0]
    assert video.bvid == "BV1Nb411M7r8" and video.source_reason.startswith("和B站小伙伴")


def test_ranking_and_precious():
    ranked = parse.list_items(data("RANKING"))
    assert ranked[0].bvid == "BV1Eg411v7a1" and ranked[0].owner.name == "泛式"
    precious = parse.precious(data("PRECIOUS"))
    assert precious[0].aid == 706 and precious[0].source_reason == "东方project标志性视频"


def test_related_computes_missing_bvids():
    items = data("RELATED")
    items.append({**items[0], "bvid": "", "aid": 170001})
    items.append({"bvid": "", "aid": None, "title": "no id"})
    related = parse.related(items)
    assert [v.bvid for v in related] == ["BV1XW411M7Gu", "BV17x411w7KC"]
    assert parse.related(None) == ()


def test_feed_keeps_plain_videos_only():
    body = doc("FEED")
    real = body["data"]["item"][0]
    advert = {**real, "id": 1, "bvid": "BV1ad", "business_info": {"archive": {"aid": 2}}}
    live = {**real, "goto": "live", "id": 99, "bvid": ""}
    body["data"]["item"] = [advert, real, live]
    fake = FakeBili().on(FEED, Canned(body))
    items = make(fake).home_feed(USER)
    assert [(v.bvid, v.aid) for v in items] == [("BV1DJ4m1u7Mp", 1255924089)]
    assert items[0].source_reason == "2万点赞" and items[0].stats.reply is None
    assert items[0].owner.mid == 5616993 and items[0].duration == 326
    sent = fake.sent[0].params
    assert (
        "w_rid" in sent and sent["fresh_idx"] == 1 and "SESSDATA=" in fake.sent[0].headers["Cookie"]
    )


def test_hot_lists_are_signed_with_web_location():
    fake = FakeBili().on("/x/web-interface/ranking/v2", Canned(doc("RANKING")))
    make(fake).ranking(3)
    sent = fake.sent[0].params
    assert sent["rid"] == 3 and sent["type"] == "all" and sent["web_location"] == "333.934"
    assert "w_rid" in sent


# --- documented error codes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "call", "code", "kind"),
    [
        (HISTORY, lambda c: list(c.history(USER)), -101, errors.NotLoggedIn),
        (HISTORY, lambda c: list(c.history(USER)), -400, errors.BadRequest),
        (FOLDERS, lambda c: c.fav_folders(USER), -400, errors.BadRequest),
        (RESOURCES, lambda c: list(c.fav_items(USER, 1)), -403, errors.BadRequest),
        (RESOURCES, lambda c: list(c.fav_items(USER, 1)), 11010, errors.NotFound),
        (LIKES, lambda c: c.liked_videos(USER), -111, errors.CsrfMismatch),
        ("/x/web-interface/popular/series/one", lambda c: c.weekly(99999), -404, errors.NotFound),
        ("/x/web-interface/archive/related", lambda c: c.related("BV1xx"), -404, errors.NotFound),
        (FEED, lambda c: c.home_feed(USER), -412, errors.Intercepted),
        (TAGS, lambda c: c.video_tags("BV1xx"), -401, errors.RiskCheckFailed),
    ],
)
def test_documented_codes_raise_typed_errors(path, call, code, kind):
    fake = FakeBili().on(path, err(code))
    with pytest.raises(kind) as caught:
        call(make(fake))
    assert caught.value.code == code


def test_calls_for_a_user_need_their_mid():
    cookies = {k: v for k, v in USER.items() if k != "DedeUserID"}
    with pytest.raises(errors.NotLoggedIn):
        make(FakeBili()).liked_videos(cookies)
