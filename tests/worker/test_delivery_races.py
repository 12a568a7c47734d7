"""Logout against the 稍后再看 delivery and the cookie rotation (issue 15 item 7), through a
real Celery worker, the web over real HTTP and the simulator, with the simulator holding
one request (a "slow" fault) so the race happens every time:

- a logout while the delivery is running leaves nothing behind: no entry of ours in the
  user's list, no key naming the user;
- a new login while the worker takes a logout's entries back is not logged out at
  bilibili, and the user's data stays;
- a worker killed between cookie/refresh and confirm/refresh has kept the new login."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests
from celery import Celery

from bilibili.cookie_refresh import CookieRefresher
from bilibili.http import Hosts, Transport
from store import Store, keys
from tests.support import ServerThread, log_in_directly, start_worker, stop_worker, wait_for
from tests.worker.test_delivery_errors import DAY, listed, setup
from web.queue import TaskQueue
from worker import delivery

LIST = "/x/v2/history/toview"
DEL = "/x/v2/history/toview/del"
CONFIRM = "/x/passport-login/web/confirm/refresh"


@pytest.fixture
def web_of(private_settings, private_sim) -> Iterator:
    from web import create_app

    servers: list[ServerThread] = []

    def start(settings):
        servers.append(ServerThread(create_app(settings)))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def count(control, path: str) -> int:
    return control("GET", "/counters").json()["by_path"].get(path, 0)


def succeeded(proc, task: str) -> bool:
    return any(f"Task {task}[" in line and " succeeded " in line for line in list(proc.output))


def log_out(web_url: str, store: Store, mid: int) -> requests.Response:
    session = store.sessions.create(mid)
    return requests.post(f"{web_url}/api/logout", cookies={"bilirec_session": session.sid},
                         headers={"X-CSRF-Token": session.csrf_token}, timeout=10)


def alive_at_bilibili(settings, cookies: dict[str, str]) -> bool:
    doc = requests.get(f"{settings.api_base}/x/web-interface/nav", cookies=cookies,
                       timeout=10).json()
    return doc["code"] == 0


def user_keys(store: Store, mid: int) -> list[bytes]:
    return list(store.redis.scan_iter(match=f"user:{mid}*"))


@pytest.mark.integration
def test_logout_during_delivery_leaves_nothing_behind(
    private_settings, private_sim, store, web_of,
):
    settings, control = private_settings, private_sim
    mid = 10001
    setup(private_settings, private_sim, store, mid, count=3)
    own = listed(control, mid)
    web = web_of(settings)
    # The delivery's list read is held 2 s: the logout comes while it runs, before any
    # entry of ours is recorded (the web then saw nothing to take back).
    control("POST", "/fault", json={"path": LIST, "kind": "slow", "seconds": 2, "count": 1})
    worker = start_worker(settings, "sync_first,sync")
    try:
        Celery("test", broker=settings.redis_url).send_task(
            "bilirec.deliver_user", args=[mid, DAY], queue="sync")
        wait_for(lambda: count(control, LIST) >= 1, what="the delivery's list read")
        assert log_out(web.url, store, mid).status_code == 204
        wait_for(lambda: succeeded(worker, "bilirec.deliver_user"), what="the delivery's end")
        wait_for(lambda: not user_keys(store, mid), timeout_s=30, what="the user forgotten")
    finally:
        stop_worker(worker)
    assert sorted(listed(control, mid)) == sorted(own)  # nothing of ours left in the list
    assert not user_keys(store, mid) and mid not in store.users.active_mids()
    assert count(control, "/x/v2/history/toview/add") == 0


@pytest.mark.integration
def test_a_new_login_during_logout_is_not_logged_out(
    private_settings, private_sim, store, web_of,
):
    settings, control = private_settings, private_sim
    mid = 10002
    ctx, _, _ = setup(private_settings, private_sim, store, mid, count=3)
    own = listed(control, mid)
    ours = delivery.deliver(ctx, mid, DAY).added
    assert len(ours) == 3
    web = web_of(settings)
    # Each removal takes a second: the user logs in again while the worker removes.
    control("POST", "/fault", json={"path": DEL, "kind": "slow", "seconds": 1, "count": -1})
    worker = start_worker(settings, "sync_first")
    try:
        assert log_out(web.url, store, mid).status_code == 204
        wait_for(lambda: count(control, DEL) >= 1, what="the first removal")
        log_in_directly(settings, control, store, mid)  # as the web's login stores it
        new = store.credentials.load(mid)
        wait_for(lambda: succeeded(worker, "bilirec.logout_user"), timeout_s=30,
                 what="the logout task's end")
    finally:
        stop_worker(worker)
    assert alive_at_bilibili(settings, new.cookies)  # the new login was not ended
    assert store.users.is_active(mid) and store.users.get(mid) is not None
    assert store.credentials.load(mid) == new and store.leaving.token(mid) is None
    # The removals stopped at the new login; what is left is still known as ours.
    left = [a.bvid for a in store.toview.added(mid)]
    assert left and set(left) <= set(ours)
    assert set(own) <= set(listed(control, mid))


@pytest.mark.integration
def test_worker_killed_before_confirm_keeps_the_new_login(
    private_settings, private_sim, store,
):
    settings, control = private_settings, private_sim
    # A long HTTP timeout: the worker is still waiting for confirm/refresh when killed.
    settings = replace(settings, http_timeout_s=30.0, first_sync_metadata=0,
                       metadata_per_sync=0)
    mid = log_in_directly(settings, control, store, 10003)
    old = store.credentials.load(mid)
    assert control("POST", "/session/needs_refresh", json={"mid": mid}).ok
    control("POST", "/fault", json={"path": CONFIRM, "kind": "slow", "seconds": 20,
                                    "count": 1})
    worker = start_worker(settings, "sync_first,sync")
    try:
        TaskQueue(settings.redis_url).refresh_user(mid, store.locks.acquire(mid))
        wait_for(lambda: count(control, CONFIRM) >= 1, timeout_s=60,
                 what="confirm/refresh sent")
        os.killpg(worker.pid, signal.SIGKILL)  # cookie/refresh answered; confirm not yet
        worker.wait(10)
    finally:
        if worker.poll() is None:
            stop_worker(worker)
    saved = store.credentials.load(mid)
    assert saved.refresh_token != old.refresh_token  # the spent one was not kept
    assert alive_at_bilibili(settings, saved.cookies)
    # And the saved refresh_token is the live one: the next rotation works with it.
    control("DELETE", "/fault")
    refresher = CookieRefresher(Transport(
        Hosts(settings.api_base, settings.passport_base, settings.www_base), timeout_s=5))
    fresh = refresher.refresh(saved.cookies, saved.refresh_token)
    assert alive_at_bilibili(settings, fresh.cookies)


def test_a_logout_that_cannot_be_queued_answers_503_and_changes_nothing(
    private_settings, private_sim, store,
):
    """The broker refuses the logout task: the user stays logged in, nothing half-done
    (before: logged out here, data kept under a mark nothing would ever finish)."""
    from web import create_app

    settings, control = private_settings, private_sim
    mid = log_in_directly(settings, control, store, 10004)
    store.toview.record_added(mid, 170001, "BV17x411w7KC", DAY)  # something to take back
    app = create_app(settings)
    dead = TaskQueue("redis://127.0.0.1:1/0")  # nothing listens on port 1
    app.extensions["bilirec"] = replace(app.extensions["bilirec"], queue=dead)
    web = ServerThread(app)
    try:
        session = store.sessions.create(mid)
        cookies = {"bilirec_session": session.sid}
        resp = requests.post(f"{web.url}/api/logout", cookies=cookies, timeout=30,
                             headers={"X-CSRF-Token": session.csrf_token})
        assert resp.status_code == 503 and resp.json()["error"]
        assert requests.get(f"{web.url}/api/status", cookies=cookies,
                            timeout=10).status_code == 200  # still logged in
    finally:
        web.stop()
    assert store.users.is_active(mid) and store.leaving.token(mid) is None
    assert [a.aid for a in store.toview.added(mid)] == [170001]


def test_unreadable_credentials_do_not_stop_a_logout(
    private_settings, private_sim, store, web_of,
):
    settings, control = private_settings, private_sim
    mid = log_in_directly(settings, control, store, 10005)
    # Decrypts, but is no stored login (a StoredValueError, not a DecryptionError).
    store.redis.set(keys.credentials(mid), store.credentials._cipher.encrypt(b"[1, 2"))
    web = web_of(settings)
    assert log_out(web.url, store, mid).status_code == 204
    assert not user_keys(store, mid) and mid not in store.users.active_mids()


class HeldReceiver:
    """A loopback webhook that holds each message until released."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.arrived, self.release = threading.Event(), threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.arrived.set()
                outer.release.wait(20)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()


