"""Answers exactly as docs/api.md allows them (issue 15, item 10): times to the whole
second with the offset, 503 (never 500) when the task queue is down, the refused-account
403's shape, and Retry-After on bilibili's risk control at login."""

from __future__ import annotations

import dataclasses
import re

import requests

from store import ModelMeta
from tests.support import ServerThread
from tests.web.helpers import log_in
from web.queue import TaskQueue

WHOLE_SECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")
LOGIN_POLL = "/x/passport-login/web/qrcode/poll"


def test_times_are_whole_seconds_with_the_offset(web, sim, store):
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    store.status.set(mid, "ready", progress=1.0, picks_date="2026-11-28", refreshed=True)
    store.models.save(mid, b"w", ModelMeta(1764280800.123, 0.7, 1, 3, 3))
    # Picks written by an earlier release carry milliseconds; the answer does not.
    store.picks.save(mid, "2026-11-28", {"date": "2026-11-28",
                                         "generated_at": "2026-11-28T06:00:01.250+08:00",
                                         "hot": [], "explore": []})
    status = http.get(f"{web.url}/api/status", timeout=10).json()
    assert WHOLE_SECONDS.fullmatch(status["last_refresh"]), status
    assert WHOLE_SECONDS.fullmatch(status["next_refresh"]), status
    model = http.get(f"{web.url}/api/profile", timeout=10).json()["model"]
    assert model["trained_at"] == "2025-11-28T06:00:00+08:00"
    assert http.get(f"{web.url}/api/picks", timeout=10).json()["generated_at"] == (
        "2026-11-28T06:00:01+08:00")
    dated = http.get(f"{web.url}/api/picks", params={"date": "2026-11-28"}, timeout=10)
    assert dated.json()["generated_at"] == "2026-11-28T06:00:01+08:00"


def _with_dead_broker(settings):
    """The real web with a real task queue whose broker does not answer (Redis, the
    store, still does): what a broker outage looks like from the web."""
    from web import create_app

    app = create_app(settings)
    context = app.extensions["bilirec"]
    app.extensions["bilirec"] = dataclasses.replace(
        context, queue=TaskQueue("redis://127.0.0.1:9/0"))
    return ServerThread(app)


def test_a_broker_error_when_queueing_is_503(settings, sim, store):
    server = _with_dead_broker(settings)
    try:
        # The login itself succeeds and is kept; the status says the refresh is not queued.
        http, session = log_in(server.url, sim)
        mid = session["mid"]
        assert session["logged_in"] is True
        status = http.get(f"{server.url}/api/status", timeout=10).json()
        assert status["state"] == "error" and "队列" in status["message"]
        assert not store.locks.held(mid)
        resp = http.post(f"{server.url}/api/refresh",
                         headers={"X-CSRF-Token": session["csrf_token"]}, timeout=20)
        assert resp.status_code == 503 and "队列" in resp.json()["error"]
        assert not store.locks.held(mid)  # released: the next try can queue
        status = http.get(f"{server.url}/api/status", timeout=10).json()
        assert status["state"] != "queued" and "队列" in status["message"]  # nothing is
    finally:
        server.stop()


def test_a_refused_account_is_403_not_allowed(web_factory, sim, store):
    web = web_factory(allowed_mids=frozenset({1}))
    http = requests.Session()
    key = http.post(f"{web.url}/api/login/qrcode", timeout=10).json()["qrcode_key"]
    sim("POST", "/qr/login", json={"qrcode_key": key, "mid": sim("GET", "/users").json()[0]["mid"]})
    resp = http.get(f"{web.url}/api/login/poll", params={"qrcode_key": key}, timeout=10)
    body = resp.json()
    assert resp.status_code == 403 and set(body) == {"error", "reason"}
    assert body["reason"] == "not_allowed" and "允许" in body["error"]


def test_risk_control_at_login_is_503_with_retry_after(web_factory, sim):
    web = web_factory(cooldown_412_min=2.0, cooldown_352_min=1.0)
    sim("POST", "/fault", json={"path": "/x/passport-login/web/qrcode/generate",
                                "kind": "http", "status": 412, "count": 1})
    resp = requests.post(f"{web.url}/api/login/qrcode", timeout=10)
    assert resp.status_code == 503 and "风控" in resp.json()["error"]
    assert resp.headers["Retry-After"] == "120"
    http = requests.Session()
    key = http.post(f"{web.url}/api/login/qrcode", timeout=10).json()["qrcode_key"]
    sim("POST", "/fault", json={"path": LOGIN_POLL, "kind": "code", "code": -352, "count": 1})
    resp = http.get(f"{web.url}/api/login/poll", params={"qrcode_key": key}, timeout=10)
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "60"


def test_an_answer_cached_by_an_earlier_release_is_not_served(web, sim, store):
    """Cached /api/picks answers live a day: one rendered before the upgrade (with
    milliseconds) must not outlive it."""
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    store.picks.save(mid, "2026-11-28", {"date": "2026-11-28",
                                         "generated_at": "2026-11-28T06:00:01.250+08:00",
                                         "hot": [], "explore": []})
    _, gen = store.rendered.get(mid, "latest")  # the field the earlier release used
    store.rendered.put(mid, "latest", b'{"generated_at":"2026-11-28T06:00:01.250+08:00"}', gen)
    body = http.get(f"{web.url}/api/picks", timeout=10).json()
    assert body["generated_at"] == "2026-11-28T06:00:01+08:00"
