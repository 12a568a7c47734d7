"""Followings (§15.1) and an UP主's uploads (§15.2).

* ``x/relation/followings``: login required (and a ``buvid3``, like the other per-user
  lists); ``ps`` clamped to 50; newest follow first; someone else's list shows its first
  100 entries, then empty pages with code 0 (``total`` stays the full size); a user who
  hides it (the accounts that hide their likes, mid ending in 5) answers 22115 to others.
* ``x/space/wbi/arc/search``: WBI required (else -352 with a ``v_voucher``); newest
  first by default; ``length`` is ``"MM:SS"`` (minutes go past 59) and ``copyright`` a
  string; an unknown mid -404; a user without uploads an empty ``vlist``. The risk-control
  -352 it is known for comes from the fault hook (``POST /_sim/fault`` with this path).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from . import envelope, vocab
from .accounts import Account
from .catalog import Author, Video, stat_at
from .guards import ApiError, api, int_arg, register
from .routes_covers import cover_url
from .state import get_state
from .world import World

bp = Blueprint("sim_space", __name__)
register(bp)

FOLLOWINGS_PS_MAX = 50
OTHERS_VISIBLE = 100  # someone else's list: the first 100 entries (2024-03 on)
ARC_PS_MAX = 50


# -- followings ----------------------------------------------------------------------

@bp.get("/x/relation/followings")
@api(buvid3=True, login=True)
def followings(world: World, account: Account | None) -> Response:
    vmid = int_arg("vmid", lo=1)
    pn = int_arg("pn", 1, lo=1)
    ps = int_arg("ps", 50, lo=1, hi=FOLLOWINGS_PS_MAX, clamp=True)
    owner = world.user(vmid)
    if owner is None:  # not a simulated user: nobody followed (real answer unverified)
        return envelope.ok({"list": [], "re_version": 0, "total": 0})
    mine = account is not None and account.mid == vmid
    if not mine and owner.spec.likes_hidden:
        raise ApiError(22115)
    entries = sorted(owner.follows.items(), key=lambda x: (-x[1], x[0]))
    visible = entries if mine else entries[:OTHERS_VISIBLE]
    viewer = world.user(account.mid) if account else None
    special = owner.taste.authors
    page = visible[(pn - 1) * ps: pn * ps]
    items = [_following(world, world.cat.authors[a], t, a in special,
                        viewer is not None and a in viewer.follows) for a, t in page]
    return envelope.ok({"list": items, "re_version": 0, "total": len(entries)})


def _following(world: World, author: Author, when: int, special: bool,
               viewer_follows: bool) -> dict[str, Any]:
    return {
        "mid": author.mid, "attribute": 2 if viewer_follows else 0,
        "mtime": world.ts(when), "tag": None, "special": int(special), "contract_info": {},
        "uname": author.name, "face": author.face, "sign": author.sign,
        "face_nft": 0,
        "official_verify": {"type": -1, "desc": ""},
        "vip": {"vipType": 0, "vipDueDate": 0, "dueRemark": "", "accessStatus": 0,
                "vipStatus": 0, "vipStatusWarn": "", "themeType": 0},
        "name_render": {}, "nft_icon": "", "rec_reason": "", "track_id": "",
        "follow_time": "",
    }


# -- an UP主's uploads -----------------------------------------------------------------

@bp.get("/x/space/wbi/arc/search")
@api(wbi_required=True, login="optional")
def arc_search(world: World, account: Account | None) -> Response:
    mid = int_arg("mid", lo=1)
    pn = int_arg("pn", 1, lo=1)
    ps = int_arg("ps", 30, lo=1, hi=ARC_PS_MAX, clamp=True)
    tid = int_arg("tid", 0, lo=0)
    order = request.args.get("order", "pubdate") or "pubdate"
    if order not in ("pubdate", "click", "stow"):
        raise ApiError(-400)
    author = world.author_by_mid(mid)
    if author is None:
        if get_state().account(mid) is None:
            raise ApiError(-404)  # a mid that does not exist: unverified
        ids: list[int] = []  # a user who uploads nothing
    else:
        ids = world.uploads(author)
    videos = [world.cat.videos[i] for i in ids]
    tlist = _tlist(videos)
    keyword = request.args.get("keyword", "")
    if tid:
        videos = [v for v in videos if vocab.PARTITIONS[v.tid].main_tid == tid or v.tid == tid]
    if keyword:
        videos = [v for v in videos if keyword in v.title]
    if order != "pubdate":
        key = "view" if order == "click" else "favorite"
        videos.sort(key=lambda v: -stat_at(v, world.now_off)[key])
    page = videos[(pn - 1) * ps: pn * ps]
    return envelope.ok({
        "list": {"slist": [], "tlist": tlist, "vlist": [_vitem(world, v) for v in page]},
        "page": {"pn": pn, "ps": ps, "count": len(videos)},
        "episodic_button": {"text": "播放全部",
                            "uri": f"//www.bilibili.com/medialist/play/{mid}?from=space"},
        "is_risk": False, "gaia_res_type": 0, "gaia_data": None,
    })


def length(seconds: int) -> str:
    """``"MM:SS"``; minutes go past 59 for long videos (unverified upstream)."""
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _tlist(videos: list[Video]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for video in videos:
        part = vocab.PARTITIONS[video.tid]
        entry = out.setdefault(str(part.main_tid),
                               {"tid": part.main_tid, "count": 0, "name": part.main_name})
        entry["count"] += 1
    return out


def _vitem(world: World, video: Video) -> dict[str, Any]:
    s = stat_at(video, world.now_off)
    author = world.author(video)
    return {
        "comment": s["reply"], "typeid": video.tid, "play": s["view"],
        "pic": cover_url(video.pic), "subtitle": "", "description": video.desc,
        "copyright": str(video.copyright), "title": video.title, "review": 0,
        "author": author.name, "mid": author.mid, "created": world.ts(video.pub_off),
        "length": length(video.duration), "video_review": s["danmaku"], "aid": video.aid,
        "bvid": video.bvid, "hide_click": False, "is_pay": 0, "is_union_video": 0,
        "is_steins_gate": 0, "is_live_playback": 0, "is_lesson_video": 0,
        "is_charging_arc": video.upower,
        "elec_arc_type": 0, "meta": None, "is_avoided": 0, "season_id": 0, "attribute": 0,
        "is_self_view": False, "vt": 0, "enable_vt": 0, "vt_display": "",
        "playback_position": 0, "jump_url": "",
    }
