"""The session cookie, CSRF checks and "who is this" for every request."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any

from flask import g, request
from flask.wrappers import Response

from store import Session
from store.sessions import session_key
from web.context import web_context
from web.errors import ApiError

COOKIE = "bilirec_session"


def current_session() -> Session | None:
    if "bilirec_session" not in g:
        g.bilirec_session = admitted(
            web_context().store.sessions.get(request.cookies.get(COOKIE)))
    return g.bilirec_session


def admitted(session: Session | None) -> Session | None:
    """The session as this installation takes it now: a user whose mid left
    BILIREC_ALLOWED_MIDS is logged out from their next request on."""
    if session is not None and session.mid is not None and not (
            web_context().settings.mid_allowed(session.mid)):
        return None
    return session


def ensure_session() -> Session:
    """The current session, creating an anonymous one if needed. Only a QR code request
    calls this: a visitor who merely looks stores nothing."""
    session = current_session()
    if session is None:
        session = web_context().store.sessions.create()
        g.bilirec_session = session
        g.bilirec_new_cookie = session
    return session


def start_user_session(mid: int) -> Session:
    """A fresh session id for a user who just logged in (no fixation), old one dropped."""
    ctx = web_context()
    old = request.cookies.get(COOKIE)
    if old and session_key(old) is not None:
        ctx.store.sessions.delete(old)
    session = ctx.store.sessions.create(mid)
    g.bilirec_session = session
    g.bilirec_new_cookie = session
    return session


def end_session() -> None:
    g.bilirec_session = None
    g.bilirec_clear_cookie = True


def apply_cookie(resp: Response) -> Response:
    settings = web_context().settings
    new = g.get("bilirec_new_cookie")
    if new is not None:
        resp.set_cookie(
            COOKIE,
            new.sid,
            max_age=int(settings.session_ttl_days * 86400) if new.logged_in else None,
            httponly=True,
            samesite="Lax",
            secure=settings.secure_cookies,
        )
    elif g.get("bilirec_clear_cookie"):
        resp.delete_cookie(COOKIE, httponly=True, samesite="Lax", secure=settings.secure_cookies)
    return resp


def logged_in(session: Session | None) -> Session:
    """The request's session (read here or along with other data), 401 without a user."""
    session = admitted(session)
    g.bilirec_session = session
    if session is None or session.mid is None:
        raise ApiError(401, "尚未登录")
    return session


def require_user(csrf: bool = False) -> Callable:
    """401 without a logged-in session; with ``csrf``, 403 without the matching header."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            session = logged_in(current_session())
            if csrf:
                sent = request.headers.get("X-CSRF-Token", "")
                # As bytes: compare_digest refuses str with non-ASCII characters.
                if not sent or not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
                    raise ApiError(403, "CSRF 校验失败，请刷新页面后重试")
            return view(session, *args, **kwargs)

        return wrapped

    return decorate
