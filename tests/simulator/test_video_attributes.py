"""Vertical and 充电专属 videos, and zone names, in the shapes real bilibili carries
them (bilibili-api.md §0, §8.1, §9, §10, §15.2): what the recommender's rules filter on."""

from __future__ import annotations

from typing import Any

from bilibili import parse
from bilibili.parse_space import uploads

from .conftest import Sim
from .test_routes_lists import FEED, RANKING, popular_all

VIEW = "/x/web-interface/view"
DETAIL = "/x/web-interface/view/detail"
RELATED = "/x/web-interface/archive/related"


def is_vertical(dim: dict[str, int]) -> bool:
    w, h = dim["width"], dim["height"]
    return (w > h) if dim["rotate"] == 1 else (h > w)


def test_hot_list_has_vertical_and_upower_videos_that_view_confirms(module_sim: Sim) -> None:
    items = popular_all(module_sim)
    assert all({"width", "height", "rotate"} == set(i["dimension"]) for i in items)
    assert all(i["tname"] for i in items)
    vertical = [i for i in items if is_vertical(i["dimension"])]
    assert vertical, "no vertical video among the hot list"
    assert any(i["dimension"]["rotate"] == 1 for i in items), "no rotated video"
    views = {i["bvid"]: module_sim.api(VIEW, bvid=i["bvid"])["data"] for i in items}
    upower = [b for b, v in views.items() if v["is_upower_exclusive"] is True]
    assert upower, "no 充电专属 video among the hot list"
    assert len(upower) < len(items) / 5
    for bvid, data in views.items():
        assert data["tname"] and data["tname_v2"]
        # the list's dimension is the view's, and is_story marks the vertical ones
        assert data["is_story"] == is_vertical(data["dimension"])
        assert data["is_story"] == (bvid in {v["bvid"] for v in vertical})
    # The client reads them back, rotate respected.
    page = parse.popular({"list": items, "no_more": True})
    assert {v.bvid for v in page.items if v.vertical} == {v["bvid"] for v in vertical}
    assert all(v.upower is None for v in page.items)  # lists do not say 充电专属
    info = parse.view_detail(module_sim.api(DETAIL, bvid=upower[0])["data"])
    assert info is not None and info.upower is True and info.tname_v2


def test_feed_and_other_lists(module_sim: Sim) -> None:
    me = module_sim.user(10001)
    feed: list[dict[str, Any]] = []
    for fresh in range(1, 9):
        data = module_sim.api(FEED, me, **module_sim.signed(ps=30, fresh_idx=fresh))["data"]
        feed += [i for i in data["item"] if i["goto"] == "av" and not i["business_info"]]
    # The real feed item has no dimension, zone or 充电专属 flag (§10.2): view says them.
    assert "dimension" not in feed[0] and "tname" not in feed[0]
    views = [module_sim.api(VIEW, bvid=i["bvid"])["data"] for i in feed]
    assert any(v["is_upower_exclusive"] for v in views), "no 充电专属 video in the feed"
    assert any(is_vertical(v["dimension"]) for v in views), "no vertical video in the feed"
    related = module_sim.api(RELATED, bvid=feed[0]["bvid"])["data"]
    assert all(r["tname"] and r["tnamev2"] and "dimension" in r for r in related)
    assert {v.tname_v2 for v in parse.related(related)} == {r["tnamev2"] for r in related}
    ranking = module_sim.api(RANKING, rid=0)["data"]["list"]
    assert all(r["tname"] and "dimension" in r for r in ranking)


def test_space_uploads_mark_supporters_only(module_sim: Sim) -> None:
    author = module_sim.state.world.cat.authors[0]
    data = module_sim.api("/x/space/wbi/arc/search", {"buvid3": "x"},
                         **module_sim.signed(mid=author.mid, ps=50, pn=1))
    vlist = data["data"]["list"]["vlist"]
    truth = {v.bvid: v.upower for v in module_sim.state.world.cat.videos}
    assert all(item["is_charging_arc"] == truth[item["bvid"]] for item in vlist)
    assert all(v.upower is False for v in uploads(data["data"]).items)
