"""Cookie refresh (§11): info → correspond → refresh → confirm."""

from __future__ import annotations

import re
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from .conftest import Login, Sim, cookie_values, set_cookies

# bilibili's public key from §11: the path is built exactly as production does.
PUBLIC_KEY = b"""-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDLgd2OAkcGVtoE3ThUREbio0Eg
Uc/prcajMKXvkCKFCWhJYJcLkcM2DKKcSeFpD/j6Boy538YXnR6VhcuUJOhH2x71
nzPjfdTcqMz7djHum0qSZA0AyCBDABUqCrfNgCiJ00Ra7GmRj+YCK1NJEuewlb40
JNrRuoEUXpabUzGB8QIDAQAB
-----END PUBLIC KEY-----"""

INFO = "/x/passport-login/web/cookie/info"
REFRESH = "/x/passport-login/web/cookie/refresh"
CONFIRM = "/x/passport-login/web/confirm/refresh"


def correspond_path(ts_ms: int) -> str:
    key = serialization.load_pem_public_key(PUBLIC_KEY)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    return key.encrypt(f"refresh_{ts_ms}".encode(), oaep).hex()  # type: ignore[union-attr]


def refresh_csrf(fresh_sim: Sim, login: Login) -> str:
    page = fresh_sim.get(f"/correspond/1/{correspond_path(int(time.time() * 1000))}",
                   cookies=login.cookies)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    match = re.search(r'<div id="1-name">([0-9a-f]{32})</div>', page.text)
    assert match
    return match.group(1)


def test_info_reports_refresh_flag(fresh_sim: Sim) -> None:
    login = fresh_sim.login(10001)
    csrf = login.cookies["bili_jct"]
    body = fresh_sim.get(INFO, cookies=login.cookies, params={"csrf": csrf}).json()
    assert body == {"code": 0, "message": "0", "ttl": 1,
                    "data": {"refresh": False, "timestamp": int(fresh_sim.clock.now * 1000)}}
    assert fresh_sim.control("/session/needs_refresh", {"mid": 10001}).json()["marked"] == 1
    assert fresh_sim.get(INFO, cookies=login.cookies).json()["data"]["refresh"] is True
    assert fresh_sim.get(INFO).json() == {
        "code": -101, "message": "账号未登录", "ttl": 1, "data": None
    }
    assert fresh_sim.control("/session/needs_refresh", {"mid": 1}).status_code == 404


def test_full_round_trip(fresh_sim: Sim) -> None:
    old = fresh_sim.login(10002)
    fresh_sim.control("/session/needs_refresh", {"mid": 10002})
    csrf = refresh_csrf(fresh_sim, old)

    response = fresh_sim.post(REFRESH, cookies=old.cookies, data={
        "csrf": old.cookies["bili_jct"], "refresh_csrf": csrf, "source": "main_web",
        "refresh_token": old.refresh_token})
    body = response.json()
    assert (body["code"], body["message"], body["ttl"]) == (0, "0", 1)
    assert body["data"]["status"] == 0 and body["data"]["message"] == ""
    new_token = body["data"]["refresh_token"]
    assert re.fullmatch(r"[0-9a-f]{32}", new_token) and new_token != old.refresh_token
    names = [h.split("=", 1)[0] for h in set_cookies(response)]
    assert names == ["SESSDATA", "bili_jct", "DedeUserID", "DedeUserID__ckMd5", "sid"]
    new = cookie_values(response)
    assert new["SESSDATA"] != old.cookies["SESSDATA"] and new["DedeUserID"] == "10002"
    assert new["bili_jct"] != old.cookies["bili_jct"]

    # Before confirm both sessions work; the new one does not need refreshing.
    assert fresh_sim.get("/x/web-interface/nav", cookies=old.cookies).json()["code"] == 0
    assert fresh_sim.get(INFO, cookies=new).json()["data"]["refresh"] is False

    # Confirm with the NEW cookies + NEW csrf + OLD token.
    wrong = fresh_sim.post(CONFIRM, cookies=new, data={"csrf": new["bili_jct"],
                                                 "refresh_token": new_token})
    assert wrong.json()["code"] == -400
    ok = fresh_sim.post(CONFIRM, cookies=new, data={"csrf": new["bili_jct"],
                                              "refresh_token": old.refresh_token})
    assert ok.json() == {"code": 0, "message": "0", "ttl": 1}

    assert fresh_sim.get("/x/web-interface/nav", cookies=old.cookies).json()["code"] == -101
    nav = fresh_sim.get("/x/web-interface/nav", cookies=new).json()
    assert nav["code"] == 0 and nav["data"]["mid"] == 10002
    # Confirm is one-shot.
    again = fresh_sim.post(CONFIRM, cookies=new, data={"csrf": new["bili_jct"],
                                                 "refresh_token": old.refresh_token})
    assert again.json()["code"] == -400


