"""Logout (§12): success, CSRF failure (2202), already-invalid session (HTML)."""

from __future__ import annotations

from .conftest import Sim, set_cookies

EXIT = "/login/exit/v2"


def test_logout_success_invalidates_session(fresh_sim: Sim) -> None:
    login = fresh_sim.login(10001)
    form = {"biliCSRF": login.cookies["bili_jct"]}
    response = fresh_sim.post(EXIT, cookies=login.cookies, data=form)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["code", "status", "ts", "data"]  # no ttl, no message
    assert body["code"] == 0 and body["status"] is True
    assert body["ts"] == int(fresh_sim.clock.now)
    assert body["data"]["redirectUrl"] == (
        "https://passport.biligame.com/crossDomain?DedeUserID=&DedeUserID__ckMd5=&SESSDATA="
        "&bili_jct=&gourl=javascript%3Ahistory.go%28-1%29"
    )
    cleared = {h.split("=", 1)[0]: h for h in set_cookies(response)}
    assert set(cleared) == {"DedeUserID", "DedeUserID__ckMd5", "SESSDATA", "bili_jct"}
    assert all(h.split(";")[0].endswith("=") and "1970" in h for h in cleared.values())
    assert fresh_sim.get("/x/web-interface/nav", cookies=login.cookies).json()["code"] == -101

    # Second logout with the now-dead cookie → the HTML login page, HTTP 200.
    again = fresh_sim.post(EXIT, cookies=login.cookies, data=form)
    assert again.status_code == 200
    assert again.headers["Content-Type"].startswith("text/html")
    assert again.text.lstrip().startswith("<!DOCTYPE html>")


def test_logout_custom_gourl(fresh_sim: Sim) -> None:
    login = fresh_sim.login(10002)
    body = fresh_sim.post(EXIT, cookies=login.cookies, data={
        "biliCSRF": login.cookies["bili_jct"], "gourl": "https://www.bilibili.com/"}).json()
    assert body["data"]["redirectUrl"].endswith("&gourl=https%3A%2F%2Fwww.bilibili.com%2F")


def test_logout_wrong_csrf_is_2202(fresh_sim: Sim) -> None:
    login = fresh_sim.login(10001)
    response = fresh_sim.post(EXIT, cookies=login.cookies, data={"biliCSRF": "0" * 32})
    body = response.json()
    assert list(body) == ["code", "status", "ts", "message"]  # no data
    assert body["code"] == 2202 and body["status"] is False and body["message"]
    assert not set_cookies(response)
    # Session untouched.
    assert fresh_sim.get("/x/web-interface/nav", cookies=login.cookies).json()["code"] == 0
    missing = fresh_sim.post(EXIT, cookies=login.cookies)
    assert missing.json()["code"] == 2202


def test_logout_without_session_is_html(fresh_sim: Sim) -> None:
    response = fresh_sim.post(EXIT, data={"biliCSRF": "x"})
    assert response.status_code == 200 and "text/html" in response.headers["Content-Type"]
    login = fresh_sim.login(10001)
    no_dede = {k: v for k, v in login.cookies.items() if k != "DedeUserID"}
    response = fresh_sim.post(EXIT, cookies=no_dede, data={"biliCSRF": login.cookies["bili_jct"]})
    assert "text/html" in response.headers["Content-Type"]
