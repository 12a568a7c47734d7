"""Cookie refresh (bilibili-api.md §11): cookie/info → correspond page → cookie/refresh →
confirm/refresh. Keeps a session alive past its cookies' rotation.

Nothing here logs or puts into an error a cookie, csrf, refresh_csrf or refresh_token.
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Callable, Mapping

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bilibili import errors
from bilibili.calls import Caller
from bilibili.cookies import LOGIN_COOKIES
from bilibili.gate import Gate, NoGate
from bilibili.http import Transport
from bilibili.login import Credentials
from bilibili.retry import RetryPolicy

log = logging.getLogger(__name__)

# bilibili's public key for correspondPath (§11 step 2).
BILIBILI_PUBLIC_KEY = b"""-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDLgd2OAkcGVtoE3ThUREbio0Eg
Uc/prcajMKXvkCKFCWhJYJcLkcM2DKKcSeFpD/j6Boy538YXnR6VhcuUJOhH2x71
nzPjfdTcqMz7djHum0qSZA0AyCBDABUqCrfNgCiJ00Ra7GmRj+YCK1NJEuewlb40
JNrRuoEUXpabUzGB8QIDAQAB
-----END PUBLIC KEY-----
"""

_REFRESH_CSRF = re.compile(r'<div\s+id="1-name"\s*>\s*([^<]*?)\s*</div>', re.IGNORECASE)


def correspond_path(timestamp_ms: int, public_key_pem: bytes = BILIBILI_PUBLIC_KEY) -> str:
    """Lower-case hex of RSA-OAEP(SHA-256, MGF1-SHA-256) of ``refresh_<timestamp_ms>``."""
    key = serialization.load_pem_public_key(public_key_pem)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("correspondPath needs an RSA public key")
    cipher = key.encrypt(
        f"refresh_{timestamp_ms}".encode(),
        padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
    )
    return cipher.hex()


def parse_refresh_csrf(page: str) -> str | None:
    """The text of ``<div id="1-name">…</div>`` in the correspond page, or None."""
    found = _REFRESH_CSRF.search(page)
    value = html.unescape(found.group(1)).strip() if found else ""
    return value or None


class CookieRefresher:
    def __init__(
        self,
        transport: Transport,
        gate: Gate | None = None,
        *,
        retry: RetryPolicy | None = None,
        public_key_pem: bytes = BILIBILI_PUBLIC_KEY,
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self._c = Caller(transport, gate or NoGate(), retry or RetryPolicy())
        self._hosts = transport.hosts
        self._key = public_key_pem
        self._clock_ms = clock_ms

    def needs_refresh(self, cookies: Mapping[str, str]) -> bool:
        """Whether bilibili wants these cookies rotated; NotLoggedIn if they are dead."""
        # ``csrf`` is optional here; left out so no token sits in a URL (HTTP debug logs).
        reply = self._c.call(
            "GET", f"{self._hosts.passport}/x/passport-login/web/cookie/info", cookies=cookies
        )
        data = reply.data if isinstance(reply.data, dict) else {}
        return data.get("refresh") is True

    def refresh(self, cookies: Mapping[str, str], refresh_token: str, *,
                on_refreshed: Callable[[Credentials], None] | None = None) -> Credentials:
        """Rotate the login cookies; returns the new cookies (device ids kept) and the new
        refresh_token. -101 at any step raises NotLoggedIn.

        ``on_refreshed`` gets the new login as soon as cookie/refresh answers, before
        confirm/refresh: the caller stores it there, since the old refresh_token is spent
        from that moment and a crash before the end would otherwise lose the login.

        The two POSTs are sent once, never retried: a lost answer to cookie/refresh has
        already spent the old token, and sending it again cannot help.
        """
        if not refresh_token:
            raise errors.NotLoggedIn("no refresh_token stored", code=-101)
        refresh_csrf = self._refresh_csrf(cookies)
        reply = self._c.call(
            "POST", f"{self._hosts.passport}/x/passport-login/web/cookie/refresh",
            form={"csrf": cookies.get("bili_jct", ""), "refresh_csrf": refresh_csrf,
                  "source": "main_web", "refresh_token": refresh_token},
            cookies=cookies, retry=False,
        )
        data = reply.data if isinstance(reply.data, dict) else {}
        new_token = data.get("refresh_token")
        fresh = {k: v for k, v in reply.set_cookies.items() if k in LOGIN_COOKIES and v}
        if not fresh.get("SESSDATA") or not fresh.get("bili_jct") or not new_token:
            raise errors.BadRequest("cookie/refresh answered no new session")
        new_cookies = {k: v for k, v in cookies.items() if k not in LOGIN_COOKIES}
        new_cookies.update(fresh)
        new = Credentials(cookies=new_cookies, refresh_token=str(new_token))
        if on_refreshed is not None:
            on_refreshed(new)
        self._confirm(new_cookies, refresh_token)
        return new

    def _refresh_csrf(self, cookies: Mapping[str, str]) -> str:
        path = correspond_path(self._clock_ms(), self._key)
        url = f"{self._hosts.www}/correspond/1/{path}"
        try:
            resp = self._c.page(url, cookies=cookies)
        except errors.NotFound:
            # A 404 page: the path was not accepted (or the session is gone). Retrying
            # with the same clock would not help; the next daily check tries again.
            raise errors.BadRequest("correspond page answered 404", path="/correspond/1") from None
        value = parse_refresh_csrf(resp.text)
        if value is None:
            raise errors.Transient("correspond page carries no refresh_csrf", path="/correspond/1")
        return value

    def _confirm(self, new_cookies: Mapping[str, str], old_token: str) -> None:
        """Invalidate the old session. Uses the OLD refresh_token (§11 step 5)."""
        try:
            self._c.call(
                "POST", f"{self._hosts.passport}/x/passport-login/web/confirm/refresh",
                form={"csrf": new_cookies.get("bili_jct", ""), "refresh_token": old_token},
                cookies=new_cookies, retry=False,
            )
        except errors.NotLoggedIn:
            raise
        except errors.BiliError as exc:
            # The new session works and the old token is already spent: losing the new
            # cookies now would be worse than leaving the old session alive until expiry.
            log.warning("confirm/refresh failed (%s); keeping the new session", exc)
