"""passport.bilibili.com: QR-code login (§1) and logout (§12)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request

from . import credentials, envelope, pages
from .sessions import add_login_cookies, live_session_for, request_cookies
from .state import get_state

bp = Blueprint("sim_login", __name__)

QR_SCAN_URL = "https://passport.bilibili.com/h5-app/passport/login/scan?navhide=1&qrcode_key={key}&from="
# 2025 capture (newer, §1.2 / §15); the 2022 one was passport.biligame.com/crossDomain.
CROSS_DOMAIN_URL = "https://passport.biligame.com/x/passport-login/web/crossDomain"
LOGOUT_REDIRECT = "https://passport.biligame.com/crossDomain"
DEFAULT_GOURL = "javascript:history.go(-1)"


@bp.get("/x/passport-login/web/qrcode/generate")
def qrcode_generate() -> Response:
    # ``source=main-fe-header`` (sent by Nemo2011) is accepted and ignored.
    ticket = get_state().new_qr()
    # The "&" in url goes out as \u0026 through envelope.dumps, like the real server.
    return envelope.ok({"url": QR_SCAN_URL.format(key=ticket.key), "qrcode_key": ticket.key})


def _poll_body(
    code: int, *, url: str = "", refresh_token: str = "", timestamp: int = 0
) -> Response:
    message = "" if code == 0 else envelope.message_for(code)
    data: dict[str, Any] = {
        "url": url,
        "refresh_token": refresh_token,
        "timestamp": timestamp,
        "code": code,
        "message": message,
    }
    # Outer code is 0 in every scan state; the real status is data.code (§1.2).
    return envelope.ok(data)


@bp.get("/x/passport-login/web/qrcode/poll")
def qrcode_poll() -> Response:
    key = request.args.get("qrcode_key", "")
    if not key:
        # Unverified: a missing key is a parameter error, not a QR state.
        return envelope.error(-400)
    state = get_state()
    with state.lock:
        ticket = state.qr_ticket(key)
        # Unknown, expired, and already-used keys all answer 86038. Choice for
        # "already used": the real key is single-use, so a second poll after
        # success reports it as invalid; a client that lost the success answer
        # must start a new QR login (no credentials are ever handed out twice).
        if ticket is None or ticket.state in ("expired", "consumed"):
            return _poll_body(86038)
        if ticket.state == "pending":
            return _poll_body(86101)
        if ticket.state == "scanned":
            return _poll_body(86090)
        # confirmed: the session is minted by this first poll, so a confirmed
        # ticket that expires unpolled leaves no orphan session behind.
        account = state.account(ticket.mid) or state.first_account()
        session = state.mint_session(account.mid)
        ticket.state = "consumed"
    values = session.cookie_values(account)
    query = "&".join(
        [
            f"DedeUserID={values['DedeUserID']}",
            f"DedeUserID__ckMd5={values['DedeUserID__ckMd5']}",
            f"Expires={session.expires_s}",
            f"SESSDATA={values['SESSDATA']}",
            f"bili_jct={values['bili_jct']}",
            "gourl=" + quote("https://passport.bilibili.com", safe=""),
            "first_domain=.bilibili.com",
        ]
    )
    response = _poll_body(
        0,
        url=f"{CROSS_DOMAIN_URL}?{query}",
        refresh_token=session.refresh_token or "",
        timestamp=credentials.now_ms(session.created_s),
    )
    add_login_cookies(response, session, account)
    return response


@bp.post("/login/exit/v2")
def logout() -> Response:
    state = get_state()
    cookies = request_cookies(request)
    with state.lock:
        session = live_session_for(request, state)
        ts = int(state.now())
        # Dead/unknown SESSDATA → the HTML login page, HTTP 200 (§12). A missing
        # or mismatching DedeUserID is treated the same way (the cookie is
        # documented as required; the real answer to omitting it is unverified).
        if session is None or cookies.get("DedeUserID") != str(session.mid):
            return envelope.html_response(pages.LOGIN_PAGE)
        csrf = request.form.get("biliCSRF", "")
        # biliCSRF must equal bili_jct. Checked against both the session and
        # the cookie so a client that sends a stale cookie is caught.
        if not csrf or csrf != session.bili_jct or cookies.get("bili_jct") != session.bili_jct:
            return envelope.json_response(
                {"code": 2202, "status": False, "ts": ts, "message": envelope.message_for(2202)}
            )
        session.alive = False
    gourl = request.form.get("gourl") or DEFAULT_GOURL
    redirect = (
        f"{LOGOUT_REDIRECT}?DedeUserID=&DedeUserID__ckMd5=&SESSDATA=&bili_jct="
        f"&gourl={quote(gourl, safe='')}"
    )
    response = envelope.json_response(
        {"code": 0, "status": True, "ts": ts, "data": {"redirectUrl": redirect}}
    )
    for name in ("DedeUserID", "DedeUserID__ckMd5", "SESSDATA", "bili_jct"):
        response.headers.add("Set-Cookie", credentials.clear_cookie_header(name))
    return response
