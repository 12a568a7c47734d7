"""Popular, weekly, ranking, precious (§9), the home feed (§10.2) and the
world control API, over HTTP."""

from __future__ import annotations

import re
import statistics
from typing import Any

from .conftest import BUVID3, Sim

POPULAR = "/x/web-interface/popular"
RANKING = "/x/web-interface/ranking/v2"
FEED = "/x/web-interface/wbi/index/top/feed/rcmd"
ISSUE_NAME = re.compile(r"20\d\d第\d+期 \d\d\.\d\d - \d\d\.\d\d")


def popular_all(fresh_sim: Sim, cookies: dict[str, str] | None = None) -> list[dict[str, Any]]:
    items, pn = [], 1
    while True:
        data = fresh_sim.api(POPULAR, cookies, pn=pn, ps=20)["data"]
        assert set(data) == {"list", "no_more"}
        items += data["list"]
        if data["no_more"]:
            return items
        pn += 1


def test_popular_pages(module_sim: Sim) -> None:
    items = popular_all(module_sim)
    assert len(items) == 200 and len({i["bvid"] for i in items}) == 200
    first = items[0]
    assert isinstance(first["rcmd_reason"], dict)
    assert set(first["rcmd_reason"]) == {"content", "corner_mark"}
    assert {"vt", "vv"} <= set(first["stat"]) and first["stat"]["vv"] == first["stat"]["view"]
    assert any(i["rcmd_reason"]["content"] for i in items)
    # Logged in: same set, taste-leaning order (§9.1).
    mine = popular_all(module_sim, module_sim.user(10001))
    assert {i["bvid"] for i in mine} == {i["bvid"] for i in items}
    assert [i["bvid"] for i in mine] != [i["bvid"] for i in items]


def test_weekly_series(module_sim: Sim) -> None:
    issues = module_sim.api("/x/web-interface/popular/series/list")["data"]["list"]
    numbers = [i["number"] for i in issues]
    assert numbers == sorted(numbers, reverse=True) and numbers[-1] == 1
    assert all(i["status"] == 2 and ISSUE_NAME.fullmatch(i["name"]) for i in issues)
    latest = module_sim.api("/x/web-interface/popular/series/one", number=numbers[0])["data"]
    assert set(latest) == {"config", "reminder", "list"}
    config = latest["config"]
    assert config["number"] == numbers[0] and config["name"] == issues[0]["name"]
    assert config["etime"] - config["stime"] == 7 * 86400 - 1
    assert 10 <= len(latest["list"]) <= 30
    assert all(isinstance(i["rcmd_reason"], str) and i["rcmd_reason"] for i in latest["list"])
    for bad in (numbers[0] + 1, 0):
        assert module_sim.api("/x/web-interface/popular/series/one", number=bad)["code"] == -404


def test_ranking(module_sim: Sim) -> None:
    data = module_sim.api(RANKING, rid=0, type="all")["data"]
    assert set(data) == {"note", "list"} and len(data["list"]) == 100
    assert all(i["score"] == 0 for i in data["list"])
    tech_v1 = module_sim.api(RANKING, rid=188)["data"]["list"]
    assert tech_v1 and all(i["tname"] in ("数码", "电脑装机", "软件应用") for i in tech_v1)
    assert module_sim.api(RANKING, rid=1012)["data"]["list"] == tech_v1  # v2 id
    assert module_sim.api(RANKING, tid=188)["data"]["list"] == tech_v1  # 2024 param name
    origin = module_sim.api(RANKING, rid=0, type="origin")["data"]["list"]
    assert all(i["copyright"] == 1 for i in origin)
    assert module_sim.api(RANKING, rid=0, type="rookie")["data"]["list"]
    assert module_sim.api(RANKING, rid=0, type="bogus")["code"] == -400


def test_precious(module_sim: Sim) -> None:
    data = module_sim.api("/x/web-interface/popular/precious", page=1, page_size=85)["data"]
    assert data["title"] == "入站必刷" and isinstance(data["media_id"], int)
    assert str(len(data["list"])) in data["explain"] and len(data["list"]) == 100
    assert all(isinstance(i["achievement"], str) and i["achievement"] for i in data["list"])


