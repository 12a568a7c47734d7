"""Device identity (§4.2): buvid3/buvid4 via finger/spi, getbuvid, and the
www.bilibili.com home page's Set-Cookie."""

from __future__ import annotations

import base64
import time

from flask import Blueprint, Response, request

from . import credentials, envelope, pages
from .state import SimState, get_state

bp = Blueprint("sim_device", __name__)

BUVID_LIFETIME_S = 365 * 86400


def _uuid_upper(state: SimState) -> str:
    h = state.token(32).upper()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _digits(state: SimState, n: int) -> str:
    with state.lock:
        return "".join(state.rng.choice("0123456789") for _ in range(n))


def new_buvid3(state: SimState) -> str:
    """Upper-case UUID + 5 digits + ``infoc`` (``D9656DA8-…-C4849AFD336379044infoc``)."""
    return f"{_uuid_upper(state)}{_digits(state, 5)}infoc"


def new_buvid4(state: SimState) -> str:
    """UUID + 5 digits + ``-0YYMMDDHH-`` + base64 of 16 bytes, like the doc's
    example ``…F5AB79044-024072309-666onEZSnlHVPjoRp4kDYg==``."""
    stamp = time.strftime("%y%m%d%H", time.gmtime(state.now()))
    with state.lock:
        tail = base64.b64encode(state.rng.randbytes(16)).decode()
    return f"{_uuid_upper(state)}{_digits(state, 5)}-0{stamp}-{tail}"


@bp.get("/x/frontend/finger/spi")
def finger_spi() -> Response:
    state = get_state()
    # Envelope exception: {code, data, message:"ok"}, no ttl, no Set-Cookie.
    return envelope.json_response(
        {"code": 0, "data": {"b_3": new_buvid3(state), "b_4": new_buvid4(state)}, "message": "ok"}
    )


@bp.get("/x/web-frontend/getbuvid")
def getbuvid() -> Response:
    # Envelope exception: {code, data} only.
    return envelope.json_response({"code": 0, "data": {"buvid": new_buvid3(get_state())}})


@bp.get("/")
def www_home() -> Response:
    """www.bilibili.com/: Set-Cookie buvid3 + b_nut unless the request already
    has both, and never for a UA containing curl/python (§4.2)."""
    state = get_state()
    response = envelope.html_response(pages.WWW_HOME)
    cookies = credentials.parse_cookie_header(request.headers.get("Cookie"))
    agent = request.headers.get("User-Agent", "").lower()
    if ("buvid3" in cookies and "b_nut" in cookies) or "curl" in agent or "python" in agent:
        return response
    now = int(state.now())
    expires = credentials.http_date(now + BUVID_LIFETIME_S)
    for name, value in (("buvid3", new_buvid3(state)), ("b_nut", str(now))):
        response.headers.add(
            "Set-Cookie", f"{name}={value}; path=/; expires={expires}; domain=.bilibili.com"
        )
    return response
