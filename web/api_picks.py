"""Picks, past days and feedback. The picks answer is rendered once per user and day and
served from Redis until new picks or feedback change it."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from flask import Blueprint, Response, jsonify, request

from store import BehaviourEvent, Session
from web.context import web_context
from web.errors import ApiError
from web.fast_picks import PREFETCHED
from web.sessions import COOKIE, logged_in, require_user

bp = Blueprint("picks", __name__)

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BVID = re.compile(r"BV1[1-9A-HJ-NP-Za-km-z]{9}")
FEEDBACK_KINDS = ("like", "dislike", "click", "clear")


@bp.get("/api/picks")
def picks():
    store = web_context().store
    date = request.args.get("date")
    day = date or "latest"
    # The session comes with the cached answer: one Redis round trip for the hottest read,
    # made already by FastPicks when it could not answer.
    read = request.environ.get(PREFETCHED) if date is None else None
    found, body, generation = read or store.views.get_for_session(
        request.cookies.get(COOKIE), day)
    session = logged_in(found)
    if date is not None and not DATE.fullmatch(date):
        raise ApiError(400, "date 格式应为 YYYY-MM-DD")
    if body is None:
        doc = store.picks.get(session.mid, date)
        if doc is None:
            raise ApiError(404, "这一天没有推荐" if date else "推荐还在准备中，请稍候")
        body = render_picks(doc, store.feedback.all(session.mid))
        store.views.put(session.mid, day, body, generation)
    return Response(body, mimetype="application/json")


def render_picks(doc: dict[str, Any], feedback: dict[str, str]) -> bytes:
    """The answer of docs/api.md; each pick carries the user's feedback as it is now."""

    def section(name: str) -> list[dict[str, Any]]:
        return [{**p, "feedback": feedback.get(p.get("bvid"))}
                for p in doc.get(name, []) if isinstance(p, dict)]

    answer = {"date": doc.get("date"), "generated_at": doc.get("generated_at"),
              "hot": section("hot"), "explore": section("explore")}
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()


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
    store = web_context().store
    if kind == "click":
        store.feedback.click(session.mid, bvid)
    elif kind == "clear":
        store.feedback.clear(session.mid, bvid)
    else:
        event = BehaviourEvent(f"feedback_{kind}", bvid, int(time.time()), source="web")
        store.events.append(session.mid, [event])
        store.feedback.set(session.mid, bvid, kind)
    return "", 204
