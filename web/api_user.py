"""The logged-in user's calls: session, status, profile, refresh, logout."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Blueprint, jsonify

from bilibili import errors
from bilibili.login import Credentials
from store import DecryptionError, Session
from web.context import web_context
from web.errors import ApiError
from web.refresh import queue_refresh
from web.sessions import end_session, ensure_session, require_user

log = logging.getLogger(__name__)
bp = Blueprint("user", __name__)

@bp.get("/api/session")
def session():
    current = ensure_session()
    uname = None
    if current.mid is not None:
        profile = web_context().store.users.get(current.mid)
        uname = profile.uname if profile else None
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
        next_refresh = settings.next_daily_refresh(dt.datetime.now(settings.tz)).isoformat()
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
        raise ApiError(429, "刷新太频繁了，请稍后再试")
    queue_refresh(ctx, mid)
    return jsonify(state=status_json(mid)["state"]), 202


@bp.post("/api/logout")
@require_user(csrf=True)
def logout(session: Session):
    ctx = web_context()
    mid = session.mid
    if ctx.store.toview.added(mid):
        # Entries we put in 稍后再看 go first, and removing them needs the credentials and
        # the record: the worker does it (rate-limited), then logs out of bilibili and
        # deletes everything. Here the user is logged out of this site at once.
        token = ctx.store.begin_leaving(mid)
        ctx.queue.logout_user(mid, token)
        end_session()
        return "", 204
    try:
        saved = ctx.store.credentials.load(mid)
        if saved is not None:
            ctx.login.logout(Credentials(saved.cookies, saved.refresh_token))
    except (errors.BiliError, DecryptionError) as exc:
        # Local data goes regardless: the user asked to be forgotten.
        log.warning("bilibili logout for %s failed: %s", mid, type(exc).__name__)
    ctx.store.forget_user(mid)
    end_session()
    return "", 204


@bp.get("/healthz")
def healthz():
    try:
        web_context().store.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return jsonify(redis="down", error=type(exc).__name__), 503
    return jsonify(redis="ok")


def _iso(ts: float, tz: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(ts, tz).isoformat(timespec="milliseconds")


