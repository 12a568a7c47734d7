"""The whole refresh chain in a real Celery worker process (sync → train → score), queued
by the web over real HTTP, against the simulated world: log in once, come back to picks."""

import re
import time

import pytest

from tests.support import wait_for
from tests.web.helpers import log_in

BVID = re.compile(r"BV1[1-9A-HJ-NP-Za-km-z]{9}")


def _status(http, web):
    return http.get(f"{web.url}/api/status", timeout=10).json()


@pytest.mark.integration
def test_login_sync_train_score_gives_picks(web, sim, store, celery_worker):
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    states = set()

    def ready():
        status = _status(http, web)
        states.add(status["state"])
        # The status that said ready (a detail backfill run may already be under way:
        # the state stays ready then, see the next test).
        return status if status["state"] == "ready" else None

    status = wait_for(ready, timeout_s=240, what="the first picks")
    assert states & {"syncing", "training", "scoring"}  # progress was shown on the way
    assert status["picks_date"] and status["last_refresh"]
    assert status["progress"] == 1.0 or status["message"].startswith("后台更新中：")
    picks = http.get(f"{web.url}/api/picks", timeout=10).json()
    assert picks["date"] == status["picks_date"]
    watched = {e.bvid for e in store.events.all(mid) if e.kind != "shown"}
    for section, sources in (("hot", {"hot", "weekly", "ranking"}),
                             ("explore", {"related", "feed", "following"})):
        assert len(picks[section]) == 20, section
        authors: dict[int, int] = {}
        for pick in picks[section]:
            assert BVID.fullmatch(pick["bvid"]) and pick["bvid"] not in watched
            assert pick["source"] in sources and 0 <= pick["rating"] <= 100
            assert pick["reasons"] and all(isinstance(r, str) and r for r in pick["reasons"])
            authors[pick["author"]["mid"]] = authors.get(pick["author"]["mid"], 0) + 1
        assert max(authors.values()) <= 2
    assert not set(p["bvid"] for p in picks["hot"]) & set(p["bvid"] for p in picks["explore"])
    profile = http.get(f"{web.url}/api/profile", timeout=10).json()
    assert profile["events"] > 100 and profile["model"] is not None and profile["tags"]

    # A manual refresh: a newer generated_at once the state is ready again.
    headers = {"X-CSRF-Token": session["csrf_token"]}
    wait_for(lambda: not store.locks.held(mid), timeout_s=240, what="backfill runs to end")
    before = http.get(f"{web.url}/api/picks", timeout=10).json()["generated_at"]
    assert http.post(f"{web.url}/api/refresh", headers=headers, timeout=10).status_code == 202
    wait_for(lambda: not store.locks.held(mid), timeout_s=240, what="the manual refresh")
    after = http.get(f"{web.url}/api/picks", timeout=10).json()
    assert _status(http, web)["state"] == "ready" and after["generated_at"] > before


def test_dead_login_marks_user_expired_and_keeps_data(web, sim, store, celery_worker):
    users = sim("GET", "/users").json()
    mid = users[1]["mid"]
    http, session = log_in(web.url, sim, mid=mid)
    store.redis.set(f"user:{mid}:picks:2026-11-27", b"{}")
    assert sim("POST", "/session/expire", json={"mid": mid}).ok
    wait_for(lambda: _status(http, web)["state"] == "login_expired", timeout_s=60,
             what="login_expired")
    status = _status(http, web)
    assert status["next_refresh"] is None and "扫码" in status["message"]
    assert not store.users.is_active(mid)
    assert store.redis.exists(f"user:{mid}:picks:2026-11-27")
    assert not store.locks.held(mid)


@pytest.mark.integration
def test_ready_holds_while_details_are_backfilled_and_refreshed(web, sim, store, celery_worker):
    """docs/api.md: ``ready`` means picks exist, even while older videos' details are still
    being fetched. Every status seen after the first picks — the backfill runs that
    follow them, then a manual refresh — says ready, and the picks stay readable."""
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    wait_for(lambda: _status(http, web)["state"] == "ready", timeout_s=240,
             what="the first picks")
    seen: list[dict] = []  # every status read, from /api/status and from the store

    def observe() -> bool:
        """One observation; True once no refresh holds the user and the status is idle."""
        status = _status(http, web)
        stored = store.status.get(mid)
        code = http.get(f"{web.url}/api/picks", timeout=10).status_code
        seen.append({**status, "picks": code, "step": None})
        seen.append({"state": stored.state, "progress": stored.progress,
                     "message": stored.message, "picks": code, "step": stored.step})
        return not store.locks.held(mid) and stored.step == "" and status["progress"] == 1.0

    def settled() -> bool:
        # The end of one run and the start of the next backfill are two writes apart:
        # idle only counts when it lasts.
        return observe() and (time.sleep(1.0) or observe())

    wait_for(settled, timeout_s=300, what="the backfill runs to end")
    asked_at = len(seen)
    before = http.get(f"{web.url}/api/picks", timeout=10).json()["generated_at"]
    headers = {"X-CSRF-Token": session["csrf_token"]}
    answer = http.post(f"{web.url}/api/refresh", headers=headers, timeout=10)
    assert answer.status_code == 202 and answer.json()["state"] == "ready"
    wait_for(settled, timeout_s=240, what="the manual refresh")

    running = [s for s in seen if s["progress"] < 1.0]
    assert [s for s in seen[:asked_at] if s["progress"] < 1.0], "no backfill run was seen"
    assert [s for s in seen[asked_at:] if s["progress"] < 1.0], "no manual refresh was seen"
    steps = {s["step"] for s in running if s["step"] is not None}
    assert "syncing" in steps, steps
    # Training and scoring take a fraction of a second, too short to be sure of catching
    # by polling: new picks say the refresh got that far.
    assert http.get(f"{web.url}/api/picks", timeout=10).json()["generated_at"] > before
    assert {s["state"] for s in seen} == {"ready"}
    assert {s["picks"] for s in seen} == {200}  # the picks stay readable throughout
    assert all(s["message"].startswith("后台更新中：") for s in running), running[:3]
