"""The user's settings: 稍后再看 delivery, the push target, the feed URL; and the two calls
that queue work for them (undo, test message). The web only reads and writes the store
and queues tasks: it never calls bilibili or the push URL here."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import Blueprint, jsonify, request

from store import Session
from store.delivery import COUNT_MAX, COUNT_MIN
from store.push import KINDS, PushTarget, url_problem
from store.push_address import url_address_problem
from store.rules import Rules, RulesError, parse_rules
from web.api_feed import feed_url, public_base
from web.context import web_context
from web.errors import ApiError
from web.sessions import require_user

bp = Blueprint("settings", __name__)

WINDOW_S = 60
SAVE_RESOLVE_S = 2.0  # a save waits at most this long for DNS
PUSH_SAVES_PER_MIN = 10


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
        "feed_url": feed_url(store.atom.token(mid)),
        "rules": store.rules.get(mid).to_json(),
    }


@bp.get("/api/settings")
@require_user()
def get_settings(session: Session):
    return jsonify(settings_json(session.mid))


@bp.post("/api/settings")
@require_user(csrf=True)
def post_settings(session: Session):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) - {"toview", "push", "rules"}:
        raise ApiError(400, '请求体应为 JSON：{"toview": {"enabled", "count"}, '
                            '"push": {"kind", "url"} 或 null, "rules": {…}} 中的任意部分')
    if isinstance(body.get("push"), dict) and not _limit(session.mid, "push_save",
                                                         PUSH_SAVES_PER_MIN):
        # Each save resolves the URL's host name (up to SAVE_RESOLVE_S of a web thread).
        return _too_often("推送地址修改太频繁了，请稍后再试")
    # Everything is checked before anything is written: a bad value changes nothing.
    toview = _toview_change(body["toview"]) if "toview" in body else None
    push = _push_change(session.mid, body["push"]) if "push" in body else None
    rules = _rules_change(body["rules"]) if "rules" in body else None
    store = web_context().store
    if toview is not None:
        store.toview.save_settings(session.mid, **toview)
    if "push" in body:
        if push is None:
            store.push.delete(session.mid)
        else:
            store.push.save(session.mid, push)
    if rules is not None and rules != store.rules.get(session.mid):
        store.rules.save(session.mid, rules)
        rescore(session.mid)
    return jsonify(settings_json(session.mid))


def _rules_change(value: Any) -> Rules:
    try:
        return parse_rules(value)
    except RulesError as exc:
        raise ApiError(400, str(exc)) from None


def rescore(mid: int) -> None:
    """Picks again from the stored pools under the new rules (the ml queue, no bilibili
    request). A refresh holding the user scores with them, or scores again after."""
    ctx = web_context()
    ctx.store.rules.want_rescore(mid)
    if not ctx.store.picks.latest_date(mid):
        return  # the first refresh has not picked yet: it reads the rules when it does
    token = ctx.store.locks.acquire(mid)
    if token is not None:
        ctx.store.status.set(mid, "scoring", progress=0.85, message="正在按你的新规则重新挑选")
        try:
            ctx.queue.score_user(mid, token)
        except Exception:
            ctx.store.locks.release(mid, token)  # the flag stays: the next refresh uses it
            raise


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
    url = url.strip()
    settings = web_context().settings
    # The form, then where it leads: resolved here so the user hears at once that a URL
    # names this host or its network; the worker checks again before every connect.
    problem = url_problem(kind, url) or url_address_problem(
        url, allow_private=settings.push_allow_private,
        timeout_s=min(settings.push_timeout_s, SAVE_RESOLVE_S))
    if problem:
        raise ApiError(400, problem)
    return PushTarget(kind=kind, url=url, page_url=public_base() + "/")


@bp.post("/api/push/test")
@require_user(csrf=True)
def push_test(session: Session):
    ctx = web_context()
    if ctx.store.push.target(session.mid) is None:
        raise ApiError(409, "还没有设置推送地址")
    if not _limit(session.mid, "push_test", ctx.settings.push_tests_per_min):
        return _too_often("测试消息发送太频繁了，请稍后再试")
    ctx.queue.push_test(session.mid)
    return jsonify(queued=True), 202


def _limit(mid: int, name: str, per_min: int) -> bool:
    return web_context().store.limits.allow_user(name, mid, limit=per_min, window_s=WINDOW_S)


def _too_often(message: str):  # a Flask response and its status
    resp = jsonify(error=message)
    # The counters are fixed windows: free again when this one ends.
    resp.headers["Retry-After"] = str(WINDOW_S - int(time.time()) % WINDOW_S)
    return resp, 429


@bp.post("/api/toview/undo")
@require_user(csrf=True)
def toview_undo(session: Session):
    ctx = web_context()
    if ctx.store.toview.added(session.mid):
        ctx.queue.toview_undo(session.mid)
    return jsonify(queued=True), 202


def _iso(ts: float, tz: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(ts, tz).isoformat(timespec="seconds")
