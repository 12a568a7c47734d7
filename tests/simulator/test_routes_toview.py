"""Watch later (§14) over HTTP: list shapes, add/del/clear with csrf, 90001 at the cap,
90003 for unknown or deleted videos, faults, and the test hooks."""

from __future__ import annotations

from typing import Any

from .conftest import Sim

LIST = "/x/v2/history/toview"
ADD = "/x/v2/history/toview/add"
DEL = "/x/v2/history/toview/del"
CLEAR = "/x/v2/history/toview/clear"


def listing(fresh_sim: Sim, cookies: dict[str, str]) -> dict[str, Any]:
    body = fresh_sim.api(LIST, cookies)
    assert body["code"] == 0, body
    return body["data"]


def write(fresh_sim: Sim, path: str, cookies: dict[str, str], **form: Any) -> dict[str, Any]:
    form.setdefault("csrf", cookies.get("bili_jct", ""))
    response = fresh_sim.post(path, cookies, data=form)
    assert response.status_code == 200
    return response.json()


def unwatched_video(fresh_sim: Sim, mid: int, skip: set[str] = frozenset()) -> str:
    future = fresh_sim.control(f"/truth/{mid}?k=40", method="GET").json()["future"]
    return next(b for b in future if b not in skip)


def aid_of(fresh_sim: Sim, bvid: str) -> int:
    return fresh_sim.api("/x/web-interface/view", bvid=bvid)["data"]["aid"]


def test_user_has_own_entries_in_the_documented_shape(fresh_sim: Sim) -> None:
    me = fresh_sim.user(10001)
    data = listing(fresh_sim, me)
    assert 3 <= data["count"] == len(data["list"]) <= 6
    item = data["list"][0]
    for key in ("aid", "bvid", "title", "owner", "stat", "pic", "duration", "state", "page",
                "count", "progress", "add_at", "cid"):
        assert key in item
    assert item["owner"]["mid"] and item["progress"] == 0
    times = [i["add_at"] for i in data["list"]]
    assert times == sorted(times, reverse=True)
    web = fresh_sim.api(LIST + "/web", me, ps=2)["data"]
    assert web["count"] == data["count"] and len(web["list"]) == 2
    assert {"viewed", "seq", "pages", "uri"} <= set(web["list"][0])


def test_add_del_clear_with_csrf(fresh_sim: Sim) -> None:
    me = fresh_sim.user(10002)
    before = listing(fresh_sim, me)
    bvid = unwatched_video(fresh_sim, 10002, {i["bvid"] for i in before["list"]})
    aid = aid_of(fresh_sim, bvid)
    # No csrf, a wrong csrf, and no login are refused before anything changes.
    assert write(fresh_sim, ADD, me, aid=aid, csrf="")["code"] == -111
    assert write(fresh_sim, ADD, me, aid=aid, csrf="0" * 32)["code"] == -111
    assert write(fresh_sim, ADD, {"buvid3": me["buvid3"]}, aid=aid, csrf="x")["code"] == -101
    assert listing(fresh_sim, me)["count"] == before["count"]

    ok = write(fresh_sim, ADD, me, aid=aid)
    assert ok == {"code": 0, "message": "0", "ttl": 1}  # writes answer without data
    after = listing(fresh_sim, me)
    assert after["count"] == before["count"] + 1 and after["list"][0]["bvid"] == bvid
    first_add = after["list"][0]["add_at"]
    assert write(fresh_sim, ADD, me, bvid=bvid)["code"] == 0  # again: no change
    again = listing(fresh_sim, me)
    assert again["count"] == after["count"] and again["list"][0]["add_at"] == first_add
    hook = fresh_sim.control("/user/10002/toview", method="GET").json()["list"]
    assert hook[0] == {"aid": aid, "bvid": bvid, "add_at": first_add}

    assert write(fresh_sim, ADD, me)["code"] == -400
    assert write(fresh_sim, ADD, me, aid="x1")["code"] == -400
    assert write(fresh_sim, DEL, me)["code"] == -400
    assert write(fresh_sim, DEL, me, aid=aid)["code"] == 0
    assert listing(fresh_sim, me)["count"] == before["count"]
    assert write(fresh_sim, DEL, me, aid=aid)["code"] == 0  # not listed: still 0
    assert write(fresh_sim, CLEAR, me, csrf="bad")["code"] == -111
    assert write(fresh_sim, CLEAR, me)["code"] == 0
    assert listing(fresh_sim, me) == {"count": 0, "list": []}


def test_unknown_or_deleted_video_is_90003(fresh_sim: Sim) -> None:
    me = fresh_sim.user(10003)
    assert write(fresh_sim, ADD, me, aid=999_999_999_999)["code"] == 90003
    world = fresh_sim.state.world
    deleted = next(v for v in world.cat.videos if v.status != "ok")
    assert write(fresh_sim, ADD, me, aid=deleted.aid)["code"] == 90003


def test_full_list_is_90001_and_viewed_drops_watched(fresh_sim: Sim) -> None:
    me = fresh_sim.user(10004)
    assert fresh_sim.control("/user/10004/toview/fill", {"size": 100}).json() == {"count": 100}
    listed = {i["bvid"] for i in listing(fresh_sim, me)["list"]}
    bvid = unwatched_video(fresh_sim, 10004, listed)
    body = write(fresh_sim, ADD, me, bvid=bvid)
    assert body["code"] == 90001 and body["message"]
    assert listing(fresh_sim, me)["count"] == 100
    # The user watches one of their entries; del viewed=true drops exactly that one.
    watched = sorted(listed)[0]
    assert fresh_sim.control("/user/10004/watch", {"bvid": watched}).ok
    assert write(fresh_sim, DEL, me, viewed="true")["code"] == 0
    left = {i["bvid"] for i in listing(fresh_sim, me)["list"]}
    assert left == listed - {watched}


def test_watch_hook_shows_progress_and_fault_hook_forces_codes(fresh_sim: Sim) -> None:
    me = fresh_sim.user(10001)
    entry = listing(fresh_sim, me)["list"][0]
    assert fresh_sim.control("/user/10001/watch", {"bvid": entry["bvid"]}).ok
    assert listing(fresh_sim, me)["list"][0]["progress"] == -1
    history = fresh_sim.api("/x/v2/history", me, ps=1)["data"]
    assert history[0]["bvid"] == entry["bvid"]
    assert fresh_sim.control("/user/10001/favourite", {"bvid": entry["bvid"]}).ok
    assert fresh_sim.api("/x/v2/fav/video/favoured", me, aid=entry["aid"])["data"]["favoured"]

    fresh_sim.control("/fault", {"path": ADD, "kind": "code", "code": -101, "count": 1})
    assert write(fresh_sim, ADD, me, aid=entry["aid"])["code"] == -101
    assert write(fresh_sim, ADD, me, aid=entry["aid"])["code"] == 0
    assert fresh_sim.control("/user/99/toview", method="GET").status_code == 404
    assert fresh_sim.control("/user/10001/watch", {"bvid": "nope"}).status_code == 400
