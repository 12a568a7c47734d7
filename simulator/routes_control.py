"""Test/demo hooks under ``/_sim/`` (not part of the real API; JSON in/out).

Never counted, never faulted. Unknown key/mid → 404 ``{"error": …}``;
malformed body → 400; a QR key in the wrong state → 409.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from . import faults
from .state import QrTicket, SimState, get_state

bp = Blueprint("sim_control", __name__, url_prefix="/_sim")


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@bp.errorhandler(ControlError)
def _control_error(exc: ControlError) -> tuple[Response, int]:
    return jsonify({"error": exc.message}), exc.status


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


def _mid(body: dict[str, Any], state: SimState, *, required: bool = True) -> int:
    raw = body.get("mid")
    if raw is None and not required:
        return state.first_account().mid
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit():
        raise ControlError(400, "mid must be an integer")
    mid = int(raw)
    if state.account(mid) is None:
        raise ControlError(404, f"unknown mid {mid}")
    return mid


def _ticket(body: dict[str, Any], state: SimState) -> QrTicket:
    key = body.get("qrcode_key")
    if not isinstance(key, str) or not key:
        raise ControlError(400, "qrcode_key must be a string")
    ticket = state.qr_ticket(key)
    if ticket is None:
        raise ControlError(404, f"unknown qrcode_key {key}")
    return ticket


def _qr_json(ticket: QrTicket, state: SimState) -> dict[str, Any]:
    return {
        "qrcode_key": ticket.key,
        "state": ticket.state,
        "mid": ticket.mid,
        "expires_in": round(max(0.0, ticket.expires_s - state.now()), 3),
    }


@bp.get("/users")
def users() -> Response:
    state = get_state()
    with state.lock:
        return jsonify([{"mid": a.mid, "uname": a.uname} for a in state.accounts.values()])


@bp.get("/qr")
def qr_list() -> Response:
    """All QR tickets, newest first (lets a demo driver find the key to scan)."""
    state = get_state()
    with state.lock:
        tickets = sorted(state.qr.values(), key=lambda t: t.created_s, reverse=True)
        return jsonify([_qr_json(state.qr_ticket(t.key) or t, state) for t in tickets])


def _scan(body: dict[str, Any], state: SimState, *, mid_required: bool) -> QrTicket:
    ticket = _ticket(body, state)
    mid = _mid(body, state, required=mid_required)
    if ticket.state not in ("pending", "scanned"):
        raise ControlError(409, f"qrcode_key is {ticket.state}")
    ticket.state, ticket.mid = "scanned", mid
    return ticket


@bp.post("/qr/scan")
def qr_scan() -> Response:
    state = get_state()
    with state.lock:
        # mid may be omitted: the first account scans.
        return jsonify(_qr_json(_scan(_body(), state, mid_required=False), state))


@bp.post("/qr/confirm")
def qr_confirm() -> Response:
    state = get_state()
    with state.lock:
        ticket = _ticket(_body(), state)
        if ticket.state != "scanned":
            raise ControlError(409, f"qrcode_key is {ticket.state}, not scanned")
        ticket.state = "confirmed"
        return jsonify(_qr_json(ticket, state))


@bp.post("/qr/login")
def qr_login() -> Response:
    state = get_state()
    with state.lock:
        ticket = _scan(_body(), state, mid_required=False)
        ticket.state = "confirmed"
        return jsonify(_qr_json(ticket, state))


@bp.post("/qr/expire")
def qr_expire() -> Response:
    state = get_state()
    with state.lock:
        ticket = _ticket(_body(), state)
        ticket.state = "expired"
        return jsonify(_qr_json(ticket, state))


@bp.post("/session/expire")
def session_expire() -> Response:
    state = get_state()
    with state.lock:
        mid = _mid(_body(), state)
        return jsonify({"mid": mid, "expired": state.kill_sessions(mid)})


@bp.post("/session/needs_refresh")
def session_needs_refresh() -> Response:
    state = get_state()
    with state.lock:
        mid = _mid(_body(), state)
        return jsonify({"mid": mid, "marked": state.mark_needs_refresh(mid)})


@bp.post("/wbi/rotate")
def wbi_rotate() -> Response:
    state = get_state()
    with state.lock:
        state.wbi.rotate(state.rng)
        return jsonify({"img_key": state.wbi.img_key, "sub_key": state.wbi.sub_key})


@bp.post("/fault")
def fault_add() -> Response:
    state = get_state()
    body = request.get_json(silent=True)
    with state.lock:
        try:
            fault = faults.parse_fault(body, state.faults.next_id())
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        state.faults.add(fault)
        return jsonify(fault.to_json())


@bp.get("/fault")
def fault_list() -> Response:
    state = get_state()
    with state.lock:
        return jsonify(state.faults.list())


@bp.delete("/fault")
def fault_clear() -> Response:
    state = get_state()
    with state.lock:
        state.faults.clear()
    return jsonify({"ok": True})


@bp.get("/counters")
def counters() -> Response:
    state = get_state()
    with state.lock:
        return jsonify(state.counters.snapshot())


@bp.post("/counters/reset")
def counters_reset() -> Response:
    state = get_state()
    with state.lock:
        state.counters.reset()
    return jsonify({"ok": True})
