"""The whole refresh chain in a real Celery worker process (sync → train → score), queued
by the web over real HTTP, against the simulated world: log in once, come back to picks."""

import re

import pytest

from tests.conftest import wait_for
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
        # The status that said ready (a detail backfill run may start right after).
        return status if status["state"] == "ready" else None

    status = wait_for(ready, timeout_s=240, what="the first picks")
    assert states & {"syncing", "training", "scoring"}  # progress was shown on the way
    assert status["picks_date"] and status["last_refresh"] and status["progress"] == 1.0
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
