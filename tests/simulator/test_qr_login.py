"""QR login (§1): generate, the poll state machine, cookies on success."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, unquote, urlsplit

from .conftest import Sim, cookie_values, set_cookies

POLL_KEYS = ["url", "refresh_token", "timestamp", "code", "message"]


def test_generate_shape_and_escaped_ampersand(fresh_sim: Sim) -> None:
    response = fresh_sim.get("/x/passport-login/web/qrcode/generate")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert (body["code"], body["message"], body["ttl"]) == (0, "0", 1)
    key = body["data"]["qrcode_key"]
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert body["data"]["url"] == (
        "https://passport.bilibili.com/h5-app/passport/login/scan"
        f"?navhide=1&qrcode_key={key}&from="
    )
    # The real server's JSON text escapes "&" as \u0026.
    assert "\\u0026qrcode_key=" in response.text and "&" not in response.text


def test_poll_sequence_pending_scanned_success_then_spent(fresh_sim: Sim) -> None:
    key = fresh_sim.new_qr()
    pending = fresh_sim.poll(key).json()
    assert pending == {
        "code": 0, "message": "0", "ttl": 1,
        "data": {"url": "", "refresh_token": "", "timestamp": 0, "code": 86101,
                 "message": "未扫码"},
    }
    assert fresh_sim.control("/qr/scan", {"qrcode_key": key, "mid": 10002}).status_code == 200
    scanned = fresh_sim.poll(key).json()
    assert scanned["code"] == 0 and scanned["data"]["code"] == 86090
    assert scanned["data"]["message"] == "二维码已扫码未确认"
    assert fresh_sim.control("/qr/confirm", {"qrcode_key": key}).json()["state"] == "confirmed"

    success = fresh_sim.poll(key)
    body = success.json()
    assert body["code"] == 0
    data = body["data"]
    assert list(data) == POLL_KEYS
    assert data["code"] == 0 and data["message"] == ""
    assert re.fullmatch(r"[0-9a-f]{32}", data["refresh_token"])
    assert data["timestamp"] == int(fresh_sim.clock.now * 1000)  # milliseconds

    # After success the key is spent: 86038, no cookies.
    again = fresh_sim.poll(key)
    assert again.json()["data"]["code"] == 86038 and not set_cookies(again)


def test_success_cookies_and_cross_domain_url(fresh_sim: Sim) -> None:
    key = fresh_sim.new_qr()
    fresh_sim.control("/qr/login", {"qrcode_key": key, "mid": 10003})
    response = fresh_sim.poll(key)
    headers = set_cookies(response)
    names = [h.split("=", 1)[0] for h in headers]
    assert names == ["SESSDATA", "bili_jct", "DedeUserID", "DedeUserID__ckMd5", "sid"]
    expected_expiry = int(fresh_sim.clock.now) + 180 * 86400
    for header in headers:
        attrs = [a.strip() for a in header.split(";")[1:]]
        assert attrs[:2] == ["Path=/", "Domain=bilibili.com"]
        expires = parsedate_to_datetime(attrs[2].removeprefix("Expires="))
        assert int(expires.timestamp()) == expected_expiry
        assert ("HttpOnly" in attrs and "Secure" in attrs) == header.startswith("SESSDATA=")

    cookies = cookie_values(response)
    raw_sessdata = unquote(cookies["SESSDATA"])
    assert "," in raw_sessdata and "*" in raw_sessdata
    assert raw_sessdata.split(",")[1] == str(expected_expiry)
    assert cookies["DedeUserID"] == "10003"
    assert re.fullmatch(r"[0-9a-f]{16}", cookies["DedeUserID__ckMd5"])
    assert re.fullmatch(r"[0-9a-f]{32}", cookies["bili_jct"])

    url = response.json()["data"]["url"]
    assert "\\u0026" in response.text
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "passport.biligame.com", "/x/passport-login/web/crossDomain")
    query = parse_qs(parts.query)
    assert list(query) == ["DedeUserID", "DedeUserID__ckMd5", "Expires", "SESSDATA",
                           "bili_jct", "gourl", "first_domain"]
    assert query["DedeUserID"] == ["10003"]
    assert query["Expires"] == [str(expected_expiry)]
    assert query["SESSDATA"] == [raw_sessdata]
    assert query["bili_jct"] == [cookies["bili_jct"]]
    assert query["gourl"] == ["https://passport.bilibili.com"]
    assert query["first_domain"] == [".bilibili.com"]
    # Split-on-& clients (Nemo2011) get the same value the Set-Cookie carries.
    pairs = dict(p.split("=", 1) for p in parts.query.split("&"))
    assert pairs["SESSDATA"] == cookies["SESSDATA"]


def test_unknown_and_expired_keys_answer_86038(fresh_sim: Sim) -> None:
    unknown = fresh_sim.poll("0" * 32).json()
    assert unknown["code"] == 0
    assert unknown["data"]["code"] == 86038 and unknown["data"]["message"] == "二维码已失效"

    key = fresh_sim.new_qr()
    fresh_sim.clock.advance(179)
    assert fresh_sim.poll(key).json()["data"]["code"] == 86101
    fresh_sim.clock.advance(2)
    assert fresh_sim.poll(key).json()["data"]["code"] == 86038

    scanned = fresh_sim.new_qr()
    fresh_sim.control("/qr/scan", {"qrcode_key": scanned})
    fresh_sim.clock.advance(181)
    assert fresh_sim.poll(scanned).json()["data"]["code"] == 86038

    forced = fresh_sim.new_qr()
    assert fresh_sim.control("/qr/expire", {"qrcode_key": forced}).json()["state"] == "expired"
    assert fresh_sim.poll(forced).json()["data"]["code"] == 86038


def test_confirmed_key_that_expires_before_poll_is_dead(fresh_sim: Sim) -> None:
    key = fresh_sim.new_qr()
    fresh_sim.control("/qr/login", {"qrcode_key": key})
    fresh_sim.clock.advance(200)
    assert fresh_sim.poll(key).json()["data"]["code"] == 86038
    assert fresh_sim.state.sessions == {}


def test_login_default_mid_and_cookie_forms(fresh_sim: Sim) -> None:
    key = fresh_sim.new_qr()
    assert fresh_sim.control("/qr/login", {"qrcode_key": key}).json()["mid"] == 10001
    cookies = cookie_values(fresh_sim.poll(key))
    # Accepted percent-encoded (as set) and raw.
    for sessdata in (cookies["SESSDATA"], unquote(cookies["SESSDATA"]),
                     unquote(cookies["SESSDATA"]).replace("*", "%2A")):
        nav = fresh_sim.get("/x/web-interface/nav", cookies={"SESSDATA": sessdata}).json()
        assert nav["code"] == 0 and nav["data"]["mid"] == 10001


def test_control_errors(fresh_sim: Sim) -> None:
    key = fresh_sim.new_qr()
    assert fresh_sim.control("/qr/scan", {"qrcode_key": "f" * 32}).status_code == 404
    assert "error" in fresh_sim.control("/qr/scan", {"qrcode_key": "f" * 32}).json()
    assert fresh_sim.control("/qr/scan", {"qrcode_key": key, "mid": 999}).status_code == 404
    assert fresh_sim.control("/qr/scan", {"qrcode_key": key, "mid": "x"}).status_code == 400
    assert fresh_sim.control("/qr/scan", ["not", "an", "object"]).status_code == 400
    scan = fresh_sim.http.post(fresh_sim.url + "/_sim/qr/scan", data="{", timeout=5)
    assert scan.status_code == 400
    assert fresh_sim.control("/qr/confirm", {"qrcode_key": key}).status_code == 409
    listed = fresh_sim.control("/qr", method="GET").json()
    assert listed[0]["qrcode_key"] == key and listed[0]["state"] == "pending"
    users = fresh_sim.control("/users", method="GET").json()
    assert users[0] == {"mid": 10001, "uname": "小明同学"} and len(users) == 5


def test_missing_key_is_a_parameter_error(fresh_sim: Sim) -> None:
    body = fresh_sim.get("/x/passport-login/web/qrcode/poll").json()
    assert body == {"code": -400, "message": "请求错误", "ttl": 1, "data": None}
