"""Watch later (§14) over HTTP: list shapes, add/del/clear with csrf, 90001 at the cap,
90003 for unknown or deleted videos, faults, and the test hooks."""

from __future__ import annotations

from typing import Any

from .conftest import Sim

LIST = "/x/v2/history/toview"
ADD = "/x/v2/history/toview/add"
DEL = "/x/v2/history/toview/del"
CLEAR = "/x/v2/history/toview/clear"


def listing(sim: Sim, cookies: dict[str, str]) -> dict[str, Any]:
    body = sim.api(LIST, cookies)
    assert body["code"] == 0, body
    return body["data"]


def write(sim: Sim, path: str, cookies: dict[str, str], **form: Any) -> dict[str, Any]:
    form.setdefault("csrf", cookies.get("bili_jct", ""))
    response = sim.post(path, cookies, data=form)
    assert response.status_code == 200
    return response.json()


def unwatched_video(sim: Sim, mid: int, skip: set[str] = frozenset()) -> str:
    future = sim.control(f"/truth/{mid}?k=40", method="GET").json()["future"]
    return next(b for b in future if b not in skip)


def aid_of(sim: Sim, bvid: str) -> int:
    return sim.api("/x/web-interface/view", bvid=bvid)["data"]["aid"]


def test_user_has_own_entries_in_the_documented_shape(sim: Sim) -> None:
    me = sim.user(10001)
    data = listing(sim, me)
    assert 3 <= data["count"] == len(data["list"]) <= 6
    item = data["list"][0]
    for key in ("aid", "bvid", "title", "owner", "stat", "pic", "duration", "state", "page",
                "count", "progress", "add_at", "cid"):
        assert key in item
    assert item["owner"]["mid"] and item["progress"] == 0
    times = [i["add_at"] for i in data["list"]]
    assert times == sorted(times, reverse=True)
    web = sim.api(LIST + "/web", me, ps=2)["data"]
    assert web["count"] == data["count"] and len(web["list"]) == 2
    assert {"viewed", "seq", "pages", "uri"} <= set(web["list"][0])


def test_add_del_clear_with_csrf(sim: Sim) -> None:
    me = sim.user(10002)
    before = listing(sim, me)
    bvid = unwatched_video(sim, 10002, {i["bvid"] for i in before["list"]})
    aid = aid_of(sim, bvid)
    # No csrf, a wrong csrf, and no login are refused before anything changes.
    assert write(sim, ADD, me, aid=aid, csrf="")["code"] == -111
    assert write(sim, ADD, me, aid=aid, csrf="0" * 32)["code"] == -111
    assert write(sim, ADD, {"buvid3": me["buvid3"]}, aid=aid, csrf="x")["code"] == -101
    assert listing(sim, me)["count"] == before["count"]

    ok = write(sim, ADD, me, aid=aid)
    assert ok == {"code": 0, "message": "0", "ttl": 1}  # writes answer without data
    after = listing(sim, me)
    assert after["count"] == before["count"] + 1 and after["list"][0]["bvid"] == bvid
    first_add = after["list"][0]["add_at"]
    assert write(sim, ADD, me, bvid=bvid)["code"] == 0  # again: no change
    again = listing(sim, me)
    assert again["count"] == after["count"] and again["list"][0]["add_at"] == first_add
    hook = sim.control("/user/10002/toview", method="GET").json()["list"]
    assert hook[0] == {"aid": aid, "bvid": bvid, "add_at": first_add}

    assert write(sim, ADD, me)["code"] == -400
    assert write(sim, ADD, me, aid="x1")["code"] == -400
    assert write(sim, DEL, me)["code"] == -400
    assert write(sim, DEL, me, aid=aid)["code"] == 0
    assert listing(sim, me)["count"] == before["count"]
    assert write(sim, DEL, me, aid=aid)["code"] == 0  # not listed: still 0
    assert write(sim, CLEAR, me, csrf="bad")["code"] == -111
    assert write(sim, CLEAR, me)["code"] == 0
    assert listing(sim, me) == {"count": 0, "list": []}


def test_unknown_or_deleted_video_is_90003(sim: Sim) -> None:
    me = sim.user(10003)
    assert write(sim, ADD, me, aid=999_999_999_999)["code"] == 90003
    world = sim.state.world
    deleted = next(v for v in world.cat.videos if v.status != "ok")
    assert write(sim, ADD, me, aid=deleted.aid)["code"] == 90003


def test_full_list_is_90001_and_viewed_drops_watched(sim: Sim) -> None:
    me = sim.user(10004)
    assert sim.control("/user/10004/toview/fill", {"size": 100}).json() == {"count": 100}
    listed = {i["bvid"] for i in listing(sim, me)["list"]}
    bvid = unwatched_video(sim, 10004, listed)
    body = write(sim, ADD, me, bvid=bvid)
    assert body["code"] == 90001 and body["message"]
    assert listing(sim, me)["count"] == 100
    # The user watches one of their entries; del viewed=true drops exactly that one.
    watched = sorted(listed)[0]
    assert sim.control("/user/10004/watch", {"bvid": watched}).ok
    assert write(sim, DEL, me, viewed="true")["code"] == 0
    left = {i["bvid"] for i in listing(sim, me)["list"]}
    assert left == listed - {watched}


def test_watch_hook_shows_progress_and_fault_hook_forces_codes(sim: Sim) -> None:
    me = sim.user(10001)
    entry = listing(sim, me)["list"][0]
    assert sim.control("/user/10001/watch", {"bvid": entry["bvid"]}).ok
    assert listing(sim, me)["list"][0]["progress"] == -1
    history = sim.api("/x/v2/history", me, ps=1)["data"]
    assert history[0]["bvid"] == entry["bvid"]
    assert sim.control("/user/10001/favourite", {"bvid": entry["bvid"]}).ok
    assert sim.api("/x/v2/fav/video/favoured", me, aid=entry["aid"])["data"]["favoured"]

    sim.control("/fault", {"path": ADD, "kind": "code", "code": -101, "count": 1})
    assert write(sim, ADD, me, aid=entry["aid"])["code"] == -101
    assert write(sim, ADD, me, aid=entry["aid"])["code"] == 0
    assert sim.control("/user/99/toview", method="GET").status_code == 404
    assert sim.control("/user/10001/watch", {"bvid": "nope"}).status_code == 400
