"""The QR login belongs to the browser that asked for it (issue 15, items 1 and 6): nobody
else who sees the key can take the login, no page can log a visitor in as someone else
or spend the QR limits from its visitors' browsers, and strangers' polls charge no
counter that real users share."""

from __future__ import annotations

import http.client
import json
import secrets

import requests

from tests.support import in_one_minute
from tests.web.helpers import log_in


def _first_mid(sim) -> int:
    return sim("GET", "/users").json()[0]["mid"]


def _poll(client: requests.Session, web, key: str) -> requests.Response:
    return client.get(f"{web.url}/api/login/poll", params={"qrcode_key": key}, timeout=10)


def test_a_second_client_polling_the_owners_key_gets_no_session(web, sim, store):
    owner = requests.Session()
    key = owner.post(f"{web.url}/api/login/qrcode", timeout=10).json()["qrcode_key"]
    assert _poll(owner, web, key).json() == {"status": "waiting"}
    mid = _first_mid(sim)
    assert sim("POST", "/qr/scan", json={"qrcode_key": key, "mid": mid}).ok
    assert sim("POST", "/qr/confirm", json={"qrcode_key": key}).ok

    # Someone who saw the QR code polls first, without a cookie and with one of their own.
    stranger = requests.Session()
    with_own_session = requests.Session()
    assert with_own_session.post(f"{web.url}/api/login/qrcode", timeout=10).ok
    for thief in (stranger, with_own_session, stranger):
        resp = _poll(thief, web, key)
        assert resp.status_code == 200 and resp.json() == {"status": "expired"}
        assert "Set-Cookie" not in resp.headers
        assert thief.get(f"{web.url}/api/session", timeout=10).json()["logged_in"] is False
    assert store.credentials.load(mid) is None  # nobody was logged in by those polls

    # The owner still gets the login, once, and keeps hearing "success".
    resp = _poll(owner, web, key)
    assert resp.json() == {"status": "success"} and "Set-Cookie" in resp.headers
    session = owner.get(f"{web.url}/api/session", timeout=10).json()
    assert session["logged_in"] is True and session["mid"] == mid
    assert _poll(owner, web, key).json() == {"status": "success"}
    assert _poll(stranger, web, key).json() == {"status": "expired"}


def test_a_link_to_an_attackers_confirmed_code_logs_nobody_in(web, sim, store):
    """Login CSRF: the attacker's own QR code, confirmed with the attacker's account, sent
    to a victim as a poll URL. The victim's browser is not the one the key is bound to."""
    attacker = requests.Session()
    key = attacker.post(f"{web.url}/api/login/qrcode", timeout=10).json()["qrcode_key"]
    assert sim("POST", "/qr/login", json={"qrcode_key": key, "mid": _first_mid(sim)}).ok
    victim = requests.Session()
    assert victim.post(f"{web.url}/api/login/qrcode", timeout=10).ok  # the victim's page
    resp = _poll(victim, web, key)
    assert resp.json() == {"status": "expired"} and "Set-Cookie" not in resp.headers
    assert victim.get(f"{web.url}/api/session", timeout=10).json()["logged_in"] is False


def test_cross_site_qr_requests_are_refused_before_anything_is_stored(web, store):
    before = set(store.redis.scan_iter())
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                    {"Origin": web.url.replace("127.0.0.1", "localhost")},
                    {"Origin": web.url + "0"}):
        resp = requests.post(f"{web.url}/api/login/qrcode", headers=headers, timeout=10)
        assert resp.status_code == 403, headers
        assert resp.json()["error"] and "Set-Cookie" not in resp.headers
    assert set(store.redis.scan_iter()) == before  # no session, no counter charged
    for headers in ({"Origin": web.url, "Sec-Fetch-Site": "same-origin"},
                    {"Sec-Fetch-Site": "none"}, {}):
        resp = requests.post(f"{web.url}/api/login/qrcode", headers=headers, timeout=10)
        assert resp.status_code == 200, headers


def _call_from(web, path: str, address: str, method: str = "GET",
               cookie: str | None = None) -> tuple[int, dict, dict]:
    """A call from another loopback address (127.0.0.x), i.e. another client."""
    host, port = web.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(address, 0))
    headers = {"Cookie": f"bilirec_session={cookie}"} if cookie else {}
    try:
        conn.request(method, path, headers=headers)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read()), dict(resp.getheaders())
    finally:
        conn.close()


def _qr_from(web, address: str) -> tuple[str, str]:
    """A QR code asked for by a browser at ``address``: its key and session cookie."""
    status, body, headers = _call_from(web, "/api/login/qrcode", address, "POST")
    assert status == 200, body
    cookie = headers.get("Set-Cookie", "=;").split(";", 1)[0].split("=", 1)[1]
    return body["qrcode_key"], cookie


