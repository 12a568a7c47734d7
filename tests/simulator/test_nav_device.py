"""nav (§2) logged in/out, WBI key rotation, finger/spi and friends (§4.2)."""

from __future__ import annotations

import re

from simulator import wbi

from .conftest import Sim, cookie_values

WBI_URL = re.compile(r"https://i0\.hdslb\.com/bfs/wbi/[0-9a-f]{32}\.png")


def test_nav_logged_out_keeps_data(fresh_sim: Sim) -> None:
    body = fresh_sim.get("/x/web-interface/nav").json()
    assert body == {
        "code": -101, "message": "账号未登录", "ttl": 1,
        "data": {"isLogin": False, "wbi_img": {
            "img_url": f"https://i0.hdslb.com/bfs/wbi/{wbi.INITIAL_IMG_KEY}.png",
            "sub_url": f"https://i0.hdslb.com/bfs/wbi/{wbi.INITIAL_SUB_KEY}.png"}},
    }
    garbage = fresh_sim.get("/x/web-interface/nav", cookies={"SESSDATA": "nope,1,x*y"}).json()
    assert garbage["code"] == -101 and garbage["data"]["isLogin"] is False


def test_nav_logged_in_shape(fresh_sim: Sim) -> None:
    login = fresh_sim.login(10001)
    body = fresh_sim.get("/x/web-interface/nav", cookies=login.cookies).json()
    assert (body["code"], body["message"], body["ttl"]) == (0, "0", 1)
    data = body["data"]
    assert data["isLogin"] is True
    assert data["mid"] == 10001 and data["uname"] == "小明同学"
    assert data["face"].startswith("https://i0.hdslb.com/bfs/face/")
    level = data["level_info"]
    assert set(level) == {"current_level", "current_min", "current_exp", "next_exp"}
    assert isinstance(level["next_exp"], int)
    assert isinstance(data["money"], float)
    assert (data["vipStatus"], data["vipType"]) == (1, 2)
    assert WBI_URL.fullmatch(data["wbi_img"]["img_url"])
    assert WBI_URL.fullmatch(data["wbi_img"]["sub_url"])

    top = fresh_sim.login(10003)
    level6 = fresh_sim.get("/x/web-interface/nav", cookies=top.cookies).json()["data"]["level_info"]
    assert level6["current_level"] == 6 and level6["next_exp"] == "--"


def test_expired_session_answers_minus_101(fresh_sim: Sim) -> None:
    login = fresh_sim.login(10002)
    other = fresh_sim.login(10004)
    expired = fresh_sim.control("/session/expire", {"mid": 10002}).json()
    assert expired == {"mid": 10002, "expired": 1}
    assert fresh_sim.get("/x/web-interface/nav", cookies=login.cookies).json()["code"] == -101
    assert fresh_sim.get("/x/web-interface/nav", cookies=other.cookies).json()["code"] == 0
    assert fresh_sim.control("/session/expire", {"mid": 4242}).status_code == 404
    assert fresh_sim.control("/session/expire", {}).status_code == 400


def test_wbi_rotation(fresh_sim: Sim) -> None:
    before = fresh_sim.get("/x/web-interface/nav").json()["data"]["wbi_img"]
    keys = fresh_sim.control("/wbi/rotate").json()
    after = fresh_sim.get("/x/web-interface/nav").json()["data"]["wbi_img"]
    assert after != before
    assert after["img_url"].endswith(f"/{keys['img_key']}.png")
    assert after["sub_url"].endswith(f"/{keys['sub_key']}.png")


def test_finger_spi_shape(fresh_sim: Sim) -> None:
    response = fresh_sim.get("/x/frontend/finger/spi")
    body = response.json()
    assert list(body) == ["code", "data", "message"]  # no ttl
    assert body["code"] == 0 and body["message"] == "ok"
    assert not cookie_values(response)
    assert re.fullmatch(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\d{5}infoc",
                        body["data"]["b_3"])
    assert re.fullmatch(
        r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\d{5}-0\d{8}-"
        r"[A-Za-z0-9+/]{22}==", body["data"]["b_4"])
    assert fresh_sim.get("/x/frontend/finger/spi").json()["data"] != body["data"]


def test_getbuvid_and_www_home(fresh_sim: Sim) -> None:
    body = fresh_sim.get("/x/web-frontend/getbuvid").json()
    assert list(body) == ["code", "data"] and body["data"]["buvid"].endswith("infoc")
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36"}
    home = fresh_sim.get("/", headers=dict(browser))
    assert home.headers["Content-Type"].startswith("text/html")
    planted = cookie_values(home)
    assert set(planted) == {"buvid3", "b_nut"}
    assert not cookie_values(fresh_sim.get("/", cookies=planted, headers=dict(browser)))
    assert not cookie_values(fresh_sim.get("/", headers={"User-Agent": "python-requests/2.32"}))


def test_unknown_api_path_is_minus_404(fresh_sim: Sim) -> None:
    response = fresh_sim.get("/x/does/not/exist")
    assert response.status_code == 404 and response.json()["code"] == -404
    assert fresh_sim.get("/nothing-here").headers["Content-Type"].startswith("text/html")
    assert fresh_sim.control("/nope", method="GET").json()["error"]
