"""One place where every client request passes the gate, the retry policy and, for signed
endpoints, WBI signing with one key refresh. Endpoint modules only say what to ask.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests

from bilibili import errors
from bilibili.gate import Gate
from bilibili.http import REFERER, Hosts, Reply, Transport
from bilibili.retry import RetryPolicy
from bilibili.wbi import WbiKeys, sign

log = logging.getLogger(__name__)

T = TypeVar("T")

# Sent with anonymous calls too: risk control treats traffic without buvid3 as a bot (§4.1).
DEVICE_COOKIES = ("buvid3", "buvid4", "b_nut", "bili_ticket", "bili_ticket_expires")


def mid_of(cookies: Mapping[str, str] | None) -> int | None:
    """The user a request speaks for (cookie ``DedeUserID``), for per-user cool-downs."""
    value = (cookies or {}).get("DedeUserID", "")
    return int(value) if value.isdigit() else None


def device_only(cookies: Mapping[str, str] | None) -> dict[str, str]:
    """Only the device-id cookies: for lists that must not be personalised (popular)."""
    return {k: v for k, v in (cookies or {}).items() if k in DEVICE_COOKIES}


def space_referer(mid: int) -> str:
    return f"https://space.bilibili.com/{mid}"


class Caller:
    """Sends envelope calls for :class:`bilibili.client.BiliClient` and cookie refresh.

    ``device`` (buvid3/buvid4) goes under every request's cookies; the per-call cookies
    win. No user cookie is ever kept here.
    """

    def __init__(
        self,
        transport: Transport,
        gate: Gate,
        retry: RetryPolicy,
        wbi_keys: WbiKeys | None = None,
        *,
        device: Mapping[str, str] | None = None,
        wbi_ttl_s: float = 6 * 3600,
    ) -> None:
        self.transport = transport
        self.gate = gate
        self.retry = retry
        self.device = dict(device or {})
        self.wbi_keys = wbi_keys or WbiKeys(self.nav_wbi_img, ttl_s=wbi_ttl_s)

    @property
    def hosts(self) -> Hosts:
        return self.transport.hosts

    def nav_wbi_img(self) -> Any:
        """nav ``data`` (it carries ``wbi_img`` even logged out, code -101), anonymously."""
        url = f"{self.hosts.api}/x/web-interface/nav"
        return self.call("GET", url, accept_codes=(0, -101)).data

    def call(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        form: Mapping[str, Any] | None = None,
        cookies: Mapping[str, str] | None = None,
        referer: str = REFERER,
        signed: bool = False,
        accept_codes: tuple[int, ...] = (0,),
        retry: bool = True,
        risk_cooldown: bool = True,
    ) -> Reply:
        """One envelope call. ``retry=False`` for POSTs that must not be sent twice.
        ``risk_cooldown=False`` for an optional source whose -352 must not pause the
        user's other calls (``x/space/wbi/arc/search``): the error still goes up."""
        mid = mid_of(cookies)
        jar = {**self.device, **(cookies or {})}
        path = urlsplit(url).path

        def once(query: Mapping[str, Any] | None) -> Reply:
            self.gate.before_request(mid)
            reply = self.transport.call(
                method, url, params=query, form=form, cookies=jar, referer=referer,
                accept_codes=accept_codes,
            )
            _check_voucher(reply, path)
            return reply

        def attempts(signed: bool) -> Reply:
            # Keys are read once per signing round, outside the retry loop, so a failing
            # nav read is retried by its own call and not once more per attempt here.
            keys = self.wbi_keys.keys() if signed else None

            def attempt() -> Reply:
                if keys is None:
                    return once(params)
                return once(sign(params or {}, *keys, int(time.time())))

            return self.retry.run(attempt) if retry else attempt()

        return self._guarded(mid, lambda: self._with_key_refresh(path, signed, attempts),
                             risk_cooldown=risk_cooldown)

    def page(
        self,
        url: str,
        *,
        cookies: Mapping[str, str] | None = None,
        referer: str = REFERER,
    ) -> requests.Response:
        """A plain GET (HTML pages), gated and retried like envelope calls."""
        mid = mid_of(cookies)
        jar = {**self.device, **(cookies or {})}

        def attempt() -> requests.Response:
            self.gate.before_request(mid)
            return self.transport.request("GET", url, cookies=jar, referer=referer)

        return self._guarded(mid, lambda: self.retry.run(attempt))

    def _with_key_refresh(
        self, path: str, signed: bool, attempts: Callable[[bool], Reply]
    ) -> Reply:
        if not signed:
            return attempts(False)
        try:
            return attempts(True)
        except errors.BiliError as exc:
            if not _stale_keys(exc):
                raise
            # Keys rotate about daily; a refusal of a signed call is the sign (§3.2).
            log.info("%s: signed call refused (code %s); re-reading WBI keys", path, exc.code)
            self.wbi_keys.invalidate()
            return attempts(True)

    def _guarded(self, mid: int | None, fn: Callable[[], T], *,
                 risk_cooldown: bool = True) -> T:
        """Run ``fn``; tell the gate about risk control before the error goes up
        (a -352 only when ``risk_cooldown``; a -412 always: it concerns every call).

        Calls nest (a signed call may read nav first), so each error is reported once.
        """
        try:
            return fn()
        except (errors.Intercepted, errors.RiskCheckFailed) as exc:
            quiet = not risk_cooldown and isinstance(exc, errors.RiskCheckFailed)
            if not quiet and not getattr(exc, "_gate_told", False):
                exc._gate_told = True  # type: ignore[attr-defined]
                if isinstance(exc, errors.Intercepted):
                    self.gate.on_intercepted()
                else:
                    self.gate.on_risk_check(mid)
            raise


def _check_voucher(reply: Reply, path: str) -> None:
    # Newer risk control answers code 0 with only a v_voucher instead of the payload.
    data = reply.data
    if isinstance(data, dict) and data.get("v_voucher"):
        raise errors.RiskCheckFailed("v_voucher instead of data", code=-352, path=path)


def _stale_keys(exc: errors.BiliError) -> bool:
    if isinstance(exc, errors.CoolingDown):
        return False
    return exc.code in (-352, -403)
