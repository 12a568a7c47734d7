"""Cookie refresh (§11): cookie/info → www correspond page → cookie/refresh →
confirm/refresh."""

from __future__ import annotations

import re

from flask import Blueprint, Response, request

from . import credentials, envelope, pages
from .sessions import add_login_cookies, live_session_for
from .state import get_state

bp = Blueprint("sim_refresh", __name__)

# RSA-OAEP output of a 1024-bit key = 128 bytes = 256 hex chars, lower-case.
CORRESPOND_PATH = re.compile(r"[0-9a-f]{256}")


@bp.get("/x/passport-login/web/cookie/info")
def cookie_info() -> Response:
    state = get_state()
    # ``csrf`` is optional upstream; a wrong one is ignored here (unverified).
    with state.lock:
        session = live_session_for(request, state)
        if session is None:
            return envelope.error(-101)
        refresh = session.needs_refresh
    return envelope.ok({"refresh": refresh, "timestamp": credentials.now_ms(state.now())})


@bp.get("/correspond/1/<path:correspond_path>")
def correspond(correspond_path: str) -> Response:
    # The simulator has no private key for bilibili's public key, so it cannot
    # decrypt the path: any 256-hex-char path is accepted for a live session
    # (the doc's suggestion). Anything else gets the 404 page, as upstream.
    state = get_state()
    with state.lock:
        session = live_session_for(request, state)
        if session is None or not CORRESPOND_PATH.fullmatch(correspond_path):
            return envelope.html_response(pages.PAGE_404, 404)
        # Stable per session until it is refreshed (whether the real value
        # changes per visit is unverified; stable is the tolerant choice).
        if session.refresh_csrf is None:
            session.refresh_csrf = state.token(32)
        refresh_csrf = session.refresh_csrf
    return envelope.html_response(pages.correspond_page(refresh_csrf))


@bp.post("/x/passport-login/web/cookie/refresh")
def cookie_refresh() -> Response:
    state = get_state()
    params = request.values  # form body or URL params (§11 step 4)
    with state.lock:
        old = live_session_for(request, state)
        if old is None:
            return envelope.error(-101)
        if params.get("csrf") != old.bili_jct:
            return envelope.error(-111)
        # Strict on purpose (the real server's reaction is unverified): a client
        # that forgets source=main_web should notice here, not in production.
        if params.get("source") != "main_web":
            return envelope.error(-400)
        if (
            old.refresh_csrf is None
            or params.get("refresh_csrf") != old.refresh_csrf
            or old.refresh_token is None
            or params.get("refresh_token") != old.refresh_token
        ):
            return envelope.error(86095)
        account = state.account(old.mid) or state.first_account()
        new = state.mint_session(old.mid)
        new.replaces, new.replaces_token = old.sessdata, old.refresh_token
        # The old session stays usable until confirm, but its token is spent:
        # a second refresh with the old cookies answers 86095.
        old.refresh_token = None
        old.refresh_csrf = None
        new_token = new.refresh_token
    response = envelope.ok({"status": 0, "message": "", "refresh_token": new_token})
    add_login_cookies(response, new, account)
    return response


@bp.post("/x/passport-login/web/confirm/refresh")
def confirm_refresh() -> Response:
    state = get_state()
    params = request.values
    with state.lock:
        new = live_session_for(request, state)
        if new is None:
            return envelope.error(-101)
        if params.get("csrf") != new.bili_jct:
            return envelope.error(-111)
        # refresh_token must be the OLD token (not the one just returned).
        if new.replaces_token is None or params.get("refresh_token") != new.replaces_token:
            return envelope.error(-400)
        old = state.find_session(new.replaces)
        if old is not None:
            old.alive = False
        new.replaces = new.replaces_token = None
    return envelope.ok(with_data=False)
