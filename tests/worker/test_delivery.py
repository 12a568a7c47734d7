"""稍后再看 delivery and push through a real Celery worker, the web over real HTTP and the
simulator: picks land in the simulated watch-later list; a day later the ones we added are
gone, watched or not, unless favourited, and the user's own untouched; 撤销全部 and
logout take back all of ours; a full list (90001) is handled; a loopback receiver gets the
morning message and the test message in each format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests
from celery import Celery

from settings import Settings
from store import Store, keys
from tests.support import LEAN, ServerThread, kill_worker, start_worker, wait_for
from tests.web.helpers import log_in
from tests.worker.receiver import Received, Receiver
from tests.worker.test_push import decode_2047
from worker.context import context_for


class Env:
    def __init__(self, settings: Settings, sim_url: str, web_url: str, store: Store) -> None:
        self.settings, self.sim_url, self.web_url, self.store = settings, sim_url, web_url, store
        self.worker = None
        self.queue = Celery("test", broker=settings.redis_url)

    def start(self) -> None:
        """The worker, once the test has set things up (the login's refresh waits)."""
        self.worker = start_worker(self.settings)

    def control(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.sim_url}/_sim{path}", timeout=30, **kwargs)

    def sim_list(self, mid: int) -> list[str]:
        return [i["bvid"] for i in self.control("GET", f"/user/{mid}/toview").json()["list"]]

    def login(self, mid: int) -> tuple[requests.Session, dict]:
        return log_in(self.web_url, self.control, mid=mid)

    def post(self, http, session, path: str, body: object = None) -> requests.Response:
        return http.post(f"{self.web_url}{path}", json=body or {}, timeout=10,
                         headers={"X-CSRF-Token": session["csrf_token"]})

    def settings_of(self, http) -> dict:
        return http.get(f"{self.web_url}/api/settings", timeout=10).json()

    def refreshed(self, mid: int, before: str = "") -> str:
        """Wait for picks newer than ``before`` and the end of the refresh (lock free)."""
        def done() -> str | None:
            day = self.store.picks.latest_date(mid)
            doc = self.store.picks.get(mid, day) if day else None
            if doc and doc["generated_at"] > before and not self.store.locks.held(mid):
                return doc["generated_at"]
            return None
        return wait_for(done, timeout_s=240, what="a finished refresh")

    def refresh(self, http, session, mid: int) -> str:
        before = self.store.picks.get(mid, self.store.picks.latest_date(mid))["generated_at"]
        assert self.post(http, session, "/api/refresh").status_code == 202
        return self.refreshed(mid, before)


@pytest.fixture
def env(fast_settings: Settings, store: Store) -> Iterator[Env]:
    from simulator.app import create_app
    from web import create_app as web_app

    sim = ServerThread(create_app(seed=11))
    requests.get(f"{sim.url}/_sim/world", timeout=60).raise_for_status()
    settings = replace(fast_settings, api_base=sim.url, passport_base=sim.url,
                       www_base=sim.url, push_retry_delay_s=0.05, push_timeout_s=3,
                       # The receiver is on loopback; one test message per format.
                       push_allow_private=True, push_tests_per_min=20,
                       # No video details: no backfill refresh re-making the day's picks.
                       **{**LEAN, "first_sync_metadata": 0, "metadata_per_sync": 0})
    web = ServerThread(web_app(settings))
    env = Env(settings, sim.url, web.url, store)
    try:
        yield env
    finally:
        if env.worker is not None:
            kill_worker(env.worker)
        web.stop()
        sim.stop()
        context_for.cache_clear()


def ours(store: Store, mid: int) -> list[str]:
    return [a.bvid for a in store.toview.added(mid)]


def four_added(env: Env, mid: int) -> list[str]:
    """Our 4 entries once bilibili lists them all; [] before. The record is written before
    each add request (write-ahead), so 4 records alone can precede the 4th add."""
    added = ours(env.store, mid)
    return added if len(added) == 4 and set(added) <= set(env.sim_list(mid)) else []


def top_bvids(store: Store, mid: int) -> list[str]:
    doc = store.picks.get(mid, store.picks.latest_date(mid))
    picks = sorted((p for s in ("hot", "explore") for p in doc[s]), key=lambda p: -p["rating"])
    return [p["bvid"] for p in picks]


@pytest.mark.integration
def test_toview_daily_cycle_undo_and_logout(env: Env) -> None:
    mid = 10001
    own = env.sim_list(mid)
    assert own  # the simulated user has entries of their own
    http, session = env.login(mid)
    resp = env.post(http, session, "/api/settings", {"toview": {"enabled": True, "count": 4}})
    assert resp.status_code == 200
    env.start()
    env.refreshed(mid)
    first = wait_for(lambda: four_added(env, mid), timeout_s=60, what="4 picks in 稍后再看")
    listed = env.sim_list(mid)
    assert set(first) <= set(listed) and set(own) <= set(listed)
    assert len(listed) == len(own) + 4
    # The day's best picks by rating (none of them already the user's own).
    assert set(first) == set([b for b in top_bvids(env.store, mid) if b not in own][:4])
    shown = env.settings_of(http)["toview"]
    assert shown["added"] == 4 and shown["added_at"] and shown["error"] is None
    assert {i["bvid"] for i in shown["items"]} == set(first)

    # A day later: the user watched one of ours and favourited another.
    yesterday = (dt.date.fromisoformat(env.store.toview.added(mid)[0].day)
                 - dt.timedelta(days=1)).isoformat()
    for a in env.store.toview.added(mid):
        env.store.toview.record_added(mid, a.aid, a.bvid, yesterday, at=a.added_at,
                                      title=a.title)
    watched, faved = first[0], first[1]
    assert env.control("POST", f"/user/{mid}/watch", json={"bvid": watched}).ok
    assert env.control("POST", f"/user/{mid}/favourite", json={"bvid": faved}).ok
    assert env.control("POST", "/advance_day", json={"days": 1}).ok
    env.control("POST", "/counters/reset")
    env.refresh(http, session, mid)
    second = wait_for(lambda: not set(ours(env.store, mid)) & set(first)
                      and four_added(env, mid), timeout_s=60, what="the next day")
    by_path = env.control("GET", "/counters").json()["by_path"]
    toview = {p: n for p, n in by_path.items() if p.startswith("/x/v2/history/toview")}
    # Two list reads (the sync's, for the user's own entries as a signal, and the
    # delivery's, after scoring), three removals (watched or not; the favourited one is
    # the user's now), four adds.
    assert toview == {"/x/v2/history/toview": 2, "/x/v2/history/toview/del": 3,
                      "/x/v2/history/toview/add": 4}
    print(f"\ntoview_requests_day: {sum(toview.values())} requests "
          f"(refresh: {sum(by_path.values()) - sum(toview.values())} requests)")
    listed = env.sim_list(mid)
    assert set(own) <= set(listed)  # the user's own untouched
    assert faved in listed  # theirs now: kept, and not ours any more
    assert watched not in listed  # watched, but yesterday's pick all the same: gone
    assert not set(first[2:]) & set(listed)  # ours, unwatched: gone
    assert set(second) <= set(listed)
    assert len(listed) == len(own) + 1 + 4  # at most 4 of ours at any time

    # 撤销全部: everything ours that is still there goes; the rest stays.
    assert env.post(http, session, "/api/toview/undo").status_code == 202
    wait_for(lambda: not ours(env.store, mid), timeout_s=60, what="undo")
    assert sorted(env.sim_list(mid)) == sorted([*own, faved])

    # Add again, then log out: the worker removes ours, then everything is deleted.
    env.store.redis.delete(keys.toview_delivered(mid))
    env.refresh(http, session, mid)
    wait_for(lambda: four_added(env, mid), timeout_s=60, what="re-added")
    assert len(env.sim_list(mid)) == len(own) + 1 + 4
    assert env.post(http, session, "/api/logout").status_code == 204
    assert http.get(f"{env.web_url}/api/status", timeout=10).status_code == 401
    wait_for(lambda: not list(env.store.redis.scan_iter(match=f"user:{mid}*")),
             timeout_s=60, what="the user forgotten")
    assert sorted(env.sim_list(mid)) == sorted([*own, faved])
    assert mid not in env.store.users.active_mids()


@pytest.mark.integration
def test_full_list_stops_adding_and_deletes_nothing(env: Env) -> None:
    mid = 10002
    assert env.control("POST", f"/user/{mid}/toview/fill", json={"size": 98}).ok
    own = env.sim_list(mid)
    http, session = env.login(mid)
    env.post(http, session, "/api/settings", {"toview": {"enabled": True, "count": 5}})
    env.start()
    env.refreshed(mid)
    error = wait_for(lambda: env.settings_of(http)["toview"]["error"], timeout_s=60,
                     what="the full-list error")
    assert "已满" in error
    listed = env.sim_list(mid)
    assert len(listed) == 100 and set(own) <= set(listed)
    assert len(ours(env.store, mid)) == 2 == env.settings_of(http)["toview"]["added"]


def title_of(kind: str, got: Received) -> str:
    """The message title as each format carries it."""
    if kind == "ntfy":
        return decode_2047(got.headers["Title"])
    if kind == "serverchan":
        return got.form()["title"]
    return got.json()["title"]


@pytest.mark.integration
def test_morning_message_and_test_message_in_each_format(env: Env) -> None:
    mid = 10003
    receiver = Receiver()
    kinds = {"json": "/json/SECRET0abc", "ntfy": "/ntfy/SECRET1topic", "bark": "/bark/SECRET2/",
             "serverchan": "/serverchan/SECRET3.send",
             "pushplus": "/pushplus/send?token=SECRET4xyz"}
    try:
        http, session = env.login(mid)
        for n, (kind, path) in enumerate(kinds.items()):
            resp = env.post(http, session, "/api/settings",
                            {"push": {"kind": kind, "url": receiver.url + path}})
            assert resp.status_code == 200 and "SECRET" not in resp.text
            if n == 0:  # the morning message follows the refresh
                env.start()
                env.refreshed(mid)
            else:  # each other format: that day's delivery again, as if it were its first
                env.store.redis.delete(keys.push_sent(mid))
                env.queue.send_task("bilirec.deliver_user",
                                    args=[mid, env.store.picks.latest_date(mid)], queue="sync")
            prefix = path.split("?")[0].rstrip("/")
            got = wait_for(lambda p=prefix: receiver.on(p), timeout_s=90,
                           what=f"the {kind} morning message")
            assert title_of(kind, got[0]).startswith("今日推荐") and len(got) == 1
            wait_for(lambda: (env.settings_of(http)["push"]["last"] or {}).get("ok"),
                     timeout_s=30, what="the result shown")
            assert env.post(http, session, "/api/push/test").status_code == 202
            test = wait_for(lambda p=prefix: receiver.on(p)[1:], timeout_s=30,
                            what=f"the {kind} test message")
            assert title_of(kind, test[0]).startswith("测试消息")
        # A failing target: tried three times, the failure shown on the page.
        env.post(http, session, "/api/settings",
                 {"push": {"kind": "json", "url": receiver.url + "/fail/K"}})
        assert env.post(http, session, "/api/push/test").status_code == 202
        last = wait_for(lambda: env.settings_of(http)["push"]["last"], timeout_s=30,
                        what="the failure")
        assert last["ok"] is False and "HTTP 5xx" in last["message"]
        assert len(receiver.on("/fail")) == 3
    finally:
        receiver.stop()
