"""Fixtures: a fresh simulator per test, served over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from simulator import SimState, create_app, wbi
from simulator.server import start_in_thread

Jar = dict[str, str] | None


class FakeClock:
    """Wall clock that tests can move forward (QR expiry, cookie timestamps)."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def set_cookies(response: requests.Response) -> list[str]:
    """Raw Set-Cookie headers (requests would join them with ", ", which
    collides with the commas inside Expires)."""
    return response.raw.headers.getlist("Set-Cookie")


def cookie_values(response: requests.Response) -> dict[str, str]:
    out = {}
    for header in set_cookies(response):
        name, _, value = header.split(";", 1)[0].partition("=")
        out[name] = value
    return out


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


@dataclass
class Login:
    mid: int
    cookies: dict[str, str]
    refresh_token: str


@dataclass
class Sim:
    url: str
    state: SimState
    clock: FakeClock
    http: requests.Session

    def request(
        self, method: str, path: str, cookies: dict[str, str] | None = None, **kw: Any
    ) -> requests.Response:
        """An API call; ``cookies`` go into a hand-built Cookie header because the
        simulator's Set-Cookie Domain (bilibili.com) never matches 127.0.0.1."""
        headers = kw.pop("headers", {})
        if cookies:
            headers["Cookie"] = cookie_header(cookies)
        return self.http.request(method, self.url + path, headers=headers, timeout=5, **kw)

    def get(self, path: str, cookies: Jar = None, **kw: Any) -> requests.Response:
        return self.request("GET", path, cookies, **kw)

    def post(self, path: str, cookies: Jar = None, **kw: Any) -> requests.Response:
        return self.request("POST", path, cookies, **kw)

    def control(self, path: str, body: Any = None, method: str = "POST") -> requests.Response:
        return self.http.request(method, f"{self.url}/_sim{path}", json=body, timeout=5)

    def new_qr(self) -> str:
        return self.get("/x/passport-login/web/qrcode/generate").json()["data"]["qrcode_key"]

    def poll(self, key: str) -> requests.Response:
        return self.get("/x/passport-login/web/qrcode/poll", params={"qrcode_key": key})

    def login(self, mid: int = 10001) -> Login:
        key = self.new_qr()
        assert self.control("/qr/login", {"qrcode_key": key, "mid": mid}).status_code == 200
        response = self.poll(key)
        data = response.json()["data"]
        assert data["code"] == 0
        return Login(mid, cookie_values(response), data["refresh_token"])


    # -- world helpers -------------------------------------------------------

    def user(self, mid: int = 10001) -> dict[str, str]:
        """Login cookies of ``mid`` plus a buvid3, as a polite client sends them."""
        return self.login(mid).cookies | {"buvid3": BUVID3}

    def api(self, path: str, cookies: Jar = None, **params: Any) -> dict[str, Any]:
        """GET ``path`` with query ``params``; the decoded envelope."""
        response = self.get(path, cookies, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def signed(self, **params: Any) -> dict[str, Any]:
        """``params`` plus ``wts``/``w_rid`` for the current WBI keys (§3)."""
        out = {k: str(v) for k, v in params.items()} | {"wts": str(int(self.clock.now))}
        return out | {"w_rid": wbi.w_rid(out, self.state.wbi)}


BUVID3 = "D9656DA8-9BEF-F464-5B72-C4849AFD336379044infoc"


@contextmanager
def running_sim(public_url: str = "", **state_kw: Any) -> Iterator[Sim]:
    clock = FakeClock()
    state = SimState(seed=state_kw.pop("seed", 1), qr_ttl_s=180.0, clock=clock, **state_kw)
    url, stop = start_in_thread(create_app(state, public_url=public_url))
    http = requests.Session()
    http.trust_env = False  # never route loopback through an environment proxy
    try:
        yield Sim(url, state, clock, http)
    finally:
        http.close()
        stop()


@pytest.fixture
def fresh_sim() -> Iterator[Sim]:
    with running_sim() as s:
        yield s


@pytest.fixture(scope="module")
def module_sim() -> Iterator[Sim]:
    """One simulator per test module, for tests that only read the world
    (never advance it or change faults/keys)."""
    with running_sim() as s:
        yield s
