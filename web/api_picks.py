"""Picks, past days and feedback. The picks answer is rendered once per user and day and
served from Redis until new picks or feedback change it."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from typing import Any

from flask import Blueprint, Response, jsonify, request

from store import BehaviourEvent, Session
from store.feedback import REASONS
from store.picks import KEEP_DAYS, picked_bvids
from web import dislike
from web.api_settings import rescore
from web.context import web_context
from web.errors import ApiError
from web.fast_picks import LATEST, PREFETCHED, RENDER
from web.sessions import COOKIE, logged_in, require_user

bp = Blueprint("picks", __name__)

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BVID = re.compile(r"BV1[1-9A-HJ-NP-Za-km-z]{9}")
FEEDBACK_KINDS = ("like", "dislike", "click", "clear")


@bp.get("/api/picks")
def picks():
    store = web_context().store
    date = request.args.get("date")
    day = f"{RENDER}:{date}" if date else LATEST
    # The session comes with the cached answer: one Redis round trip for the hottest read,
    # made already by FastPicks when it could not answer.
    read = request.environ.get(PREFETCHED) if date is None else None
    found, body, generation = read or store.rendered.get_for_session(
        request.cookies.get(COOKIE), day)
    session = logged_in(found)
    if date is not None and not DATE.fullmatch(date):
        raise ApiError(400, "date 格式应为 YYYY-MM-DD")
    if body is None:
        doc = store.picks.get(session.mid, date)
        if doc is None:
            raise ApiError(404, "这一天没有推荐" if date else "推荐还在准备中，请稍候")
        body = render_picks(doc, store.feedback.all(session.mid))
        store.rendered.put(session.mid, day, body, generation)
    return Response(body, mimetype="application/json")


def render_picks(doc: dict[str, Any], feedback: dict[str, str]) -> bytes:
    """The answer of docs/api.md; each pick carries the user's feedback as it is now."""

    def section(name: str) -> list[dict[str, Any]]:
        return [{**p, "feedback": feedback.get(p.get("bvid"))}
                for p in doc.get(name, []) if isinstance(p, dict)]

    answer = {"date": doc.get("date"), "generated_at": whole_seconds(doc.get("generated_at")),
              "hot": section("hot"), "explore": section("explore"),
              "filtered": doc.get("filtered", 0)}
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()


def whole_seconds(stamp: Any) -> Any:
    """The API's time form (docs/api.md) (whole seconds, with the offset) for a stored time, however
    precise its writer made it (picks written before this release carry milliseconds)."""
    if not isinstance(stamp, str):
        return stamp
    try:
        return dt.datetime.fromisoformat(stamp).isoformat(timespec="seconds")
    except ValueError:
        return stamp


@bp.get("/api/days")
@require_user()
def days(session: Session):
    return jsonify(dates=web_context().store.picks.dates(session.mid))


@bp.post("/api/feedback")
@require_user(csrf=True)
def feedback(session: Session):
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "请求体应为 JSON：{\"bvid\": …, \"kind\": \"like\" | \"dislike\" | "
                            "\"click\" | \"clear\"}")
    bvid, kind = body.get("bvid"), body.get("kind")
    if not isinstance(bvid, str) or not BVID.fullmatch(bvid):
        raise ApiError(400, "bvid 格式错误（BV1 加 9 位 base58 字符）")
    if kind not in FEEDBACK_KINDS:
        raise ApiError(400, "kind 只能是 like、dislike、click 或 clear")
    reason = body.get("reason")
    if "reason" in body and (kind != "dislike" or reason not in REASONS):
        raise ApiError(400, "reason 只能随 dislike 给出，且只能是 " + "、".join(REASONS))
    ctx = web_context()
    store = ctx.store
    if not store.limits.allow_user("feedback", session.mid, limit=ctx.settings.feedback_per_min,
                                   window_s=60):
        raise ApiError(429, "反馈太频繁了，请稍后再试", retry_after=store.limits.retry_after(60))
    if not _known_to(session.mid, bvid):
        # Otherwise any script could grow the user's events without bound.
        raise ApiError(404, "没有给你推荐过这个视频")
    if reason is not None:
        if dislike.apply(store, session.mid, bvid, reason):
            rescore(session.mid)  # 不看这个UP主 is a rule: today's picks lose them now
        store.feedback.set(session.mid, bvid, "dislike")
    elif kind == "click":
        store.feedback.click(session.mid, bvid)
    elif kind == "clear":
        store.feedback.clear(session.mid, bvid)
    else:
        event = BehaviourEvent(f"feedback_{kind}", bvid, int(time.time()), source="web")
        store.events.append(session.mid, [event])
        store.feedback.set(session.mid, bvid, kind)
    return "", 204


def _known_to(mid: int, bvid: str) -> bool:
    """Was ``bvid`` among the user's picks of the last 30 days, or has the user events for
    it? Today's picks first: nearly every feedback is about them."""
    store = web_context().store
    if store.events.touched_among(mid, [bvid]):
        return True
    latest = store.picks.latest_date(mid)
    if latest is None:
        return False
    if bvid in picked_bvids(store.picks.get(mid, latest)):
        return True
    try:
        newest = dt.date.fromisoformat(latest)
    except ValueError:  # an unreadable pointer: no days to look in (as ``dates`` says)
        return False
    # The other 29 days in one read.
    return bvid in store.picks.recent_bvids(mid, newest, days=KEEP_DAYS - 1)
