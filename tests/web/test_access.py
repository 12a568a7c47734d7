"""Who may do what: one user's session never reads or changes another's data, every
state-changing call needs the CSRF token, the session cookie's flags, and the QR login's
limits per client and for all clients together (the QR binding: test_login_binding.py)."""

from __future__ import annotations

import http.client
import json

import pytest
import requests

from store import BehaviourEvent
from tests.support import in_one_minute
from tests.web.helpers import log_in

PICKS_A = {"date": "2026-11-29", "generated_at": "2026-11-29T06:00:00+08:00",
           "hot": [{"bvid": "BV1AAAAAAAAA", "title": "A 的推荐"}], "explore": []}
PICKS_B = {"date": "2026-11-28", "generated_at": "2026-11-28T06:00:00+08:00",
           "hot": [{"bvid": "BV1yy411c7mD", "title": "B 的推荐"}], "explore": []}
BVID = "BV1xx411c7mD"


def _two_users(web, sim, store):
    users = sim("GET", "/users").json()
    a, session_a = log_in(web.url, sim, mid=users[0]["mid"])
    b, session_b = log_in(web.url, sim, mid=users[1]["mid"])
    store.picks.save(session_a["mid"], PICKS_A["date"], PICKS_A)
    store.picks.save(session_b["mid"], PICKS_B["date"], PICKS_B)
    store.events.append(session_a["mid"], [BehaviourEvent("like", BVID, 1)])
    store.status.set(session_a["mid"], "ready", progress=1.0, message="A 的状态")
    return (a, session_a), (b, session_b)


def _snapshot(store, mid: int):
    return (store.picks.get(mid), store.events.count(mid), store.users.is_active(mid),
            store.credentials.load(mid), store.status.get(mid).message)


def test_a_session_never_reaches_another_users_data(web, sim, store):
    (a, session_a), (b, session_b) = _two_users(web, sim, store)
    mid_a, mid_b = session_a["mid"], session_b["mid"]
    before = _snapshot(store, mid_a)
    other = {"mid": mid_a, "user": mid_a, "uid": mid_a}

    # Reads: B sees B, whatever names A in the query.
    assert b.get(f"{web.url}/api/session", params=other, timeout=10).json()["mid"] == mid_b
    assert b.get(f"{web.url}/api/picks", params=other, timeout=10).json()["hot"] == [
        {**PICKS_B["hot"][0], "feedback": None}]
    resp = b.get(f"{web.url}/api/picks", params={**other, "date": PICKS_A["date"]}, timeout=10)
    assert resp.status_code == 404
    assert b.get(f"{web.url}/api/status", params=other, timeout=10).json()["message"] != (
        "A 的状态")
    assert b.get(f"{web.url}/api/profile", params=other, timeout=10).json()["events"] == 0
    assert b.get(f"{web.url}/api/days", params=other, timeout=10).json()["dates"] == [
        PICKS_B["date"]]
    feed_a = a.get(f"{web.url}/api/settings", timeout=10).json()["feed_url"]
    assert b.get(f"{web.url}/api/settings", params=other, timeout=10).json()["feed_url"] != feed_a

    # Writes: B's own token with A's mid in body or query changes B only; A's token with
    # B's cookie is refused.
    csrf_b = {"X-CSRF-Token": session_b["csrf_token"]}
    csrf_a = {"X-CSRF-Token": session_a["csrf_token"]}
    resp = b.post(f"{web.url}/api/feedback", params=other, headers=csrf_b, timeout=10,
                  json={"bvid": "BV1yy411c7mD", "kind": "dislike", **other})
    assert resp.status_code == 204 and store.events.count(mid_b) == 1
    for path in ("/api/refresh", "/api/feedback", "/api/feed/rotate", "/api/logout"):
        resp = b.post(f"{web.url}{path}", headers=csrf_a, json={"bvid": BVID, "kind": "like"},
                      timeout=10)
        assert resp.status_code == 403, path
    assert b.post(f"{web.url}/api/refresh", params=other, headers=csrf_b,
                  timeout=10).status_code == 202
    assert b.post(f"{web.url}/api/logout", params=other, headers=csrf_b,
                  json=other, timeout=10).status_code == 204

    # A is untouched and still logged in; B is gone.
    assert _snapshot(store, mid_a) == before
    assert a.get(f"{web.url}/api/session", timeout=10).json()["mid"] == mid_a
    hot = a.get(f"{web.url}/api/picks", timeout=10).json()["hot"]
    assert [p.pop("feedback") for p in hot] == [None] * len(PICKS_A["hot"])
    assert hot == PICKS_A["hot"]
    assert store.credentials.load(mid_b) is None


