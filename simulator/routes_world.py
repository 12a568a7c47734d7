"""World control hooks under ``/_sim/`` (JSON; never counted or faulted).

``POST /_sim/advance_day``, ``GET /_sim/truth/<mid>``,
``POST /_sim/truth/<mid>/relevance``, ``GET /_sim/world``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from .routes_control import ControlError
from .state import get_state

bp = Blueprint("sim_world", __name__, url_prefix="/_sim")
MAX_DAYS = 366


@bp.errorhandler(ControlError)
def _control_error(exc: ControlError) -> tuple[Response, int]:
    return jsonify({"error": exc.message}), exc.status


def _body(*, optional: bool = False) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and optional:
        return {}
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


@bp.post("/advance_day")
def advance_day() -> Response:
    """Body ``{"days": n}`` (default 1, 1–366). Publishes new videos, lets every
    user watch/like/coin/favourite, moves the hot lists; answers what changed."""
    days = _body(optional=True).get("days", 1)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ControlError(400, f"days must be an integer in 1..{MAX_DAYS}")
    state = get_state()
    with state.lock:
        world = state.world
        for account in state.accounts.values():  # every account lives through the days
            world.user(account.mid)
        return jsonify(world.advance(days))


@bp.get("/truth/<int:mid>")
def truth(mid: int) -> Response:
    """Hidden taste and the videos this user would enjoy next (``?k=50``)."""
    k = request.args.get("k", "50")
    if not k.isdigit() or not 1 <= int(k) <= 1000:
        raise ControlError(400, "k must be an integer in 1..1000")
    state = get_state()
    with state.lock:
        out = state.world.truth(mid, int(k))
    if out is None:
        raise ControlError(404, f"unknown mid {mid}")
    return jsonify(out)


@bp.post("/truth/<int:mid>/relevance")
def relevance(mid: int) -> Response:
    """Body ``{"bvids": [...]}`` → ``{"relevance": {bvid: float 0..1 | null}}``
    (null = not a video of this world)."""
    bvids = _body().get("bvids")
    if not isinstance(bvids, list) or not all(isinstance(b, str) for b in bvids):
        raise ControlError(400, "bvids must be a list of strings")
    state = get_state()
    with state.lock:
        out = state.world.relevance(mid, bvids)
    if out is None:
        raise ControlError(404, f"unknown mid {mid}")
    return jsonify({"relevance": out})


@bp.get("/world")
def world_summary() -> Response:
    state = get_state()
    with state.lock:
        return jsonify(state.world.summary())
