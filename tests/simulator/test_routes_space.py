"""Followings (§15.1) and an UP主's uploads (§15.2) over HTTP, and how follows shape
what a simulated user watches."""

from __future__ import annotations

import re

import pytest

from simulator.world import World

from .conftest import BUVID3, Sim

FOLLOWINGS = "/x/relation/followings"
ARC = "/x/space/wbi/arc/search"


@pytest.fixture(scope="module")
def me(module_sim: Sim) -> dict[str, str]:
    return module_sim.user(10001)


def all_followings(fresh_sim: Sim, cookies: dict[str, str], vmid: int) -> tuple[list[dict], int]:
    items, pn = [], 1
    while True:
        body = fresh_sim.api(FOLLOWINGS, cookies, vmid=vmid, pn=pn, ps=50)
        assert body["code"] == 0, body
        page = body["data"]["list"]
        if not page:
            return items, body["data"]["total"]
        assert len(page) <= 50
        items += page
        pn += 1


def test_own_followings_page_completely_newest_follow_first(module_sim: Sim, me: dict) -> None:
    items, total = all_followings(module_sim, me, 10001)
    assert MIN_FOLLOWS <= total <= 150 and len(items) == total
    assert len({i["mid"] for i in items}) == total
    times = [i["mtime"] for i in items]
    assert times == sorted(times, reverse=True)
    first = items[0]
    assert {"mid", "attribute", "mtime", "tag", "special", "uname", "face", "sign",
            "official_verify", "vip"} <= set(first)
    assert first["attribute"] == 2 and isinstance(first["uname"], str) and first["uname"]
    # ps above 50 is clamped, not refused
    body = module_sim.api(FOLLOWINGS, me, vmid=10001, ps=100)
    assert len(body["data"]["list"]) == min(50, total)


MIN_FOLLOWS = 20


def test_someone_elses_list_shows_the_first_100_then_empty_pages(module_sim: Sim) -> None:
    viewer = module_sim.user(10002)
    own, total = all_followings(module_sim, module_sim.user(10003), 10003)
    seen, reported = all_followings(module_sim, viewer, 10003)
    assert reported == total
    assert [i["mid"] for i in seen] == [i["mid"] for i in own][:100]
    if total > 100:
        body = module_sim.api(FOLLOWINGS, viewer, vmid=10003, pn=3, ps=50)
        assert body["code"] == 0 and body["data"]["list"] == []


def test_hidden_followings_and_login(module_sim: Sim, me: dict) -> None:
    assert module_sim.api(FOLLOWINGS, me, vmid=10005)["code"] == 22115
    # the owner still sees their own list
    assert module_sim.api(FOLLOWINGS, module_sim.user(10005), vmid=10005)["code"] == 0
    assert module_sim.api(FOLLOWINGS, {"buvid3": BUVID3}, vmid=10001)["code"] == -101


def test_arc_search_needs_wbi_and_lists_newest_first(module_sim: Sim, me: dict) -> None:
    up = module_sim.api(FOLLOWINGS, me, vmid=10001)["data"]["list"][0]["mid"]
    unsigned = module_sim.api(ARC, me, mid=up)
    assert unsigned["code"] == -352 and unsigned["data"]["v_voucher"].startswith("voucher_")
    body = module_sim.api(ARC, me, **module_sim.signed(mid=up, ps=50))
    assert body["code"] == 0, body
    data = body["data"]
    vlist = data["list"]["vlist"]
    assert data["page"]["count"] >= len(vlist) > 0
    created = [v["created"] for v in vlist]
    assert created == sorted(created, reverse=True)
    for v in vlist:
        assert v["mid"] == up and re.fullmatch(r"\d{2,}:\d{2}", v["length"])
        assert v["copyright"] in ("1", "2") and v["bvid"].startswith("BV1")
        minutes, seconds = map(int, v["length"].split(":"))
        assert 0 < minutes * 60 + seconds
    assert sum(z["count"] for z in data["list"]["tlist"].values()) == data["page"]["count"]
    # anonymous (device cookie only) works too; an unknown mid is -404
    assert module_sim.api(ARC, {"buvid3": BUVID3}, **module_sim.signed(mid=up))["code"] == 0
    assert module_sim.api(ARC, me, **module_sim.signed(mid=1))["code"] == -404
    assert module_sim.api(ARC, me, **module_sim.signed(mid=10001))["data"]["list"]["vlist"] == []


def test_arc_search_answers_352_through_the_fault_hook(fresh_sim: Sim) -> None:
    me = fresh_sim.user(10001)
    up = fresh_sim.api(FOLLOWINGS, me, vmid=10001)["data"]["list"][0]["mid"]
    fault = {"path": ARC, "kind": "code", "code": -352, "count": 1}
    assert fresh_sim.control("/fault", fault).status_code == 200
    assert fresh_sim.api(ARC, me, **fresh_sim.signed(mid=up))["code"] == -352
    assert fresh_sim.api(ARC, me, **fresh_sim.signed(mid=up))["code"] == 0


def test_followed_up_upload_as_days_pass_and_are_watched_more() -> None:
    world = World(1, 6000, 3)
    before = {mid: len(world.user(mid).history) for mid in (10001, 10002, 10003)}
    world.advance(4)
    followed_new = watched_from_followed = watched = 0
    finished = {True: [0, 0], False: [0, 0]}
    for mid in (10001, 10002, 10003):
        u = world.user(mid)
        followed_new += sum(1 for v in world.cat.videos[world.n_base:] if v.author in u.follows)
        for w in u.history[before[mid]:]:
            if w.vidx < 0:
                continue
            is_followed = world.cat.videos[w.vidx].author in u.follows
            watched += 1
            watched_from_followed += is_followed
            finished[is_followed][0] += w.progress == -1
            finished[is_followed][1] += 1
    assert followed_new > 0
    share_of_authors = sum(len(world.user(m).follows) for m in (10001, 10002, 10003)) / (
        3 * len(world.cat.authors))
    # A followed UP主's videos are watched far more often than their share of UP主 says…
    assert watched_from_followed / watched > 2 * share_of_authors
    # … and finished more often.
    rate = {k: f / n for k, (f, n) in finished.items() if n}
    assert rate[True] > rate[False]
