"""View, view/detail, tags and related (§8, §10.1) over HTTP."""

from __future__ import annotations

import pytest

from simulator.bvid import av2bv
from simulator.catalog import Video

from .conftest import Sim

VIEW = "/x/web-interface/view"
DETAIL = "/x/web-interface/view/detail"
STATUS_CODE = {"deleted": -404, "hidden": 62002, "review": 62004, "uponly": 62012}


def a_video(fresh_sim: Sim, *, bgm: bool | None = None, status: str = "ok") -> Video:
    for v in fresh_sim.state.world.cat.videos:
        if v.status == status and (bgm is None or bool(v.bgm) == bgm):
            return v
    raise AssertionError("no such video")


def test_view_shape(module_sim: Sim) -> None:
    v = a_video(module_sim)
    body = module_sim.api(VIEW, bvid=v.bvid)
    assert (body["code"], body["message"], body["ttl"]) == (0, "0", 1)
    data = body["data"]
    assert data == module_sim.api(VIEW, aid=v.aid)["data"]
    assert (data["aid"], data["bvid"], data["title"], data["state"]) == (v.aid, v.bvid, v.title, 0)
    assert set(data) >= {"videos", "tid", "tname", "tid_v2", "tname_v2", "copyright", "pic",
                         "pubdate", "ctime", "desc", "duration", "owner", "stat", "dynamic",
                         "cid", "dimension", "pages", "rights", "is_story",
                         "is_upower_exclusive"}
    assert set(data["stat"]) >= {"aid", "view", "danmaku", "reply", "favorite", "coin",
                                 "share", "now_rank", "his_rank", "like", "dislike", "vt",
                                 "evaluation"}
    assert all(isinstance(data["stat"][k], int) for k in ("view", "like", "coin", "favorite"))
    assert set(data["owner"]) == {"mid", "name", "face"}
    assert sum(p["duration"] for p in data["pages"]) == data["duration"]
    assert data["pages"][0]["cid"] == data["cid"] and data["pages"][0]["page"] == 1


def test_wbi_view_requires_signature(module_sim: Sim) -> None:
    v = a_video(module_sim)
    for path in ("/x/web-interface/wbi/view", "/x/web-interface/wbi/view/detail"):
        unsigned = module_sim.get(path, params={"bvid": v.bvid})
        body = unsigned.json()
        assert body["code"] == -352 and body["message"] == "风控校验失败"
        assert unsigned.headers["x-bili-gaia-vvoucher"] == body["data"]["v_voucher"]
        wrong = module_sim.signed(bvid=v.bvid) | {"w_rid": "0" * 32}
        assert module_sim.api(path, **wrong)["code"] == -352
        assert module_sim.api(path, **module_sim.signed(bvid=v.bvid))["code"] == 0


def test_detail_capitalised_members(module_sim: Sim) -> None:
    v = a_video(module_sim, bgm=True)
    data = module_sim.api(DETAIL, bvid=v.bvid)["data"]
    assert set(data) >= {"View", "Card", "Tags", "Related", "Reply", "participle", "Spec",
                         "hot_share", "elec", "emergency", "view_addit", "guide", "query_tags",
                         "module_ctrl", "replace_recommend"}
    assert data["View"] == module_sim.api(VIEW, bvid=v.bvid)["data"]
    card = data["Card"]
    assert card["card"]["mid"] == str(data["View"]["owner"]["mid"])  # a string here
    assert {"following", "archive_count", "follower", "like_num"} <= set(card)
    assert data["Tags"][0]["tag_type"] == "bgm" and data["Tags"][0]["tag_id"] == 0
    assert 0 < len(data["Related"]) <= 40
    assert {"tidv2", "tnamev2", "pid_v2", "pid_name_v2", "ai_rcmd", "rcmd_reason"} <= set(
        data["Related"][0])
    assert "pages" not in data["Related"][0]
    assert all(isinstance(w, str) for w in data["participle"])


def test_tags_new_and_old(module_sim: Sim) -> None:
    v = a_video(module_sim, bgm=True)
    plain = module_sim.api("/x/web-interface/view/detail/tag", bvid=v.bvid)["data"]
    assert isinstance(plain, list) and [t["tag_name"] for t in plain if
                                        t["tag_type"] == "old_channel"] == list(v.tags)
    assert {t["tag_type"] for t in plain} <= {"old_channel", "topic"}
    for tag in plain:
        assert set(tag) == {"tag_id", "tag_name", "music_id", "tag_type", "jump_url"}
        assert isinstance(tag["tag_id"], int) and tag["tag_id"] > 0
    with_cid = module_sim.api("/x/web-interface/view/detail/tag", bvid=v.bvid, cid=v.cid)["data"]
    bgm = with_cid[0]
    assert bgm["tag_type"] == "bgm" and bgm["music_id"].startswith("MA") and bgm["tag_id"] == 0
    assert with_cid[1:] == plain
    old = module_sim.api("/x/tag/archive/tags", aid=v.aid)["data"]
    assert {t["tag_name"] for t in old} >= set(v.tags)
    assert set(old[0]) >= {"tag_id", "tag_name", "cover", "content", "type", "state", "ctime",
                           "count", "is_atten", "likes", "attribute"}
    assert set(old[0]["count"]) == {"view", "use", "atten"}


@pytest.mark.parametrize("status", ["deleted", "hidden", "review", "uponly"])
def test_deleted_and_hidden_videos(module_sim: Sim, status: str) -> None:
    v = a_video(module_sim, status=status)
    code = STATUS_CODE[status]
    for path in (VIEW, DETAIL, "/x/web-interface/archive/related"):
        body = module_sim.api(path, bvid=v.bvid)
        assert (body["code"], body["data"]) == (code, None)


def test_invalid_videos_reach_histories_and_favourites(module_sim: Sim) -> None:
    world = module_sim.state.world
    seen = set()
    for mid in world.specs:
        u = world.user(mid)
        seen |= {world.cat.videos[w.vidx].status for w in u.history if w.vidx >= 0}
        seen |= {world.cat.videos[i].status for f in u.folders for i, _ in f.items}
    assert {"deleted", "hidden"} <= seen and len(seen - {"ok"}) >= 3


def test_bad_and_unknown_ids(module_sim: Sim) -> None:
    assert module_sim.api(VIEW)["code"] == -400
    assert module_sim.api(VIEW, bvid="BV1notvalid!")["code"] == -400
    assert module_sim.api(VIEW, aid="abc")["code"] == -400
    assert module_sim.api(VIEW, aid=7)["code"] == -404
    assert module_sim.api(VIEW, bvid=av2bv(7))["code"] == -404


def test_related_from_same_topics_and_author(module_sim: Sim) -> None:
    world = module_sim.state.world
    v = max((x for x in world.cat.videos if x.valid), key=lambda x: len(
        world.cat.author_videos[x.author]))
    data = module_sim.api("/x/web-interface/archive/related", aid=v.aid)["data"]
    assert isinstance(data, list) and len(data) == 40
    topics = {t for t, _ in v.topics}
    close = 0
    for item in data:
        aid = item["aid"]
        assert item["bvid"] in ("", av2bv(aid))
        other = world.video(aid)
        close += other.author == v.author or bool(topics & {t for t, _ in other.topics})
        assert item["aid"] != v.aid
    assert close == 40
    assert any(i["bvid"] == "" for i in data) and any(i["bvid"] for i in data)
    assert data[0]["owner"]["mid"] == world.author(v).mid
