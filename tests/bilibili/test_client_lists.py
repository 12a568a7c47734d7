"""Client methods on the documented example answers for videos and lists
(bilibili-api.md §8–§10): view/detail, tags, hot lists, related, the feed, and the
documented error codes."""


import pytest

from bilibili import errors, parse
from bilibili.entities import Owner, Stats
from tests.bilibili.fakes import USER, Canned, FakeBili, data, doc, err, make, ok

DETAIL = "/x/web-interface/wbi/view/detail"
TAGS = "/x/web-interface/view/detail/tag"
FEED = "/x/web-interface/wbi/index/top/feed/rcmd"
HISTORY = "/x/web-interface/history/cursor"
FOLDERS = "/x/v3/fav/folder/created/list-all"
RESOURCES = "/x/v3/fav/resource/list"
LIKES = "/x/space/like/video"
COINS = "/x/space/coin/video"


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
