"""The HTTP layer every bilibili call goes through: browser headers, timeouts, explicit
per-request cookies, and the ``{code, message, data}`` envelope turned into typed errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from bilibili import errors
from bilibili.cookies import cookie_header, parse_set_cookie

# A current desktop browser; bilibili answers -412 to user agents that look like scripts.
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
)
REFERER = "https://www.bilibili.com/"


@dataclass(frozen=True)
class Hosts:
    api: str = "https://api.bilibili.com"
    passport: str = "https://passport.bilibili.com"
    www: str = "https://www.bilibili.com"


@dataclass(frozen=True)
class Reply:
    """One parsed answer: the envelope's fields plus any cookies it set."""

    code: int
    message: str
    data: Any
    set_cookies: dict[str, str] = field(default_factory=dict, repr=False)
    body: dict[str, Any] = field(default_factory=dict, repr=False)


class Transport:
    def __init__(
        self,
        hosts: Hosts,
        *,
        timeout_s: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self.hosts = hosts
        self._timeout_s = timeout_s
        self._http = session or requests.Session()
        # Cookies go in an explicit header per request; a shared jar would mix users.
        self._http.cookies.set_policy(_NoCookies())

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        form: Mapping[str, Any] | None = None,
        cookies: Mapping[str, str] | None = None,
        referer: str = REFERER,
    ) -> requests.Response:
        """Send one request; transport failures and non-200 statuses become typed errors."""
        path = urlsplit(url).path
        headers = {"User-Agent": USER_AGENT, "Referer": referer, "Accept": "application/json"}
        if cookies:
            headers["Cookie"] = cookie_header(cookies)
        try:
            resp = self._http.request(
                method,
                url,
                params=params,
                data=form,
                headers=headers,
                timeout=self._timeout_s,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise errors.Transient("timed out", path=path) from None
        except requests.RequestException as exc:
            raise errors.Transient(f"connection failed ({type(exc).__name__})", path=path) from None
        if resp.status_code != 200:
            raise errors.error_for_http(resp.status_code, path=path)
        return resp

    def call(
        self,
        method: str,
        url: str,
        *,
        accept_codes: tuple[int, ...] = (0,),
        **kwargs: Any,
    ) -> Reply:
        """One envelope call; codes outside ``accept_codes`` raise the matching typed error."""
        resp = self.request(method, url, **kwargs)
        reply = parse_envelope(resp.content, path=urlsplit(url).path)
        reply = Reply(
            code=reply.code,
            message=reply.message,
            data=reply.data,
            set_cookies=parse_set_cookie(_set_cookie_headers(resp)),
            body=reply.body,
        )
        if reply.code not in accept_codes:
            raise errors.error_for(reply.code, reply.message, path=urlsplit(url).path)
        return reply


def parse_envelope(content: bytes, *, path: str = "") -> Reply:
    """Decode ``{code, message, data}``; garbage (HTML, truncated JSON) is a Transient error."""
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise errors.Transient("answer is not JSON", path=path) from None
    if not isinstance(body, dict) or not isinstance(body.get("code"), int):
        raise errors.Transient("answer has no envelope code", path=path)
    message = body.get("message")
    return Reply(
        code=body["code"],
        message=message if isinstance(message, str) else "",
        data=body.get("data"),
        body=body,
    )


def _set_cookie_headers(resp: requests.Response) -> list[str]:
    raw = getattr(resp.raw, "headers", None)
    if raw is not None and hasattr(raw, "getlist"):
        return list(raw.getlist("Set-Cookie"))
    value = resp.headers.get("Set-Cookie")
    return [value] if value else []


class _NoCookies(requests.cookies.cookielib.DefaultCookiePolicy):
    def set_ok(self, cookie, request):  # cookielib's signature
        return False
