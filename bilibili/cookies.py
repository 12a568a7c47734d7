"""Cookie handling done by hand: bilibili sets ``Domain=bilibili.com`` cookies that a
cookie jar would drop for any other host (a simulator, a proxy), and each user's cookies
must travel only with that user's requests, so the client never keeps a shared jar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlsplit

LOGIN_COOKIES = ("SESSDATA", "bili_jct", "DedeUserID", "DedeUserID__ckMd5", "sid")


def parse_set_cookie(headers: Iterable[str]) -> dict[str, str]:
    """Name → value of each Set-Cookie header; values kept byte-for-byte (SESSDATA has ``,``)."""
    cookies: dict[str, str] = {}
    for header in headers:
        pair = header.split(";", 1)[0]
        name, sep, value = pair.partition("=")
        if sep and name.strip():
            cookies[name.strip()] = value.strip()
    return cookies


def cookies_from_sso_url(url: str) -> dict[str, str]:
    """Login cookies from the query of the QR poll's cross-domain ``data.url`` (fallback)."""
    query = urlsplit(url).query
    return {k: v for k, v in parse_qsl(query, keep_blank_values=True) if k in LOGIN_COOKIES}


def cookie_header(cookies: Mapping[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items() if v)
