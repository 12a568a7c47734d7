"""Followings (§15.1) and an UP主's uploads (§15.2): parsers on the doc's example answers,
the requests the client sends, and the -352 of arc/search that pauses nothing else."""

from __future__ import annotations

import copy

import pytest

from bilibili import errors, parse_space
from bilibili.client import BiliClient
from bilibili.entities import Following, Owner
from tests.bilibili.fakes import USER, FakeBili, RecordingGate, data, err, fast_retry, make, ok
from tests.bilibili.sim_helpers import sim_login, sim_transport

FOLLOWINGS = "/x/relation/followings"
ARC = "/x/space/wbi/arc/search"
LIKES = "/x/space/like/video"


def test_followings_from_the_doc_example():
    page = parse_space.followings(data("FOLLOWINGS"))
    assert page.total == 1028 and not page.hidden
    assert page.items == (
        Following(mid=14082, name="山新", followed_at=1584271945, special=False),
        Following(mid=420831218, name="支付宝Alipay", followed_at=1584208169, special=False),
    )


def test_followings_tolerates_untidy_items():
    raw = copy.deepcopy(data("FOLLOWINGS"))
    raw["list"] += [{"mid": "14082"}, {"uname": "no mid"}, None, {"mid": 7, "special": 1}]
    raw["total"] = "--"
    page = parse_space.followings(raw)
    assert [f.mid for f in page.items] == [14082, 420831218, 7]
    assert page.items[-1].special and page.items[-1].name == "" and page.total is None
    assert parse_space.followings(None).items == ()
    assert parse_space.followings({"list": None}).items == ()


def test_followings_request_hidden_list_and_old_end_code():
    fake = FakeBili().on(FOLLOWINGS, ok(data("FOLLOWINGS")), err(22115), err(22007))
    client = make(fake)
    page = client.followings(USER, vmid=293793435, pn=2)
    assert len(page.items) == 2
    sent = fake.sent[0]
    assert sent.params == {"vmid": 293793435, "pn": 2, "ps": 50, "order": "desc"}
    assert sent.headers["Referer"] == "https://space.bilibili.com/293793435"
    assert "SESSDATA=sess%2Cvalue" in sent.headers["Cookie"]
    assert client.followings(USER, vmid=1).hidden
    assert client.followings(USER, vmid=1, pn=6).items == ()


def test_uploads_from_the_doc_example():
    page = parse_space.uploads(data("ARC_SEARCH"))
    assert page.has_more  # 1·42 < 786
    (video,) = page.items
    assert (video.bvid, video.aid, video.title) == (
        "BV1ac5yzhE94", 114375683741573, "和朋友去西藏拍样片日记……")
    assert video.duration == 22 * 60 + 11 and video.pubdate == 1745290800
    assert video.tid == 250 and video.owner == Owner(946974, "影视飓风")
    assert video.stats.view == 224185 and video.stats.reply == 985
    assert video.stats.danmaku == 2365 and video.stats.like is None  # not in this list
    assert video.cover.endswith(".jpg")


@pytest.mark.parametrize(("text", "seconds"), [
    ("22:11", 1331), ("05:03", 303), ("75:02", 4502), ("1:02:03", 3723), ("0:07", 7),
    ("", None), ("--", None), (None, None), (1331, None), ("1:2:3:4", None),
])
def test_length_forms(text, seconds):
    assert parse_space.length_seconds(text) == seconds


def test_uploads_drop_courses_and_supporter_only_videos():
    raw = copy.deepcopy(data("ARC_SEARCH"))
    item = raw["list"]["vlist"][0]
    variants = [
        {**item, "is_lesson_video": 1}, {**item, "jump_url": "https://www.bilibili.com/cheese/"},
        {**item, "is_charging_arc": True}, {**item, "bvid": "", "aid": None},
        {**item, "play": "--", "length": "??"},
    ]
    raw["list"]["vlist"] = variants
    raw["page"] = {"pn": 1, "ps": 30, "count": 5}
    page = parse_space.uploads(raw)
    assert len(page.items) == 1 and not page.has_more
    assert page.items[0].stats.view is None and page.items[0].duration is None
    assert parse_space.uploads({"list": {"vlist": None}}).items == ()


def test_uploads_are_signed_with_the_dm_params_and_the_space_referer():
    fake = FakeBili().on(ARC, ok(data("ARC_SEARCH")))
    make(fake).uploads(946974, ps=10, cookies=USER)
    sent = fake.sent[0]
    params = sent.params
    assert params["mid"] == 946974 and params["ps"] == 10 and params["order"] == "pubdate"
    assert params["wts"] and len(params["w_rid"]) == 32
    assert params["dm_img_list"] == "[]" and len(params["dm_img_str"]) == 2
    assert set(params["dm_img_str"] + params["dm_cover_img_str"]) <= set("ABCDEFGHIJK")
    assert sent.headers["Referer"] == "https://space.bilibili.com/946974"


def test_a_352_on_uploads_is_raised_but_pauses_nothing():
    gate = RecordingGate()
    fake = FakeBili().on(ARC, err(-352, {"v_voucher": "voucher_x"}, "风控校验失败")).on(
        LIKES, err(-352, {"v_voucher": "voucher_y"}, "风控校验失败"))
    client = make(fake, gate=gate)
    with pytest.raises(errors.RiskCheckFailed):
        client.uploads(946974, cookies=USER)
    assert gate.risk == []  # the user's other calls go on
    with pytest.raises(errors.RiskCheckFailed):
        client.liked_videos(USER)
    assert gate.risk == [293793435]  # any other -352 still pauses the user


def test_followings_and_uploads_on_the_simulator(simulator_url, sim):
    creds = sim_login(sim_transport(simulator_url), sim)
    client = BiliClient(sim_transport(simulator_url), RecordingGate(), retry=fast_retry())
    mid = int(creds.cookies["DedeUserID"])
    followed, pn = [], 1
    while True:
        page = client.followings(creds.cookies, vmid=mid, pn=pn)
        if not page.items:
            break
        followed += page.items
        if len(followed) >= (page.total or 0):
            break
        pn += 1
    assert len(followed) == page.total and len({f.mid for f in followed}) == len(followed)
    uploads = client.uploads(followed[0].mid, ps=10, cookies=creds.cookies)
    assert uploads.items and all(v.owner.mid == followed[0].mid for v in uploads.items)
    dates = [v.pubdate for v in uploads.items]
    assert dates == sorted(dates, reverse=True) and all(v.duration for v in uploads.items)
