"""QR-code login, account info (nav), device ids (finger/spi) and logout (§1, §2, §4, §12)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from bilibili import errors
from bilibili.cookies import LOGIN_COOKIES, cookies_from_sso_url
from bilibili.http import Transport


@dataclass(frozen=True)
class Credentials:
    """A user's login cookies (plus device ids) and refresh_token. Never log or send them."""

    cookies: dict[str, str] = field(repr=False)
    refresh_token: str = field(repr=False, default="")

    @property
    def mid(self) -> int | None:
        value = self.cookies.get("DedeUserID", "")
        return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class QrCode:
    qrcode_key: str
    url: str  # the QR content; carries no credentials
    expires_in: int = 180


class PollState(enum.Enum):
    WAITING = "waiting"
    SCANNED = "scanned"
    EXPIRED = "expired"
    SUCCESS = "success"


_POLL_STATES = {86101: PollState.WAITING, 86090: PollState.SCANNED, 86038: PollState.EXPIRED}


def poll_state(code: int) -> PollState:
    """The QR state for the poll's ``data.code``; unknown codes are an error, not a state."""
    if code == 0:
        return PollState.SUCCESS
    try:
        return _POLL_STATES[code]
    except KeyError:
        raise errors.BadRequest(f"unknown QR poll code {code}", code=code) from None


@dataclass(frozen=True)
class PollResult:
    state: PollState
    credentials: Credentials | None = None


@dataclass(frozen=True)
class Account:
    mid: int
    uname: str
    face: str


class LoginClient:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def device_ids(self) -> dict[str, str]:
        """A fresh buvid3/buvid4 pair for this installation."""
        reply = self._t.call("GET", f"{self._t.hosts.api}/x/frontend/finger/spi")
        data = reply.data if isinstance(reply.data, dict) else {}
        b3, b4 = data.get("b_3"), data.get("b_4")
        if not isinstance(b3, str) or not b3:
            raise errors.Transient("finger/spi answered no buvid3")
        return {"buvid3": b3, "buvid4": b4 if isinstance(b4, str) else ""}

    def generate(self, device: dict[str, str] | None = None) -> QrCode:
        reply = self._t.call(
            "GET",
            f"{self._t.hosts.passport}/x/passport-login/web/qrcode/generate",
            params={"source": "main-fe-header"},
            cookies=device,
        )
        data = reply.data if isinstance(reply.data, dict) else {}
        key, url = data.get("qrcode_key"), data.get("url")
        if not isinstance(key, str) or not key or not isinstance(url, str) or not url:
            raise errors.Transient("QR generate answered no key")
        return QrCode(qrcode_key=key, url=url)

    def poll(self, qrcode_key: str, device: dict[str, str] | None = None) -> PollResult:
        reply = self._t.call(
            "GET",
            f"{self._t.hosts.passport}/x/passport-login/web/qrcode/poll",
            params={"qrcode_key": qrcode_key, "source": "main-fe-header"},
            cookies=device,
        )
        data = reply.data if isinstance(reply.data, dict) else None
        if data is None or not isinstance(data.get("code"), int):
            raise errors.Transient("QR poll answered no state")
        state = poll_state(data["code"])
        if state is not PollState.SUCCESS:
            return PollResult(state)
        return PollResult(state, _credentials(data, reply.set_cookies, device or {}))

    def account(self, credentials: Credentials) -> Account:
        """Who these cookies belong to; NotLoggedIn when bilibili says they are dead."""
        reply = self._t.call(
            "GET", f"{self._t.hosts.api}/x/web-interface/nav", cookies=credentials.cookies
        )
        data = reply.data if isinstance(reply.data, dict) else {}
        mid = data.get("mid")
        if not data.get("isLogin") or not isinstance(mid, int):
            raise errors.NotLoggedIn("nav says not logged in", code=-101)
        uname, face = str(data.get("uname") or mid), str(data.get("face") or "")
        return Account(mid=mid, uname=uname, face=face)

    def logout(self, credentials: Credentials) -> None:
        """Invalidate the session at bilibili. An HTML answer means it was already dead."""
        resp = self._t.request(
            "POST",
            f"{self._t.hosts.passport}/login/exit/v2",
            form={"biliCSRF": credentials.cookies.get("bili_jct", "")},
            cookies=credentials.cookies,
        )
        try:
            body: Any = resp.json()
        except ValueError:
            return
        if isinstance(body, dict) and body.get("code") not in (0, None):
            raise errors.error_for(int(body["code"]), str(body.get("message", "")))


def _credentials(
    data: dict[str, Any], set_cookies: dict[str, str], device: dict[str, str]
) -> Credentials:
    # Set-Cookie is authoritative; the SSO URL's query is the fallback (§1.2).
    url = data.get("url")
    cookies = cookies_from_sso_url(url) if isinstance(url, str) else {}
    cookies.update({k: v for k, v in set_cookies.items() if k in LOGIN_COOKIES and v})
    if not cookies.get("SESSDATA") or not cookies.get("bili_jct"):
        raise errors.Transient("QR login succeeded but no session cookie arrived")
    cookies.update({k: v for k, v in device.items() if v})
    token = data.get("refresh_token")
    return Credentials(cookies=cookies, refresh_token=token if isinstance(token, str) else "")


