"""Per-request login helpers shared by every per-user endpoint.

``session_for(request)`` is the one call a per-user route needs: the account
behind a live SESSDATA cookie, or ``None`` (→ answer ``-101``).
"""

from __future__ import annotations

from flask import Request, Response, g

from . import credentials
from .accounts import Account
from .state import Session, SimState, get_state

LOGIN_COOKIES = ("SESSDATA", "bili_jct", "DedeUserID", "DedeUserID__ckMd5", "sid")


def request_cookies(request: Request) -> dict[str, str]:
    """Decoded cookies of the request (cached per request)."""
    cached = g.get("_sim_cookies")
    if cached is None:
        cached = credentials.parse_cookie_header(request.headers.get("Cookie"))
        g._sim_cookies = cached
    return cached


def live_session_for(request: Request, state: SimState | None = None) -> Session | None:
    """The live session behind the request's SESSDATA. Only SESSDATA decides,
    as on the real site; DedeUserID etc. are checked where the docs say so."""
    state = state or get_state()
    return state.live_session(request_cookies(request).get("SESSDATA"))


def session_for(request: Request) -> Account | None:
    """The logged-in account of this request, or None (dead/unknown/missing)."""
    state = get_state()
    with state.lock:
        session = live_session_for(request, state)
        return state.account(session.mid) if session else None


def attributed_mid(request: Request, state: SimState) -> int | None:
    """Who to count a request against: the owner of its SESSDATA even when that
    session is dead (a client hammering with a dead cookie is still that user's
    client). DedeUserID alone is not trusted."""
    session = state.find_session(request_cookies(request).get("SESSDATA"))
    return session.mid if session else None


def add_login_cookies(response: Response, session: Session, account: Account) -> None:
    """The five Set-Cookie headers of a login/refresh (§1.2): SESSDATA is
    HttpOnly + Secure, all carry Domain=bilibili.com and Expires=+180 d. A
    client talking to 127.0.0.1 must read these headers itself."""
    for name, value in session.cookie_values(account).items():
        response.headers.add(
            "Set-Cookie",
            credentials.set_cookie_header(
                name, value, session.expires_s, http_only=name == "SESSDATA"
            ),
        )
