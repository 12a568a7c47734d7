"""Injected faults (every kind, count, mid) and request counters."""

from __future__ import annotations

import json
import time

import pytest

from .conftest import Sim

NAV = "/x/web-interface/nav"
SPI = "/x/frontend/finger/spi"


def test_code_fault_with_count(fresh_sim: Sim) -> None:
    fault = fresh_sim.control("/fault", {"path": NAV, "kind": "code", "code": -412, "count": 2})
    assert fault.status_code == 200 and fault.json()["count"] == 2
    for _ in range(2):
        response = fresh_sim.get(NAV)
        assert response.status_code == 200
        assert response.json() == {"code": -412, "message": "请求被拦截", "ttl": 1, "data": None}
    assert fresh_sim.get(NAV).json()["code"] == -101  # back to normal
    assert fresh_sim.control("/fault", method="GET").json() == []


def test_fault_after_some_normal_answers(fresh_sim: Sim) -> None:
    fresh_sim.control("/fault", {"path": NAV, "kind": "code", "code": -412, "after": 2})
    assert [fresh_sim.get(NAV).json()["code"] for _ in range(4)] == [-101, -101, -412, -101]


def test_code_fault_other_messages(fresh_sim: Sim) -> None:
    fresh_sim.control("/fault", {"path": SPI, "kind": "code", "code": -352})
    fresh_sim.control("/fault", {"path": SPI, "kind": "code", "code": -799})
    assert fresh_sim.get(SPI).json()["message"] == "风控校验失败"
    assert fresh_sim.get(SPI).json()["message"] == "请求过于频繁，请稍后再试"
    assert fresh_sim.get(SPI).json()["message"] == "ok"


def test_http_fault_html_and_json(fresh_sim: Sim) -> None:
    fresh_sim.control("/fault", {"path": NAV, "kind": "http", "status": 412})
    response = fresh_sim.get(NAV)
    assert response.status_code == 412
    assert response.headers["Content-Type"].startswith("text/html")
    with pytest.raises(ValueError):
        response.json()
    fresh_sim.control("/fault", {"path": NAV, "kind": "http", "status": 412, "body": "json"})
    response = fresh_sim.get(NAV)
    assert response.status_code == 412 and response.json()["code"] == -412
    fresh_sim.control("/fault", {"path": NAV, "kind": "http", "status": 503})
    assert fresh_sim.get(NAV).status_code == 503


def test_garbled_fault(fresh_sim: Sim) -> None:
    fresh_sim.control("/fault", {"path": SPI, "kind": "garbled"})
    response = fresh_sim.get(SPI)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_slow_fault(fresh_sim: Sim) -> None:
    fresh_sim.control("/fault", {"path": SPI, "kind": "slow", "seconds": 0.3})
    started = time.monotonic()
    assert fresh_sim.get(SPI).json()["code"] == 0
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    fresh_sim.get(SPI)
    assert time.monotonic() - started < 0.3


def test_fault_restricted_to_a_user(fresh_sim: Sim) -> None:
    alice, bob = fresh_sim.login(10001), fresh_sim.login(10002)
    fresh_sim.control(
        "/fault", {"path": NAV, "kind": "code", "code": -412, "count": -1, "mid": 10002}
    )
    for _ in range(3):
        assert fresh_sim.get(NAV, cookies=bob.cookies).json()["code"] == -412
    assert fresh_sim.get(NAV, cookies=alice.cookies).json()["code"] == 0
    assert fresh_sim.get(NAV).json()["code"] == -101
    # Attributed by SESSDATA even after that session died.
    fresh_sim.control("/session/expire", {"mid": 10002})
    assert fresh_sim.get(NAV, cookies=bob.cookies).json()["code"] == -412
    assert fresh_sim.control("/fault", method="DELETE").json() == {"ok": True}
    assert fresh_sim.get(NAV, cookies=bob.cookies).json()["code"] == -101


def test_fault_applies_to_login_and_wildcard(fresh_sim: Sim) -> None:
    fresh_sim.control("/fault", {"path": "/x/passport-login/web/qrcode/generate", "kind": "code",
                           "code": -412})
    assert fresh_sim.get("/x/passport-login/web/qrcode/generate").json()["code"] == -412
    fresh_sim.control("/fault", {"path": "*", "kind": "code", "code": -509, "count": 2})
    assert fresh_sim.get(SPI).json()["code"] == -509
    assert fresh_sim.get(NAV).json()["message"] == "超出限制"
    assert fresh_sim.get(SPI).json()["code"] == 0
    # Control paths are never faulted.
    fresh_sim.control("/fault", {"path": "*", "kind": "http", "status": 500, "count": -1})
    assert fresh_sim.control("/users", method="GET").status_code == 200


@pytest.mark.parametrize("body", [
    {"kind": "code", "code": -412},
    {"path": NAV, "kind": "nope"},
    {"path": NAV, "kind": "code"},
    {"path": NAV, "kind": "http", "status": 200},
    {"path": NAV, "kind": "slow", "seconds": "x"},
    {"path": NAV, "kind": "code", "code": -412, "count": 0},
    {"path": NAV, "kind": "code", "code": -412, "after": -1},
    {"path": "/_sim/users", "kind": "code", "code": -412},
    ["not", "an", "object"],
])
def test_bad_fault_bodies(fresh_sim: Sim, body: object) -> None:
    response = fresh_sim.control("/fault", body)
    assert response.status_code == 400 and response.json()["error"]


def test_counters_by_path_and_user(fresh_sim: Sim) -> None:
    alice = fresh_sim.login(10001)
    bob = fresh_sim.login(10003)
    fresh_sim.control("/counters/reset")
    t0 = fresh_sim.clock.now
    fresh_sim.get(NAV, cookies=alice.cookies)
    fresh_sim.get(NAV, cookies=alice.cookies)
    fresh_sim.get(NAV, cookies=bob.cookies)
    fresh_sim.get(SPI)
    fresh_sim.control("/fault", {"path": SPI, "kind": "code", "code": -412})
    fresh_sim.get(SPI)  # faulted requests count too
    fresh_sim.control("/users", method="GET")  # control requests do not
    counters = fresh_sim.control("/counters", method="GET").json()
    assert counters["total"] == 5
    assert counters["by_path"] == {NAV: 3, SPI: 2}
    assert counters["by_user"] == {"10001": 2, "10003": 1}
    assert [entry[1:] for entry in counters["log"]] == [
        [NAV, 10001], [NAV, 10001], [NAV, 10003], [SPI, None], [SPI, None]]
    assert all(entry[0] == t0 for entry in counters["log"])
    assert fresh_sim.control("/counters/reset").json() == {"ok": True}
    assert fresh_sim.control("/counters", method="GET").json() == {
        "total": 0, "by_path": {}, "by_user": {}, "log": []}


def test_login_flow_is_counted(fresh_sim: Sim) -> None:
    fresh_sim.login(10001)  # generate, poll (control calls in between are not counted)
    counters = fresh_sim.control("/counters", method="GET").json()
    assert counters["by_path"] == {"/x/passport-login/web/qrcode/generate": 1,
                                   "/x/passport-login/web/qrcode/poll": 1}
    assert counters["by_user"] == {}
