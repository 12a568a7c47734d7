"""The secret Atom feed URL and the feed itself."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from store import Session
from web import atom, hosts
from web.context import web_context
from web.errors import ApiError
from web.sessions import require_user

bp = Blueprint("feed", __name__)


def public_base() -> str:
    """Where links point: BILIREC_PUBLIC_URL behind a proxy, else our own address (see
    web/hosts.py: a forged Host is not used)."""
    return hosts.public_base()


def feed_url(token: str) -> str:
    return f"{public_base()}/feed/{token}.atom"


@bp.post("/api/feed/rotate")
@require_user(csrf=True)
def rotate(session: Session):
    return jsonify(feed_url=feed_url(web_context().store.atom.rotate(session.mid)))


@bp.get("/feed/<token>.atom")
def feed(token: str):
    ctx = web_context()
    mid = ctx.store.atom.owner(token) if len(token) <= 64 else None
    if mid is None or not ctx.settings.mid_allowed(mid):  # off the allow-list: as logged out
        raise ApiError(404, "没有这个订阅地址（可能已重新生成）")
    view = _feed_view()
    docs = [view.narrow(doc) for day in ctx.store.picks.dates(mid)
            if (doc := ctx.store.picks.get(mid, day)) is not None and doc.get("date")]
    body = atom.feed(docs, self_url=feed_url(token) + view.query, page_url=f"{public_base()}/",
                     tz=ctx.settings.tz, notices=ctx.store.atom.notices(mid), title=view.title)
    return Response(body, mimetype="application/atom+xml")


def _feed_view() -> atom.FeedView:
    """``?list=hot|explore`` and ``?min_rating=N`` (0–100); 400 for anything else in them."""
    args = request.args
    if len(args.getlist("list")) > 1 or len(args.getlist("min_rating")) > 1:
        raise ApiError(400, "list 和 min_rating 各只能给一次")
    section = args.get("list")
    if section is not None and section not in atom.SECTION_TITLES:
        raise ApiError(400, "list 只能是 hot 或 explore")
    rating = args.get("min_rating")
    if rating is not None and not (rating.isascii() and rating.isdigit() and len(rating) <= 3
                                   and int(rating) <= 100):
        raise ApiError(400, "min_rating 应为 0–100 的整数")
    return atom.FeedView(section, None if rating is None else int(rating))
