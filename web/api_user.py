"""The logged-in user's calls: session, status, profile, refresh, logout."""

from __future__ import annotations

import datetime as dt
import logging

import redis
from flask import Blueprint, jsonify

from bilibili import errors
from bilibili.login import Credentials
from store import Session
from web.context import WebContext, web_context
from web.errors import ApiError
from web.refresh import queue_refresh
from web.sessions import current_session, end_session, require_user

log = logging.getLogger(__name__)
bp = Blueprint("user", __name__)

@bp.get("/api/session")
def session():
    """Who this is. Stores nothing: a visitor without a session gets none here (it would
    cost Redis an hour per cookie-less request); the QR code request makes one. Always 200:
    the page asks this first, and with Redis down it must still be told what is wrong."""
    try:
        current = current_session()
        if current is None:
            web_context().store.ping()  # nothing read: still say when Redis is down
        uname = None
        if current is not None and current.mid is not None:
            profile = web_context().store.users.get(current.mid)
            uname = profile.uname if profile else None
    except redis.RedisError as exc:
        log.warning("redis unavailable: %s", type(exc).__name__)
        return jsonify(logged_in=False, mid=None, uname=None, csrf_token="",
                       error="存储服务（Redis）暂时不可用，请稍后再试")
    if current is None:
        return jsonify(logged_in=False, mid=None, uname=None, csrf_token="")
    return jsonify(
        logged_in=current.logged_in, mid=current.mid, uname=uname, csrf_token=current.csrf_token
    )


@bp.get("/api/status")
@require_user()
def status(session: Session):
    return jsonify(status_json(session.mid))


def status_json(mid: int) -> dict:
    ctx = web_context()
    settings = ctx.settings
    current = ctx.store.status.get(mid)
    if current is None:
        state, progress, message, picks_date, last = "queued", 0.0, "等待首次刷新", None, None
    else:
        state, progress, message = current.state, current.progress, current.message
        picks_date, last = current.picks_date, current.last_refresh
    next_refresh = None
    if state != "login_expired":
        next_refresh = settings.next_daily_refresh(
            dt.datetime.now(settings.tz)).isoformat(timespec="seconds")
    return {
        "state": state,
        "progress": round(progress, 3),
        "message": message,
        "picks_date": picks_date,
        "last_refresh": _iso(last, settings.tz) if last else None,
        "next_refresh": next_refresh,
    }


@bp.get("/api/profile")
@require_user()
def profile(session: Session):
    store = web_context().store
    taste = store.models.profile(session.mid) or {}
    meta = store.models.meta(session.mid)
    model = None
    if meta is not None:
        trained_at = _iso(meta.trained_at, web_context().settings.tz)
        model = {"trained_at": trained_at, "auc": meta.auc, "version": meta.version}
    tags = [{"name": t.get("name"), "weight": t.get("weight")} for t in taste.get("tags", [])]
    authors = [
        {"mid": a.get("mid"), "name": a.get("name"), "weight": a.get("weight")}
        for a in taste.get("authors", [])
    ]
    return jsonify(
        tags=tags, authors=authors, events=store.events.count(session.mid), model=model
    )


@bp.post("/api/refresh")
@require_user(csrf=True)
def refresh(session: Session):
    ctx = web_context()
    mid = session.mid
    if not ctx.store.users.is_active(mid):
        # The login expired: only a new scan can help then.
        return jsonify(state=status_json(mid)["state"]), 202
    if ctx.store.locks.held(mid):
        # Already on its way: it lists the history again if it did before this request.
        queue_refresh(ctx, mid)
        return jsonify(state=status_json(mid)["state"]), 202
    interval = ctx.settings.refresh_min_interval_s
    if interval and not ctx.store.limits.allow_user("refresh", mid, limit=1, window_s=interval):
        raise ApiError(429, "刷新太频繁了，请稍后再试",
                       retry_after=ctx.store.limits.retry_after(interval))
    queue_refresh(ctx, mid)
    return jsonify(state=status_json(mid)["state"]), 202


@bp.post("/api/logout")
@require_user(csrf=True)
def logout(session: Session):
    ctx = web_context()
    store = ctx.store
    mid = session.mid
    # Under the 稍后再看 writer's lock, so no delivery adds entries while the data goes.
    with store.toview.writing(mid) as quiet:
        if quiet and not store.toview.added(mid):
            _log_out_now(ctx, mid)
            end_session()
            return "", 204
    # Entries of ours to take back first, or a delivery writing right now: the worker
    # finishes (rate-limited, with a snapshot of this login), then forgets the user.
    token = store.begin_leaving(mid)
    try:
        ctx.queue.logout_user(mid, token)
    except Exception as exc:  # any broker trouble: nothing changed yet
        store.leaving.clear(mid, token)
        log.warning("logout of %s not queued: %s", mid, type(exc).__name__)
        raise ApiError(503, "暂时无法退出登录，请稍后再试") from None
    store.leave(mid)
    end_session()
    return "", 204


def _log_out_now(ctx: WebContext, mid: int) -> None:
    try:
        saved = ctx.store.credentials.load(mid)
        if saved is not None:
            ctx.login.logout(Credentials(saved.cookies, saved.refresh_token))
    except (errors.BiliError, ValueError) as exc:  # DecryptionError, StoredValueError
        # Local data goes regardless: the user asked to be forgotten.
        log.warning("bilibili logout for %s failed: %s", mid, type(exc).__name__)
    ctx.store.forget_user(mid)


@bp.get("/healthz")
def healthz():
    try:
        web_context().store.ping()
    except Exception as exc:  # any failure means "down"
        return jsonify(redis="down", error=type(exc).__name__), 503
    return jsonify(redis="ok")


def _iso(ts: float, tz: dt.tzinfo) -> str:
    """The API's times (docs/api.md): whole seconds, with the offset."""
    return dt.datetime.fromtimestamp(int(ts), tz).isoformat(timespec="seconds")