def test_random_and_copied_keys_cannot_block_anyone_elses_login(web_factory, sim, store):
    """Polls of unknown keys, or of a key bound to someone else, are answered "expired"
    before any limit is counted: they used to charge the global poll counter, and 11
    random keys a second made every real poll answer 429."""
    web = web_factory(qr_polls_per_min=3, qr_polls_per_client_per_min=4,
                      qr_poll_global_per_min=4)
    key, cookie = _qr_from(web, "127.0.0.1")
    for _ in range(30):
        random_key = secrets.token_hex(16)
        status, body, _ = _call_from(web, f"/api/login/poll?qrcode_key={random_key}",
                                     "127.0.0.3")
        assert (status, body) == (200, {"status": "expired"})
    for _ in range(10):  # the owner's key, copied off the screen: same answer, same cost
        status, body, _ = _call_from(web, f"/api/login/poll?qrcode_key={key}", "127.0.0.1")
        assert (status, body) == (200, {"status": "expired"})
    assert not [k for k in store.redis.scan_iter(match="rate:qr-poll*")]

    # The owner's login goes through as if nobody else had polled.
    poll = f"/api/login/poll?qrcode_key={key}"
    assert _call_from(web, poll, "127.0.0.1", cookie=cookie)[1] == {"status": "waiting"}
    assert sim("POST", "/qr/login", json={"qrcode_key": key, "mid": _first_mid(sim)}).ok
    status, body, headers = _call_from(web, poll, "127.0.0.1", cookie=cookie)
    assert (status, body) == (200, {"status": "success"}) and "Set-Cookie" in headers


def test_the_owners_polls_are_limited_per_code_and_per_client(web_factory, store):
    web = web_factory(qr_polls_per_min=2, qr_polls_per_client_per_min=3,
                      qr_poll_global_per_min=100)

    def calls():
        key, cookie = _qr_from(web, "127.0.0.1")
        other_key, other_cookie = _qr_from(web, "127.0.0.1")
        one = [_call_from(web, f"/api/login/poll?qrcode_key={key}", "127.0.0.1",
                          cookie=cookie) for _ in range(3)]
        # Another code from the same address: the address's allowance (3) runs out.
        two = [_call_from(web, f"/api/login/poll?qrcode_key={other_key}", "127.0.0.1",
                          cookie=other_cookie) for _ in range(2)]
        return one, two

    one, two = in_one_minute(store, calls)
    assert [s for s, _, _ in one] == [200, 200, 429] and "频繁" in one[2][1]["error"]
    assert int(one[2][2]["Retry-After"]) in range(1, 61)
    assert [s for s, _, _ in two] == [200, 429]


def test_the_global_poll_cap_counts_bound_keys_only(web_factory, store):
    web = web_factory(qr_polls_per_min=10, qr_polls_per_client_per_min=10,
                      qr_poll_global_per_min=3)

    def calls():
        owned = [_qr_from(web, f"127.0.0.{n}") for n in (1, 2)]
        for _ in range(20):  # strangers: nothing counted
            _call_from(web, f"/api/login/poll?qrcode_key={secrets.token_hex(16)}", "127.0.0.5")
        polls = [(1, owned[0]), (1, owned[0]), (2, owned[1]), (2, owned[1])]
        return [_call_from(web, f"/api/login/poll?qrcode_key={key}", f"127.0.0.{n}",
                           cookie=cookie)[0] for n, (key, cookie) in polls]

    assert in_one_minute(store, calls) == [200, 200, 200, 429]


def test_qr_codes_past_the_per_client_limit_are_429_with_retry_after(web_factory, store):
    web = web_factory(qr_per_client_per_min=1)

    def calls():
        return [_call_from(web, "/api/login/qrcode", "127.0.0.4", "POST") for _ in range(2)]

    first, second = in_one_minute(store, calls)
    assert first[0] == 200 and second[0] == 429 and second[1]["error"]
    assert int(second[2]["Retry-After"]) in range(1, 61)


def test_cookieless_visitors_store_nothing(web, store):
    """Item 5: a visitor who only looks (the page's first call, random polls, garbage
    cookies) leaves no key behind; each cookie-less /api/session stored an hour-long
    session before."""
    before = set(store.redis.scan_iter())
    for _ in range(20):
        body = requests.get(f"{web.url}/api/session", timeout=10).json()
        assert body == {"logged_in": False, "mid": None, "uname": None, "csrf_token": ""}
    for cookie in ("x" * 43, "", "é", "x" * 500):
        resp = requests.get(f"{web.url}/api/session", cookies={"bilirec_session": cookie},
                            timeout=10)
        assert resp.json()["logged_in"] is False and "Set-Cookie" not in resp.headers
    requests.get(f"{web.url}/api/login/poll", params={"qrcode_key": "a" * 32}, timeout=10)
    requests.get(f"{web.url}/api/status", timeout=10)
    assert set(store.redis.scan_iter()) == before


def test_asking_for_a_qr_code_keeps_the_browsers_session(web, sim):
    http = requests.Session()
    http.post(f"{web.url}/api/login/qrcode", timeout=10)
    first = http.cookies["bilirec_session"]
    again = http.post(f"{web.url}/api/login/qrcode", timeout=10)
    assert again.ok and "Set-Cookie" not in again.headers  # kept, not replaced
    assert http.cookies["bilirec_session"] == first
    _, session = log_in(web.url, sim, http=http)  # the second code logs in
    assert session["logged_in"] is True and http.cookies["bilirec_session"] != first


def test_behind_a_proxy_the_public_origin_is_same_site(web_factory):
    """A reverse proxy may rewrite Host; the page's Origin is then the public one."""
    web = web_factory(public_url="https://rec.example.org",
                      allowed_hosts=frozenset({"nas.local"}))
    for origin in ("https://rec.example.org", "http://nas.local:8345"):
        resp = requests.post(f"{web.url}/api/login/qrcode", timeout=10,
                             headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"})
        assert resp.status_code == 200, origin
    resp = requests.post(f"{web.url}/api/login/qrcode", headers={"Origin": "http://rec.example.org"},
                         timeout=10)
    assert resp.status_code == 403  # another scheme is another origin
