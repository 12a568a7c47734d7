"""Credential value generators, Set-Cookie formatting and Cookie parsing.

Pure functions (an explicit ``random.Random`` is passed in) so they are easy to
reuse and to test. Nothing here logs or prints values.
"""

from __future__ import annotations

import base64
import random
import string
import time
from email.utils import formatdate
from urllib.parse import unquote

COOKIE_LIFETIME_S = 180 * 86400  # captured Expires = login time + 180 d (§0)
COOKIE_DOMAIN = "bilibili.com"
EPOCH_EXPIRES = "Thu, 01 Jan 1970 00:00:00 GMT"


def hex_token(rng: random.Random, n: int = 32) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def sessdata(rng: random.Random, expires_s: int) -> str:
    """Raw SESSDATA like ``11d97d2a,1739265009,928d7*82CjC…``: 8 hex, the
    expiry in Unix seconds, 5 hex, ``*``, 2 hex, then a base64url tail as in
    current (2023+) values. Contains ``,`` and ``*`` on purpose (§0)."""
    tail = base64.urlsafe_b64encode(rng.randbytes(48)).decode().rstrip("=")
    return f"{hex_token(rng, 8)},{expires_s},{hex_token(rng, 5)}*{hex_token(rng, 2)}Cj{tail}"


def sid(rng: random.Random) -> str:
    """``sid``: 8 lower-case alphanumerics (e.g. ``c46edd07``)."""
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(8))


def cookie_wire_value(raw: str) -> str:
    """The form the cookie travels in: ``,`` as ``%2C``, ``*`` kept raw.

    Browser-copied cookies look like ``SESSDATA=841ef177%2C1614055178%2Cfc31d*81``,
    so that is what Set-Cookie and the crossDomain URL carry here. Which form the
    real server prefers on input is unverified (§0); the simulator accepts both
    (see :func:`parse_cookie_header`).
    """
    return raw.replace("%", "%25").replace(",", "%2C").replace(";", "%3B").replace(" ", "%20")


def http_date(ts: float) -> str:
    return formatdate(ts, usegmt=True)


def set_cookie_header(name: str, value: str, expires_s: float, *, http_only: bool = False) -> str:
    """``name=value; Path=/; Domain=bilibili.com; Expires=…[; HttpOnly; Secure]``
    in the attribute order of the captured login response (§1.2)."""
    header = f"{name}={value}; Path=/; Domain={COOKIE_DOMAIN}; Expires={http_date(expires_s)}"
    if http_only:
        header += "; HttpOnly; Secure"
    return header


def clear_cookie_header(name: str) -> str:
    """Deletion cookie sent on logout. Exact real attributes are unverified;
    an empty value with an epoch Expires and Max-Age=0 deletes in every client."""
    return f"{name}=; Path=/; Domain={COOKIE_DOMAIN}; Expires={EPOCH_EXPIRES}; Max-Age=0"


def parse_cookie_header(header: str | None) -> dict[str, str]:
    """Parse a ``Cookie`` header leniently, percent-decoding each value.

    SESSDATA may arrive raw (``a,b,c*d``) or encoded (``a%2Cb%2Cc%2Ad``); real
    values never contain a literal ``%``, so unquoting maps both forms to the
    same key. Werkzeug's own parser is not used because it keeps the encoded
    form and treats quoting differently. First occurrence of a name wins.
    """
    cookies: dict[str, str] = {}
    if not header:
        return cookies
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if not sep or not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        cookies.setdefault(name.strip(), unquote(value))
    return cookies


def now_ms(clock: float | None = None) -> int:
    return int((time.time() if clock is None else clock) * 1000)
