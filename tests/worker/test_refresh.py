"""The refresh chain in a real Celery worker process, queued by the web over real HTTP."""

from tests.conftest import wait_for
from tests.web.helpers import log_in


def _status(http, web):
    return http.get(f"{web.url}/api/status", timeout=10).json()


def test_worker_picks_up_the_first_refresh(web, sim, store, celery_worker):
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    wait_for(lambda: not store.locks.held(mid), what="the worker to finish the refresh")
    status = _status(http, web)
    assert status["state"] == "queued" and status["message"] == "已确认登录，等待同步"
    # The worker called bilibili with the user's cookies (nav), counted for that user.
    counters = sim("GET", "/counters").json()
    assert counters["by_user"].get(str(mid), 0) >= 1


def test_second_refresh_is_queued_after_the_first_finished(web, sim, store, celery_worker):
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    wait_for(lambda: not store.locks.held(mid), what="the first refresh")
    headers = {"X-CSRF-Token": session["csrf_token"]}
    resp = http.post(f"{web.url}/api/refresh", headers=headers, timeout=10)
    assert resp.status_code == 202 and resp.json()["state"] == "queued"
    wait_for(lambda: not store.locks.held(mid), what="the second refresh")


def test_dead_login_marks_user_expired_and_keeps_data(web, sim, store, celery_worker):
    users = sim("GET", "/users").json()
    mid = users[1]["mid"]
    # Log in, then let bilibili kill the session before the worker checks it.
    http, session = log_in(web.url, sim, mid=mid)
    wait_for(lambda: not store.locks.held(mid), what="the first refresh")
    store.redis.set(f"user:{mid}:picks:2026-11-27", b"{}")
    assert sim("POST", "/session/expire", json={"mid": mid}).ok
    headers = {"X-CSRF-Token": session["csrf_token"]}
    assert http.post(f"{web.url}/api/refresh", headers=headers, timeout=10).status_code == 202
    wait_for(lambda: _status(http, web)["state"] == "login_expired", what="login_expired")
    status = _status(http, web)
    assert status["next_refresh"] is None and "扫码" in status["message"]
    assert not store.users.is_active(mid)
    assert store.redis.exists(f"user:{mid}:picks:2026-11-27")
