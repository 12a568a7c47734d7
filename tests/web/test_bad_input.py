"""Bad input of every kind gets a clear 4xx JSON answer (or a clear state), never a 500."""

import pytest
import requests

from tests.web.helpers import log_in

LOGIN_POLL = "/x/passport-login/web/qrcode/poll"


@pytest.mark.parametrize(
    "key", ["x" * 65, "abc-def", "../etc", "键", "a b", ""]
)
def test_malformed_qrcode_key_is_400(web, key):
    resp = requests.get(f"{web.url}/api/login/poll", params={"qrcode_key": key}, timeout=10)
    assert resp.status_code == 400 and "qrcode_key" in resp.json()["error"]


def test_unknown_qrcode_key_is_expired(web):
    resp = requests.get(f"{web.url}/api/login/poll", params={"qrcode_key": "a" * 32}, timeout=10)
    assert resp.status_code == 200 and resp.json() == {"status": "expired"}


@pytest.mark.parametrize("cookie", ["garbage", "x" * 3000, "\u00e9\u00e9", ""])
def test_garbage_session_cookie_is_not_logged_in(web, cookie):
    headers = {"Cookie": f"bilirec_session={cookie}"}
    session = requests.get(f"{web.url}/api/session", headers=headers, timeout=10)
    assert session.status_code == 200 and session.json()["logged_in"] is False
    for method, path in [("GET", "/api/status"), ("GET", "/api/picks"),
                         ("POST", "/api/refresh"), ("POST", "/api/logout"), ("GET", "/api/days"),
                         ("GET", "/api/settings"), ("POST", "/api/feed/rotate"),
                         ("POST", "/api/feedback"), ("POST", "/api/settings"),
                         ("POST", "/api/push/test"), ("POST", "/api/toview/undo")]:
        resp = requests.request(method, f"{web.url}{path}", headers=headers, timeout=10)
        assert resp.status_code == 401 and resp.json()["error"], path


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_missing_or_wrong_csrf_is_403(web, sim, token):
    http, _ = log_in(web.url, sim)
    headers = {} if token is None else {"X-CSRF-Token": token}
    for path in ("/api/refresh", "/api/logout", "/api/feed/rotate", "/api/feedback",
                 "/api/settings", "/api/push/test", "/api/toview/undo"):
        resp = http.post(f"{web.url}{path}", headers=headers, timeout=10)
        assert resp.status_code == 403 and "CSRF" in resp.json()["error"]
    assert http.get(f"{web.url}/api/session", timeout=10).json()["logged_in"] is True


def test_body_over_64_kib_is_413(web, sim):
    http, session = log_in(web.url, sim)
    resp = http.post(
        f"{web.url}/api/refresh",
        data=b"x" * (65 * 1024),
        headers={"X-CSRF-Token": session["csrf_token"], "Content-Type": "application/json"},
        timeout=10,
    )
    assert resp.status_code == 413 and resp.json()["error"]


def test_unknown_path_and_method_are_json(web):
    assert requests.get(f"{web.url}/api/nope", timeout=10).json()["error"]
    resp = requests.delete(f"{web.url}/api/session", timeout=10)
    assert resp.status_code == 405 and resp.json()["error"]


@pytest.mark.parametrize(
    ("fault", "status"),
    [({"kind": "garbled"}, 502), ({"kind": "http", "status": 412}, 503),
     ({"kind": "code", "code": -412}, 503), ({"kind": "http", "status": 500}, 502)],
)
def test_simulator_failing_during_login_is_a_clear_error(web, sim, fault, status):
    http = requests.Session()
    key = http.post(f"{web.url}/api/login/qrcode", timeout=10).json()["qrcode_key"]
    sim("POST", "/fault", json={"path": LOGIN_POLL, "count": 1, **fault})
    resp = http.get(f"{web.url}/api/login/poll", params={"qrcode_key": key}, timeout=10)
    assert resp.status_code == status and resp.json()["error"]
    # The login goes on once bilibili answers again.
    resp = http.get(f"{web.url}/api/login/poll", params={"qrcode_key": key}, timeout=10)
    assert resp.json() == {"status": "waiting"}


def test_qrcode_generate_failing_is_a_clear_error(web, sim):
    sim("POST", "/fault", json={"path": "/x/passport-login/web/qrcode/generate",
                                "kind": "http", "status": 412, "count": 1})
    resp = requests.post(f"{web.url}/api/login/qrcode", timeout=10)
    assert resp.status_code == 503 and "风控" in resp.json()["error"]


def test_redis_down_is_503(web_factory):
    web = web_factory(redis_url="redis://127.0.0.1:9/0")
    health = requests.get(f"{web.url}/healthz", timeout=20)
    assert health.status_code == 503 and health.json()["redis"] == "down"
    # The page asks this first: still 200, not logged in, and it says what is wrong.
    resp = requests.get(f"{web.url}/api/session", timeout=20)
    body = resp.json()
    assert resp.status_code == 200 and body["logged_in"] is False and body["mid"] is None
    assert "Redis" in body["error"]
    resp = requests.get(f"{web.url}/api/status", timeout=20,
                        cookies={"bilirec_session": "x" * 43})
    assert resp.status_code == 503 and resp.json()["error"]


def test_demo_routes_exist_only_in_demo_mode(web_factory):
    web = web_factory(demo=False)
    resp = requests.post(f"{web.url}/api/demo/scan", json={"qrcode_key": "a" * 32}, timeout=10)
    assert resp.status_code == 404
    assert "模拟扫码" not in requests.get(f"{web.url}/", timeout=10).text
