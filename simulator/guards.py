"""The one place for the checks world endpoints share, and their parameters.

``@api(wbi=…, buvid3=…, login=…)`` wraps a view: checks run in that order
(risk control before login, as an edge would), then the view runs under the
state lock with ``(world, account)``. A view raises :class:`ApiError` for an
error envelope (e.g. ``-400`` for a bad parameter).

* ``wbi=True``: a missing or wrong ``w_rid`` → ``-352`` with ``data.v_voucher``
  and the ``x-bili-gaia-vvoucher`` header (§3.2, newer behaviour).
* ``buvid3=True``: per-user data endpoints refuse a request without a
  ``buvid3`` cookie with the same ``-352`` (§4.1 allows it; keeps the client
  honest).
* ``login=True``: no live SESSDATA → ``-101``. ``login="optional"`` passes the
  account or None.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request

from . import envelope, wbi
from .accounts import Account
from .bvid import bv2av, is_bvid
from .catalog import Video
from .sessions import request_cookies, session_for
from .state import SimState, get_state
from .world import World

View = Callable[[World, Account | None], Response]


class ApiError(Exception):
    def __init__(self, code: int, data: Any = None) -> None:
        super().__init__(code)
        self.code = code
        self.data = data


def register(bp: Blueprint) -> None:
    bp.register_error_handler(ApiError, lambda exc: envelope.error(exc.code, data=exc.data))


def voucher(state: SimState) -> str:
    h = state.token(32)
    return f"voucher_{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def api(*, wbi_required: bool = False, buvid3: bool = False,
        login: bool | str = False) -> Callable[[View], Callable[[], Response]]:
    def wrap(view: View) -> Callable[[], Response]:
        @functools.wraps(view)
        def handler() -> Response:
            state = get_state()
            if wbi_required and not wbi.verify(request.args, state.wbi):
                return envelope.risk_control(voucher(state))
            if buvid3 and not request_cookies(request).get("buvid3"):
                return envelope.risk_control(voucher(state))
            account = session_for(request) if login else None
            if login is True and account is None:
                return envelope.error(-101)
            with state.lock:
                return view(state.world, account)

        return handler

    return wrap


# -- parameters ---------------------------------------------------------------------

def int_arg(name: str, default: int | None = None, *, lo: int | None = None,
            hi: int | None = None, clamp: bool = False) -> int:
    """An integer query parameter; missing → ``default`` (None → -400);
    malformed or out of range → -400 (``clamp`` pulls it into range instead)."""
    raw = request.args.get(name, "")
    if raw == "":
        if default is None:
            raise ApiError(-400)
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(-400) from None
    if lo is not None and value < lo:
        if not clamp:
            raise ApiError(-400)
        value = lo
    if hi is not None and value > hi:
        if not clamp:
            raise ApiError(-400)
        value = hi
    return value


def video_arg(world: World, aid_name: str = "aid") -> Video:
    """The video named by ``bvid`` or ``aid`` (``aid_name`` may hold a bvid too,
    as for fav/video/favoured). Bad/missing → -400, unknown → -404. The
    video's own status is the caller's business."""
    bvid = request.args.get("bvid", "")
    raw = request.args.get(aid_name, "")
    if not bvid and raw.startswith(("BV", "bv")):
        bvid, raw = raw, ""
    if bvid:
        if not is_bvid(bvid):
            raise ApiError(-400)
        aid = bv2av(bvid)
    else:
        if not raw.isdigit() or int(raw) <= 0:
            raise ApiError(-400)
        aid = int(raw)
    video = world.video(aid)
    if video is None or video.pub_off > world.now_off:
        raise ApiError(-404)
    return video
