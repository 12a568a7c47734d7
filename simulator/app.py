"""App factory: one origin that plays api.bilibili.com, passport.bilibili.com
and www.bilibili.com at once (their paths do not collide), so the project's
BILIREC_API_BASE / _PASSPORT_BASE / _WWW_BASE can all point at it.

Areas are blueprints. The world engineer adds theirs to ``AREA_BLUEPRINTS`` (or
passes ``extra_blueprints``); they get the state with ``state.get_state()``
and the logged-in account with ``sessions.session_for(request)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from . import (
    envelope,
    faults,
    pages,
    routes_behaviour,
    routes_control,
    routes_covers,
    routes_device,
    routes_lists,
    routes_login,
    routes_nav,
    routes_refresh,
    routes_space,
    routes_toview,
    routes_video,
    routes_world,
)
from .sessions import attributed_mid
from .state import STATE_KEY, SimState, get_state

CONTROL_PREFIX = "/_sim"

AREA_BLUEPRINTS: list[Blueprint] = [
    routes_login.bp,
    routes_refresh.bp,
    routes_nav.bp,
    routes_device.bp,
    routes_control.bp,
    routes_world.bp,
    routes_behaviour.bp,
    routes_video.bp,
    routes_lists.bp,
    routes_space.bp,
    routes_covers.bp,
    routes_toview.bp,
    routes_toview.control,
]


def is_control_path(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def _count_and_fault() -> Response | None:
    """Runs before every route (and before 404/405 are raised): count the
    request, then serve an injected fault if one matches."""
    path = request.path
    if is_control_path(path):
        return None
    state = get_state()
    with state.lock:
        mid = attributed_mid(request, state)
        state.counters.record(state.now(), path, mid)
        fault = state.faults.take(path, mid)
    # Outside the lock: a "slow" fault must not stall other requests.
    return faults.apply(fault) if fault else None


def _http_error(exc: HTTPException) -> Response:
    """Unknown paths/methods. Control paths answer JSON ``{"error"}``; API
    paths the -404/-405 envelope with the HTTP status (real edge behaviour for
    unknown /x/ paths is unverified); other paths an HTML page."""
    status = exc.code or 500
    path = request.path
    if is_control_path(path):
        response = jsonify({"error": exc.description or exc.name})
        response.status_code = status
        return response
    if path.startswith("/x/"):
        return envelope.error(-status, status=status)
    return envelope.html_response(pages.http_error_page(status, exc.name), status)


def create_app(
    state: SimState | None = None,
    *,
    seed: int = 0,
    qr_ttl_s: float = 180.0,
    n_users: int = 5,
    n_videos: int = 6000,
    history_scale: float = 1.0,
    taste: str = "topic",
    extra_blueprints: Iterable[Blueprint] = (),
    public_url: str = "",
) -> Flask:
    """Build the simulator app. ``seed``/``qr_ttl_s``/``n_users``/``n_videos``/
    ``history_scale`` (see ``world.default_specs``)/``taste`` (``simulator.tastes``) only
    apply when no ``state`` is given (a given state carries its own).
    ``public_url`` is where a browser reaches it (covers), when that is not the address
    the workers use (compose: http://simulator:8346 inside, 127.0.0.1 outside)."""
    if state is None:
        state = SimState(seed=seed, qr_ttl_s=qr_ttl_s, n_users=n_users, n_videos=n_videos,
                         history_scale=history_scale, taste=taste)
    app = Flask(__name__)
    app.extensions[STATE_KEY] = state
    app.config["SIM_PUBLIC_URL"] = public_url.rstrip("/")
    app.before_request(_count_and_fault)
    app.register_error_handler(HTTPException, _http_error)
    for blueprint in (*AREA_BLUEPRINTS, *extra_blueprints):
        app.register_blueprint(blueprint)
    return app