def test_refresh_errors(fresh_sim: Sim) -> None:
    login = fresh_sim.login(10003)
    csrf = refresh_csrf(fresh_sim, login)
    good = {"csrf": login.cookies["bili_jct"], "refresh_csrf": csrf, "source": "main_web",
            "refresh_token": login.refresh_token}
    assert fresh_sim.post(REFRESH, data=good).json()["code"] == -101
    assert fresh_sim.post(REFRESH, cookies=login.cookies,
                    data={**good, "csrf": "0" * 32}).json()["code"] == -111
    assert fresh_sim.post(REFRESH, cookies=login.cookies,
                    data={**good, "refresh_csrf": "0" * 32}).json()["code"] == 86095
    assert fresh_sim.post(REFRESH, cookies=login.cookies,
                    data={**good, "refresh_token": "0" * 32}).json()["code"] == 86095
    # URL params work as well as a form body.
    assert fresh_sim.post(REFRESH, cookies=login.cookies, params=good).json()["code"] == 0
    # The old token is spent now.
    assert fresh_sim.post(REFRESH, cookies=login.cookies, data=good).json()["code"] == 86095


def test_refresh_without_correspond_is_86095(fresh_sim: Sim) -> None:
    login = fresh_sim.login(10001)
    body = fresh_sim.post(REFRESH, cookies=login.cookies, data={
        "csrf": login.cookies["bili_jct"], "refresh_csrf": "0" * 32, "source": "main_web",
        "refresh_token": login.refresh_token}).json()
    assert body["code"] == 86095 and body["data"] is None


def test_confirm_errors(fresh_sim: Sim) -> None:
    login = fresh_sim.login(10001)
    assert fresh_sim.post(CONFIRM, data={"csrf": "x", "refresh_token": "y"}).json()["code"] == -101
    assert fresh_sim.post(CONFIRM, cookies=login.cookies,
                    data={"csrf": "x", "refresh_token": "y"}).json()["code"] == -111
    assert fresh_sim.post(CONFIRM, cookies=login.cookies, data={
        "csrf": login.cookies["bili_jct"], "refresh_token": login.refresh_token,
    }).json()["code"] == -400


def test_correspond_rejects_bad_path_and_dead_session(fresh_sim: Sim) -> None:
    login = fresh_sim.login(10004)
    assert fresh_sim.get("/correspond/1/abc", cookies=login.cookies).status_code == 404
    upper = correspond_path(1).upper()
    assert fresh_sim.get(f"/correspond/1/{upper}", cookies=login.cookies).status_code == 404
    path = correspond_path(1)
    assert fresh_sim.get(f"/correspond/1/{path}").status_code == 404
    assert fresh_sim.get(f"/correspond/1/{path}", cookies=login.cookies).status_code == 200
    fresh_sim.control("/session/expire", {"mid": 10004})
    dead = fresh_sim.get(f"/correspond/1/{path}", cookies=login.cookies)
    assert dead.status_code == 404 and "text/html" in dead.headers["Content-Type"]
