"""QR login: ``/api/login/qrcode`` and ``/api/login/poll`` (no CSRF: nobody is logged in)."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterator

from flask import Blueprint, jsonify, request

from bilibili import errors
from bilibili.login import Credentials, PollState
from store import UserProfile
from web.context import WebContext, web_context
from web.errors import ApiError
from web.qrimage import png_data_url
from web.refresh import queue_refresh
from web.sessions import start_user_session

log = logging.getLogger(__name__)
bp = Blueprint("login", __name__)

_KEY = re.compile(r"[0-9A-Za-z]{1,64}")


@bp.post("/api/login/qrcode")
def qrcode():
    ctx = web_context()
    limit = ctx.settings.qr_per_client_per_min
    if not ctx.store.limits.allow("qr", request.remote_addr or "?", limit=limit, window_s=60):
        raise ApiError(429, "二维码请求过于频繁，请一分钟后再试")
    with bilibili_errors():
        qr = ctx.login.generate(device_ids(ctx))
    ctx.store.qr.remember(qr.qrcode_key)
    return jsonify(
        qrcode_key=qr.qrcode_key, image=png_data_url(qr.url), expires_in=qr.expires_in
    )


@bp.get("/api/login/poll")
def poll():
    key = request.args.get("qrcode_key", "")
    if not _KEY.fullmatch(key):
        raise ApiError(400, "qrcode_key 格式错误（最多 64 位字母或数字）")
    ctx = web_context()
    if ctx.store.qr.succeeded(key):
        return jsonify(status=PollState.SUCCESS.value)
    if not ctx.store.qr.known(key):
        return jsonify(status=PollState.EXPIRED.value)
    with bilibili_errors():
        result = ctx.login.poll(key, device_ids(ctx))
        if result.state is PollState.SUCCESS:
            assert result.credentials is not None
            log_in(ctx, key, result.credentials)
    return jsonify(status=result.state.value)


def log_in(ctx: WebContext, qrcode_key: str, credentials: Credentials) -> None:
    account = ctx.login.account(credentials)
    if not ctx.settings.mid_allowed(account.mid):
        try:
            ctx.login.logout(credentials)
        except errors.BiliError:
            pass
        raise ApiError(403, f"bilibili 账号 {account.mid} 不在本站允许登录的名单中")
    if not ctx.store.qr.claim_success(qrcode_key):
        return
    ctx.store.credentials.save(account.mid, credentials.cookies, credentials.refresh_token)
    profile = UserProfile(account.mid, account.uname, account.face, logged_in_at=time.time())
    ctx.store.users.activate(profile)
    start_user_session(account.mid)
    log.info("user %s logged in", account.mid)
    queue_refresh(ctx, account.mid, first=True)


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
    except errors.RiskControl:
        log.warning("bilibili login call hit risk control")
        raise ApiError(503, "bilibili 拦截了请求（风控），请过几分钟再试") from None
    except errors.NotLoggedIn:
        raise ApiError(502, "bilibili 未确认这次登录，请刷新二维码重试") from None
    except errors.BiliError as exc:
        log.warning("bilibili login call failed: %s", type(exc).__name__)
        raise ApiError(502, "bilibili 暂时无法访问，请稍后再试") from None