@pytest.mark.parametrize("token", [None, "", "wrong", "anonymous"])
def test_every_state_changing_call_needs_the_csrf_token(web, sim, store, token):
    http = requests.Session()
    assert http.post(f"{web.url}/api/login/qrcode", timeout=10).ok  # an anonymous session
    anonymous = http.get(f"{web.url}/api/session", timeout=10).json()["csrf_token"]
    assert anonymous
    http, session = log_in(web.url, sim, http=http)
    mid = session["mid"]
    store.picks.save(mid, PICKS_A["date"], PICKS_A)
    headers = {} if token is None else {"X-CSRF-Token": anonymous if token == "anonymous"
                                        else token}
    queued = store.redis.llen("sync") + store.redis.llen("sync_first")
    before = _snapshot(store, mid)
    for path in ("/api/refresh", "/api/feedback", "/api/feed/rotate", "/api/logout"):
        resp = http.post(f"{web.url}{path}", headers=headers,
                         json={"bvid": BVID, "kind": "like"}, timeout=10)
        assert resp.status_code == 403 and "CSRF" in resp.json()["error"], path
    assert _snapshot(store, mid) == before
    assert store.redis.llen("sync") + store.redis.llen("sync_first") == queued
    assert http.get(f"{web.url}/api/session", timeout=10).json()["logged_in"] is True


def _set_cookies(resp: requests.Response) -> list[str]:
    return resp.raw.headers.getlist("Set-Cookie")


@pytest.mark.parametrize("secure", [False, True])
def test_session_cookie_flags(web_factory, sim, secure):
    web = web_factory(secure_cookies=secure)
    http = requests.Session()
    anonymous = http.post(f"{web.url}/api/login/qrcode", timeout=10)
    key = anonymous.json()["qrcode_key"]
    sim("POST", "/qr/login", json={"qrcode_key": key, "mid": sim("GET", "/users").json()[0]["mid"]})
    # Sent by hand: requests keeps a Secure cookie to itself over plain HTTP.
    anonymous_sid = _set_cookies(anonymous)[0].split(";", 1)[0].split("=", 1)[1]
    login = http.get(f"{web.url}/api/login/poll", params={"qrcode_key": key},
                     cookies={"bilirec_session": anonymous_sid}, timeout=10)
    sid = login.cookies["bilirec_session"]
    csrf = http.get(f"{web.url}/api/session", cookies={"bilirec_session": sid},
                    timeout=10).json()["csrf_token"]
    logout = requests.post(f"{web.url}/api/logout", cookies={"bilirec_session": sid},
                           headers={"X-CSRF-Token": csrf}, timeout=10)
    assert logout.status_code == 204
    for resp in (anonymous, login, logout):
        (cookie,) = _set_cookies(resp)
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert cookie.startswith("bilirec_session=")
        assert "httponly" in flags and "samesite=lax" in flags
        assert ("secure" in flags) is secure


def _call_from(url: str, path: str, address: str, method: str = "POST") -> tuple[int, dict]:
    """A call from another loopback address (127.0.0.x), i.e. another client."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(address, 0))
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def test_qr_generation_limited_per_client_and_for_all(web_factory, store):
    web = web_factory(qr_per_client_per_min=2, qr_global_per_min=3)

    def calls():
        first = [_call_from(web.url, "/api/login/qrcode", "127.0.0.1") for _ in range(3)]
        second = [_call_from(web.url, "/api/login/qrcode", "127.0.0.2") for _ in range(2)]
        return first, second

    first, second = in_one_minute(store, calls)
    assert [s for s, _ in first] == [200, 200, 429] and "二维码" in first[2][1]["error"]
    # Another client gets its own allowance, until the cap for all clients is reached.
    assert [s for s, _ in second] == [200, 429] and "本站" in second[1][1]["error"]