@pytest.mark.integration
def test_logout_while_the_morning_message_is_sent_leaves_nothing(
    private_settings, private_sim, store, web_of,
):
    from store.push import PushTarget

    settings = private_settings
    settings = replace(settings, push_timeout_s=20.0, push_allow_private=True)
    mid = 10003
    setup(private_settings, private_sim, store, mid)
    store.toview.save_settings(mid, enabled=False)
    receiver = HeldReceiver()
    store.push.save(mid, PushTarget("json", f"{receiver.url}/hook", "http://127.0.0.1/"))
    web = web_of(settings)
    worker = start_worker(settings, "sync_first,sync,push")
    try:
        Celery("test", broker=settings.redis_url).send_task(
            "bilirec.deliver_user", args=[mid, DAY], queue="sync")
        assert receiver.arrived.wait(30)
        assert log_out(web.url, store, mid).status_code == 204
        assert not user_keys(store, mid)
        receiver.release.set()
        wait_for(lambda: succeeded(worker, "bilirec.push_picks"), what="the push's end")
    finally:
        stop_worker(worker)
        receiver.stop()
    assert not user_keys(store, mid)  # before: the push result and the day sent stayed


def test_a_rotation_during_a_pending_logout_updates_its_snapshot(
    private_settings, private_sim, store,
):
    """A refresh step already running when logout began may rotate the cookies: the
    logout's snapshot follows, or its removals would go out with a spent login."""
    from worker.context import context_for
    from worker.cookies import load_credentials, revive

    settings, control = private_settings, private_sim
    mid = log_in_directly(settings, control, store, 10005)
    token = store.begin_leaving(mid)
    ctx = context_for(settings)
    fresh = revive(ctx, mid, load_credentials(ctx, mid))
    snapshot = store.leaving.credentials(mid)
    assert snapshot.refresh_token == fresh.refresh_token
    assert alive_at_bilibili(settings, snapshot.cookies)
    assert store.leaving.token(mid) == token