def test_lists_move_with_the_days(fresh_sim: Sim) -> None:
    popular = [i["bvid"] for i in popular_all(fresh_sim)]
    ranking = [i["bvid"] for i in fresh_sim.api(RANKING, rid=0)["data"]["list"]]
    number = fresh_sim.api("/x/web-interface/popular/series/list")["data"]["list"][0]["number"]
    assert fresh_sim.control("/advance_day", {"days": 1}).json()["day"] == 1
    assert [i["bvid"] for i in popular_all(fresh_sim)] != popular
    assert [i["bvid"] for i in fresh_sim.api(RANKING, rid=0)["data"]["list"]] != ranking
    report = fresh_sim.control("/advance_day", {"days": 7}).json()
    assert report["day"] == 8
    newest = fresh_sim.api("/x/web-interface/popular/series/list")["data"]["list"][0]["number"]
    assert newest in (number + 1, number + 2) and report["weekly_number"] == newest


def test_feed_requires_wbi_and_buvid3(module_sim: Sim) -> None:
    me = module_sim.user(10001)
    for params in ({"ps": 12}, module_sim.signed(ps=12) | {"w_rid": "f" * 32}):
        response = module_sim.get(FEED, me, params=params)
        body = response.json()
        assert body["code"] == -352 and body["data"]["v_voucher"].startswith("voucher_")
        assert response.headers["x-bili-gaia-vvoucher"] == body["data"]["v_voucher"]
    no_buvid = {k: v for k, v in me.items() if k != "buvid3"}
    assert module_sim.api(FEED, no_buvid, **module_sim.signed(ps=12))["code"] == -352


def test_feed_items_adverts_and_taste(module_sim: Sim) -> None:
    me = module_sim.user(10001)
    mine: list[dict[str, Any]] = []
    for fresh in range(1, 7):
        data = module_sim.api(FEED, me, **module_sim.signed(ps=12, fresh_idx=fresh))["data"]
        assert data["mid"] == 10001 and len(data["item"]) == 12
        assert data["business_card"] is None and data["side_bar_column"] == []
        mine += data["item"]
    assert len({i["id"] for i in mine}) > 60  # every call brings new items
    gotos = {i["goto"] for i in mine}
    assert gotos <= {"av", "live"} and "live" in gotos
    ads = [i for i in mine if i["business_info"] is not None]
    assert ads and all(i["goto"] == "av" for i in ads)
    live = next(i for i in mine if i["goto"] == "live")
    assert live["stat"] is None and live["room_info"]["room_id"] == live["id"]
    av = next(i for i in mine if i["goto"] == "av" and i["business_info"] is None)
    assert set(av["stat"]) == {"view", "like", "danmaku", "vt"}
    assert "reason_type" in av["rcmd_reason"]
    anon: list[dict[str, Any]] = []
    for fresh in range(1, 7):
        data = module_sim.api(FEED, {"buvid3": BUVID3}, **module_sim.signed(ps=12, fresh_idx=fresh))
        assert data["data"]["mid"] == 0
        anon += data["data"]["item"]

    def mean_relevance(items: list[dict[str, Any]]) -> float:
        bvids = [i["bvid"] for i in items if i["goto"] == "av"]
        rel = module_sim.control("/truth/10001/relevance", {"bvids": bvids}).json()["relevance"]
        return statistics.mean(rel.values())

    assert mean_relevance(mine) > mean_relevance(anon) + 0.1


def test_control_world_truth_relevance(module_sim: Sim) -> None:
    summary = module_sim.control("/world", method="GET").json()
    assert summary["videos"] == 6000 and summary["users"] == 5 and summary["day"] == 0
    assert isinstance(summary["weekly_number"], int) and summary["popular_size"] == 200
    truth = module_sim.control("/truth/10002", method="GET").json()
    assert len(truth["future"]) == 50 and truth["topics"]
    assert set(truth) >= {"future", "topics", "authors", "quality_taste", "tids"}
    rel = module_sim.control("/truth/10002/relevance",
                            {"bvids": truth["future"][:3] + ["BV1xx411c7mD"]}).json()
    values = rel["relevance"]
    assert all(0 <= values[b] <= 1 for b in truth["future"][:3])
    assert values["BV1xx411c7mD"] is None
    assert module_sim.control("/truth/99", method="GET").status_code == 404
    assert module_sim.control("/truth/10001/relevance", {"bvids": "x"}).status_code == 400
    assert module_sim.control("/advance_day", {"days": 0}).status_code == 400
    assert module_sim.control("/users", method="GET").json()[0]["mid"] == 10001
