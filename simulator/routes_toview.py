"""Watch later (§14): list (old and web), add, del, clear; plus test hooks under
``/_sim/user/<mid>/…`` to inspect a list, fill it, and make the user watch or
favourite a video.

Writes are POST with a form body and ``csrf`` = the ``bili_jct`` of the session
(checked against the session and the cookie, like logout), and answer without
``data``. Order of checks: buvid3 (-352), login (-101), csrf (-111), parameters
(-400), then the endpoint's own codes (90001 full, 90003 deleted/unknown).
Faults apply as everywhere (``/_sim/fault`` with the write's path).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from . import envelope, toview
from .accounts import Account
from .bvid import bv2av, is_bvid
from .guards import ApiError, api, int_arg, register
from .routes_control import ControlError
from .sessions import live_session_for, request_cookies
from .state import get_state
from .users import UserState
from .world import World

bp = Blueprint("sim_toview", __name__)
register(bp)
control = Blueprint("sim_toview_control", __name__, url_prefix="/_sim/user")


def _me(world: World, account: Account | None) -> UserState:
    u = world.user(account.mid) if account else None
    if u is None:
        raise ApiError(-404)
    return u


def _check_csrf() -> None:
    session = live_session_for(request)
    csrf = request.form.get("csrf", "")
    cookie = request_cookies(request).get("bili_jct")
    if session is None or not csrf or csrf != session.bili_jct or cookie != session.bili_jct:
        raise ApiError(-111)


def _ok_no_data() -> Response:
    return envelope.ok(with_data=False)


@bp.get("/x/v2/history/toview")
@api(buvid3=True, login=True)
def toview_list(world: World, account: Account | None) -> Response:
    items = toview.listing(get_state(), _me(world, account))
    return envelope.ok({"count": len(items), "list": items})


@bp.get("/x/v2/history/toview/web")
@api(buvid3=True, login=True)
def toview_web(world: World, account: Account | None) -> Response:
    items = toview.listing(get_state(), _me(world, account), web=True)
    ps = int_arg("ps", 0, lo=0)
    pn = int_arg("pn", 1, lo=1)
    page = items[(pn - 1) * ps: pn * ps] if ps else items  # slices only when ps is given
    return envelope.ok({"count": len(items), "list": page})


def _video_form(world: World) -> int:
    """The catalogue index named by form ``aid`` or ``bvid``: -400 when neither or
    malformed, 90003 for a deleted, hidden, unpublished or unknown video."""
    aid_raw, bvid = request.form.get("aid", ""), request.form.get("bvid", "")
    if aid_raw:
        if not aid_raw.isdigit() or int(aid_raw) <= 0:
            raise ApiError(-400)
        aid = int(aid_raw)
    elif bvid:
        if not is_bvid(bvid):
            raise ApiError(-400)
        aid = bv2av(bvid)
    else:
        raise ApiError(-400)
    video = world.video(aid)
    if video is None or not video.valid or video.pub_off > world.now_off:
        raise ApiError(90003)
    return video.idx


@bp.post("/x/v2/history/toview/add")
@api(buvid3=True, login=True)
def toview_add(world: World, account: Account | None) -> Response:
    u = _me(world, account)
    _check_csrf()
    code = toview.add(get_state(), u, _video_form(world))
    return envelope.error(code) if code else _ok_no_data()


@bp.post("/x/v2/history/toview/del")
@api(buvid3=True, login=True)
def toview_del(world: World, account: Account | None) -> Response:
    u = _me(world, account)
    _check_csrf()
    raw = request.form.get("aid", "")
    viewed = request.form.get("viewed", "false") == "true"
    parts = [p for p in raw.split(",") if p] if raw else []
    if (not parts and not viewed) or not all(p.isdigit() for p in parts):
        raise ApiError(-400)
    # Several comma-separated aids are accepted; unlisted ones are ignored (unverified).
    vidxs = {world.cat.by_aid[int(p)] for p in parts if int(p) in world.cat.by_aid}
    toview.remove(get_state(), u, vidxs, viewed=viewed)
    return _ok_no_data()


@bp.post("/x/v2/history/toview/clear")
@api(buvid3=True, login=True)
def toview_clear(world: World, account: Account | None) -> Response:
    u = _me(world, account)
    _check_csrf()
    toview.entries(get_state(), u).clear()
    return _ok_no_data()


# -- test hooks -------------------------------------------------------------------------

@control.errorhandler(ControlError)
def _control_error(exc: ControlError) -> tuple[Response, int]:
    return jsonify({"error": exc.message}), exc.status


def _user(mid: int) -> UserState:
    user = get_state().world.user(mid)
    if user is None:
        raise ControlError(404, f"unknown mid {mid}")
    return user


def _vidx(world: World) -> int:
    body = request.get_json(silent=True)
    bvid = body.get("bvid") if isinstance(body, dict) else None
    if not isinstance(bvid, str) or not is_bvid(bvid):
        raise ControlError(400, "bvid must be a BV id")
    idx = world.cat.by_aid.get(bv2av(bvid))
    if idx is None:
        raise ControlError(404, f"unknown bvid {bvid}")
    return idx


@control.get("/<int:mid>/toview")
def hook_list(mid: int) -> Response:
    """``{"list": [{"aid", "bvid", "add_at"}…]}``, newest addition first."""
    state = get_state()
    with state.lock:
        world = state.world
        items = toview.entries(state, _user(mid))
        return jsonify({"list": [{"aid": world.cat.videos[e.vidx].aid,
                                  "bvid": world.cat.videos[e.vidx].bvid,
                                  "add_at": world.ts(e.add_off)} for e in items]})


@control.post("/<int:mid>/toview/fill")
def hook_fill(mid: int) -> Response:
    """Body ``{"size": n}``: the user's own entries until the list holds n (≤ cap)."""
    body = request.get_json(silent=True)
    size = body.get("size") if isinstance(body, dict) else None
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ControlError(400, "size must be a non-negative integer")
    state = get_state()
    with state.lock:
        return jsonify({"count": toview.fill(state, _user(mid), size)})


@control.post("/<int:mid>/watch")
def hook_watch(mid: int) -> Response:
    """Body ``{"bvid"}``: the user watches it to the end now."""
    state = get_state()
    with state.lock:
        toview.watch(state.world, _user(mid), _vidx(state.world))
        return jsonify({"ok": True})


@control.post("/<int:mid>/favourite")
def hook_favourite(mid: int) -> Response:
    """Body ``{"bvid"}``: the user favourites it now (default folder)."""
    state = get_state()
    with state.lock:
        toview.favourite(state.world, _user(mid), _vidx(state.world))
        return jsonify({"ok": True})
