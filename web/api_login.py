"""QR login: ``/api/login/qrcode`` and ``/api/login/poll`` (no CSRF: nobody is logged in).

Each QR code is bound to the browser session that asked for it; only that session's polls
reach bilibili or receive the login. A stranger holding the key (a screen share, a photo)
or a page linking a victim to the poll URL of the stranger's own code gets ``expired``,
and is charged no counter that real users share.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterator

from flask import Blueprint, jsonify, request
from kombu.exceptions import OperationalError as BrokerError

from bilibili import errors
from bilibili.login import Credentials, PollState
from store import UserProfile
from store.qr import QrState
from web.context import WebContext, web_context
from web.errors import ApiError
from web.hosts import cross_site
from web.qrimage import png_data_url
from web.refresh import queue_refresh
from web.sessions import COOKIE, ensure_session, start_user_session

log = logging.getLogger(__name__)
bp = Blueprint("login", __name__)

_KEY = re.compile(r"[0-9A-Za-z]{1,64}")


@bp.post("/api/login/qrcode")
def qrcode():
    if cross_site():
        # No other site's page may spend the QR limits from its visitors' browsers.
        raise ApiError(403, "不接受来自其他网站的登录请求")
    ctx = web_context()
    _limit(ctx, "qr", _client(), ctx.settings.qr_per_client_per_min,
           "二维码请求过于频繁，请一分钟后再试")
    # Behind compose's port mapping every client has the same address: a cap for all too.
    _limit(ctx, "qr", "all", ctx.settings.qr_global_per_min,
           "本站二维码请求过多，请一分钟后再试")
    with bilibili_errors():
        qr = ctx.login.generate(device_ids(ctx))
    # The first thing stored for an anonymous visitor: the session the key is bound to.
    ctx.store.qr.remember(qr.qrcode_key, ensure_session().sid)
    return jsonify(
        qrcode_key=qr.qrcode_key, image=png_data_url(qr.url), expires_in=qr.expires_in
    )


@bp.get("/api/login/poll")
def poll():
    key = request.args.get("qrcode_key", "")
    if not _KEY.fullmatch(key):
        raise ApiError(400, "qrcode_key 格式错误（最多 64 位字母或数字）")
    ctx = web_context()
    # Unknown, expired or someone else's: the same answer, before any counter is charged.
    state = ctx.store.qr.state_for(key, request.cookies.get(COOKIE))
    if state is None:
        return jsonify(status=PollState.EXPIRED.value)
    _limit(ctx, "qr-poll", key, ctx.settings.qr_polls_per_min, "查询登录状态过于频繁，请稍后再试")
    _limit(ctx, "qr-poll-client", _client(), ctx.settings.qr_polls_per_client_per_min,
           "查询登录状态过于频繁，请稍后再试")
    if state is QrState.DONE:
        return jsonify(status=PollState.SUCCESS.value)
    _limit(ctx, "qr-poll", "all", ctx.settings.qr_poll_global_per_min,
           "本站登录查询过多，请稍后再试")
    with bilibili_errors():
        result = ctx.login.poll(key, device_ids(ctx))
        if result.state is PollState.SUCCESS:
            assert result.credentials is not None
            log_in(ctx, key, result.credentials)
    return jsonify(status=result.state.value)


def _client() -> str:
    return request.remote_addr or "?"


def _limit(ctx: WebContext, name: str, who: str, per_min: int, message: str) -> None:
    """429 once ``who`` made more than ``per_min`` calls of ``name`` this minute."""
    if not ctx.store.limits.allow(name, who, limit=per_min, window_s=60):
        raise ApiError(429, message, retry_after=ctx.store.limits.retry_after(60))


def log_in(ctx: WebContext, qrcode_key: str, credentials: Credentials) -> None:
    account = ctx.login.account(credentials)
    if not ctx.settings.mid_allowed(account.mid):
        try:
            ctx.login.logout(credentials)
        except errors.BiliError:
            pass
        raise ApiError(403, f"bilibili 账号 {account.mid} 不在本站允许登录的名单中",
                       reason="not_allowed")
    if not ctx.store.qr.claim_success(qrcode_key):
        return
    ctx.store.credentials.save(account.mid, credentials.cookies, credentials.refresh_token)
    profile = UserProfile(account.mid, account.uname, account.face, logged_in_at=time.time())
    ctx.store.users.activate(profile)
    session = start_user_session(account.mid)
    ctx.store.qr.finish(qrcode_key, session.sid)
    log.info("user %s logged in", account.mid)
    try:
        queue_refresh(ctx, account.mid, first=True)
    except BrokerError:
        # The login itself is done and kept; the daily refresh (or the user's 刷新) will
        # make the first picks. A 503 here would hide the session the user now holds.
        log.warning("user %s: first refresh not queued (task queue down)", account.mid)
        ctx.store.status.set(account.mid, "error", progress=0.0,
                             message="已登录，但任务队列暂时不可用：请稍后点“刷新”")


def device_ids(ctx: WebContext) -> dict[str, str] | None:
    """This installation's buvid3/buvid4, fetched once; login goes on without them."""
    ids = ctx.store.device.get()
    if ids is None:
        try:
            ids = ctx.login.device_ids()
        except errors.BiliError as exc:
            log.warning("finger/spi failed: %s", exc)
            return None
        ctx.store.device.save(ids)
    return ids


@contextlib.contextmanager
def bilibili_errors() -> Iterator[None]:
    """bilibili failures during login become clear JSON errors (never a 500)."""
    try:
        yield
    except errors.RiskControl as exc:
        log.warning("bilibili login call hit risk control")
        raise ApiError(503, "bilibili 拦截了请求（风控），请过几分钟再试",
                       retry_after=_risk_wait_s(exc)) from None
    except errors.NotLoggedIn:
        raise ApiError(502, "bilibili 未确认这次登录，请刷新二维码重试") from None
    except errors.BiliError as exc:
        log.warning("bilibili login call failed: %s", type(exc).__name__)
        raise ApiError(502, "bilibili 暂时无法访问，请稍后再试") from None


def _risk_wait_s(exc: errors.RiskControl) -> int:
    """How long bilibili's block likely lasts: a running cool-down's rest, else the
    configured cool-down for its kind (412 blocks the address, -352 the request)."""
    settings = web_context().settings
    if isinstance(exc, errors.CoolingDown):
        return max(1, round(exc.seconds))
    minutes = (settings.cooldown_412_min if isinstance(exc, errors.Intercepted)
               else settings.cooldown_352_min)
    return max(1, round(minutes * 60))
