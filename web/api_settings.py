"""The user's settings: 稍后再看 delivery, the push target, the feed URL; and the two calls
that queue work for them (undo, test message). The web only reads and writes the store
and queues tasks: it never calls bilibili or the push URL here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, jsonify, request

from store import Session
from store.delivery import COUNT_MAX, COUNT_MIN
from store.push import KINDS, PushTarget, url_problem
from web.api_feed import feed_url, public_base
from web.context import web_context
from web.errors import ApiError
from web.sessions import require_user

bp = Blueprint("settings", __name__)


def settings_json(mid: int) -> dict[str, Any]:
    ctx = web_context()
    store, tz = ctx.store, ctx.settings.tz
    toview = store.toview.settings(mid)
    added = store.toview.added(mid)
    last = max((a.added_at for a in added), default=None)
    target = store.push.target(mid)
    result = store.push.result(mid)
    return {
        "toview": {
            "enabled": toview.enabled,
            "count": toview.count,
            "added": len(added),
            "added_at": _iso(last, tz) if last else None,
            "error": store.toview.error(mid),
            # For the page (docs/api.md): what is in the list now, newest first.
            "items": [{"bvid": a.bvid, "title": a.title, "added_at": _iso(a.added_at, tz)}
                      for a in reversed(added)],
        },
        "push": {
            "kind": target.kind if target else None,
            "target": target.masked if target else None,
            # For the page (docs/api.md): how the last message went.
            "last": None if result is None else {
                "ok": result.ok, "at": _iso(result.at, tz), "what": result.what,
                "message": result.message,
            },
        },
        "feed_url": feed_url(store.feed.token(mid)),
    }


@bp.get("/api/settings")
@require_user()
def get_settings(session: Session):
    return jsonify(settings_json(session.mid))


@bp.post("/api/settings")
@require_user(csrf=True)
def post_settings(session: Session):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) - {"toview", "push"}:
        raise ApiError(400, '请求体应为 JSON：{"toview": {"enabled", "count"}, '
                            '"push": {"kind", "url"} 或 null} 中的任意部分')
    # Everything is checked before anything is written: a bad value changes nothing.
    toview = _toview_change(body["toview"]) if "toview" in body else None
    push = _push_change(session.mid, body["push"]) if "push" in body else None
    store = web_context().store
    if toview is not None:
        store.toview.save_settings(session.mid, **toview)
    if "push" in body:
        if push is None:
            store.push.delete(session.mid)
        else:
            store.push.save(session.mid, push)
    return jsonify(settings_json(session.mid))


def _toview_change(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) - {"enabled", "count"}:
        raise ApiError(400, 'toview 应为 {"enabled": true/false, "count": 1–30}')
    change: dict[str, Any] = {}
    if "enabled" in value:
        if not isinstance(value["enabled"], bool):
            raise ApiError(400, "toview.enabled 只能是 true 或 false")
        change["enabled"] = value["enabled"]
    if "count" in value:
        count = value["count"]
        if isinstance(count, bool) or not isinstance(count, int) or not (
                COUNT_MIN <= count <= COUNT_MAX):
            raise ApiError(400, f"toview.count 应为 {COUNT_MIN}–{COUNT_MAX} 的整数")
        change["count"] = count
    return change


def _push_change(mid: int, value: Any) -> PushTarget | None:
    """The new target, or None to remove it (``"push": null``)."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"kind", "url"}:
        raise ApiError(400, 'push 应为 {"kind": …, "url": …} 或 null')
    current = web_context().store.push.target(mid)
    kind = value.get("kind", current.kind if current else None)
    url = value.get("url", current.url if current else None)
    if kind not in KINDS:
        raise ApiError(400, "push.kind 只能是 " + "、".join(KINDS))
    if not isinstance(url, str):
        raise ApiError(400, "push.url 应为推送服务给你的完整地址")
    problem = url_problem(kind, url.strip())
    if problem:
        raise ApiError(400, problem)
    return PushTarget(kind=kind, url=url.strip(), page_url=public_base() + "/")


@bp.post("/api/push/test")
@require_user(csrf=True)
def push_test(session: Session):
    ctx = web_context()
    if ctx.store.push.target(session.mid) is None:
        raise ApiError(409, "还没有设置推送地址")
    if not ctx.store.limits.allow_user("push_test", session.mid, limit=10, window_s=60):
        raise ApiError(429, "测试消息发送太频繁了，请稍后再试")
    ctx.queue.push_test(session.mid)
    return jsonify(queued=True), 202


@bp.post("/api/toview/undo")
@require_user(csrf=True)
def toview_undo(session: Session):
    ctx = web_context()
    if ctx.store.toview.added(session.mid):
        ctx.queue.toview_undo(session.mid)
    return jsonify(queued=True), 202


def _iso(ts: float, tz: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(ts, tz).isoformat(timespec="seconds")
