"""Hot lists (§9) and the homepage feed (§10.2).

Lists are public (WBI accepted and ignored); the feed requires a valid WBI
signature and a ``buvid3`` cookie, and leans to the user's taste when logged in.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, Response, request

from . import envelope, hotlists, shapes, vocab
from .accounts import Account
from .catalog import stat_at
from .guards import ApiError, api, int_arg, register
from .world import World

bp = Blueprint("sim_lists", __name__)
register(bp)

CHINA = timezone(timedelta(hours=8))
POPULAR_PS_MAX = 50  # undocumented cap (our choice)
FEED_PS_MAX = 30
RANKING_NOTE = "根据稿件内容质量、近期的数据综合展示，动态更新"
PRECIOUS_MEDIA_ID = 496307088


@bp.get("/x/web-interface/popular")
@api(login="optional")
def popular(world: World, account: Account | None) -> Response:
    pn = int_arg("pn", 1, lo=1)
    ps = int_arg("ps", 20, lo=1, hi=POPULAR_PS_MAX, clamp=True)
    # With cookies the order is personalised (§9.1); same set either way.
    ranked = world.popular(account.mid if account else None)
    global_rank = {idx: pos for pos, idx in enumerate(world.popular())}
    out = []
    for idx in ranked[(pn - 1) * ps: pn * ps]:
        video = world.cat.videos[idx]
        item = shapes.arc(world, video, vt=True, vv=True)
        reason = hotlists.rcmd_reason_popular(stat_at(video, world.now_off), global_rank[idx])
        item.update({"season_type": 0, "is_ogv": False, "ogv_info": None, "enable_vt": 0,
                     "ai_rcmd": None, "rcmd_reason": {"content": reason, "corner_mark": 0}})
        out.append(item)
    return envelope.ok({"list": out, "no_more": pn * ps >= len(ranked)})


# -- weekly ----------------------------------------------------------------------------

def _md(ts: int, fmt: str) -> str:
    return datetime.fromtimestamp(ts, CHINA).strftime(fmt)


def _issue_words(world: World, number: int) -> tuple[str, str]:
    rng = random.Random(f"bilisim:{world.seed}:weekly:{number}")
    topic = rng.choice(vocab.TOPICS)
    tail = rng.choice(("来了", "名场面", "大赏", "的一周", "", "！"))
    subject = rng.choice(topic.subjects) + tail
    return subject, rng.choice(vocab.RCMD_WEEKLY).format(t=topic.name, s=rng.choice(topic.subjects))


def _issue_head(world: World, number: int) -> dict[str, Any]:
    stime, etime = world.weekly_window(number)
    subject, _ = _issue_words(world, number)
    name = f"{_md(stime, '%Y')}第{number}期 {_md(stime, '%m.%d')} - {_md(etime, '%m.%d')}"
    return {"number": number, "subject": subject, "status": 2, "name": name}


@bp.get("/x/web-interface/popular/series/list")
@api()
def series_list(world: World, account: Account | None) -> Response:
    return envelope.ok({"list": [_issue_head(world, n)
                                 for n in range(world.weekly_number(), 0, -1)]})


@bp.get("/x/web-interface/popular/series/one")
@api()
def series_one(world: World, account: Account | None) -> Response:
    number = int_arg("number")
    ids = world.weekly(number)
    if ids is None:
        raise ApiError(-404)
    head = _issue_head(world, number)
    stime, etime = world.weekly_window(number)
    subject, share = _issue_words(world, number)
    rng = random.Random(f"bilisim:{world.seed}:weekly-reasons:{number}")
    items = []
    for idx in ids:
        video = world.cat.videos[idx]
        item = shapes.arc(world, video, newer=False)
        topic = vocab.TOPICS[video.primary_topic]
        item["rcmd_reason"] = rng.choice(vocab.RCMD_WEEKLY).format(t=topic.name, s=video.subject)
        items.append(item)
    config = {
        "id": number, "type": "weekly_selected", "number": number, "subject": subject,
        "stime": stime, "etime": etime, "status": 2, "name": head["name"],
        "label": f"第{number}期({_md(etime + 1, '%m%d')}更新)", "hint": "本周热词：", "color": 2,
        "cover": items[0]["pic"] if items else "",
        "share_title": f"{subject}  | B站每周必看{_md(stime, '%Y')}年第{number}期",
        "share_subtitle": share, "media_id": 400_000_000 + number * 1013,
    }
    return envelope.ok({"config": config, "reminder": "每周五晚18:00更新", "list": items})


# -- ranking / precious -------------------------------------------------------------------

@bp.get("/x/web-interface/ranking/v2")
@api()
def ranking(world: World, account: Account | None) -> Response:
    # ``rid`` (newer) or ``tid`` (2024 docs); v1 or v2 main-zone ids (§9.3).
    rid = int_arg("rid", None, lo=0) if request.args.get("rid") else int_arg("tid", 0, lo=0)
    kind = request.args.get("type", "all") or "all"
    kind = {"rokkie": "rookie"}.get(kind, kind)  # upstream's spelling, accepted too
    if kind not in ("all", "rookie", "origin"):
        raise ApiError(-400)
    zone = hotlists.zone_of(rid)
    # Unknown zone: an empty list (what the real server does is unverified).
    ids = world.ranking(zone, kind) if zone is not None else []
    items = []
    for idx in ids:
        item = shapes.arc(world, world.cat.videos[idx], newer=False)
        item["score"] = 0
        items.append(item)
    return envelope.ok({"note": RANKING_NOTE, "list": items})


@bp.get("/x/web-interface/popular/precious")
@api()
def precious(world: World, account: Account | None) -> Response:
    items = []
    for idx in world.precious():
        video = world.cat.videos[idx]
        item = shapes.arc(world, video, vt=True, vv=True)
        item["achievement"] = hotlists.achievement(video)
        items.append(item)
    return envelope.ok({"title": "入站必刷", "media_id": PRECIOUS_MEDIA_ID,
                        "explain": f"我不允许还有人没看过这{len(items)}个宝藏视频！",
                        "list": items})


# -- feed ---------------------------------------------------------------------------------

@bp.get("/x/web-interface/wbi/index/top/feed/rcmd")
@api(wbi_required=True, buvid3=True, login="optional")
def feed(world: World, account: Account | None) -> Response:
    ps = int_arg("ps", 12, lo=1, hi=FEED_PS_MAX, clamp=True)
    mid = account.mid if account else None
    u = world.user(mid)
    items = []
    for pos, (goto, idx) in enumerate(world.feed(mid, ps)):
        if goto == "live":
            items.append(shapes.feed_live(world, world.cat.authors[idx], pos))
            continue
        video = world.cat.videos[idx]
        followed = u is not None and video.author in u.follows
        items.append(shapes.feed_av(world, video, followed=followed, ad=goto == "ad", pos=pos))
    return envelope.ok({
        "item": items, "business_card": None, "floor_info": None, "user_feature": None,
        "mid": mid or 0, "preload_expose_pct": 0.5, "preload_floor_expose_pct": 0.5,
        "side_bar_column": [],
    })
