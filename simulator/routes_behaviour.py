"""A user's behaviour: watch history (§5), favourites (§6), likes and coins
(§7). Every route here requires a ``buvid3`` cookie (guards.api)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from . import envelope, shapes, shapes_user
from .accounts import Account
from .catalog import DAY, stat_at
from .guards import ApiError, api, int_arg, register, video_arg
from .routes_covers import cover_url
from .state import get_state
from .users import Folder, UserState
from .world import World

bp = Blueprint("sim_behaviour", __name__)
register(bp)

HISTORY_PS_MAX = 30  # documented upstream; Nemo2011 passes 100 (real cap unverified)
V2_HISTORY_PS_MAX = 100  # no documented cap; Nemo2011's default (unverified)
SPACE_LIST_CAP = 50  # recent likes / coins shown (upstream: "about 20", unverified)
LIKE_RECENT_S = 180 * DAY  # has/like reads 0 for likes older than ~6 months


def _me(world: World, account: Account | None) -> UserState:
    u = world.user(account.mid) if account else None
    if u is None:  # an account without world data: nothing to show
        raise ApiError(-404)
    return u


# -- history -----------------------------------------------------------------------

@bp.get("/x/web-interface/history/cursor")
@api(buvid3=True, login=True)
def history_cursor(world: World, account: Account | None) -> Response:
    u = _me(world, account)
    ps = int_arg("ps", 20, lo=1, hi=HISTORY_PS_MAX, clamp=True)
    cur_max = int_arg("max", 0, lo=0)
    cur_view_at = int_arg("view_at", 0, lo=0)
    kind = request.args.get("type", "all") or "all"
    if kind not in ("all", "archive", "live", "article"):
        raise ApiError(-400)
    faved = shapes_user.faved_set(u)
    items = []
    for watch in reversed(u.history):
        if kind != "all" and shapes_user.tab(watch) != kind:
            continue
        # Cursor = the last item's (view_at, kid); the next page starts strictly after it.
        if cur_view_at and (world.ts(watch.view_at), shapes_user.kid(watch, world)) >= (
                cur_view_at, cur_max):
            continue
        items.append(shapes_user.cursor_item(world, watch, faved))
        if len(items) == ps:
            break
    if items:
        last = items[-1]
        cursor = {"max": last["kid"], "view_at": last["view_at"],
                  "business": last["history"]["business"], "ps": ps}
    else:  # end of the list: shape unverified, the doc's guess (empty list, zero cursor)
        cursor = {"max": 0, "view_at": 0, "business": "", "ps": ps}
    return envelope.ok({"cursor": cursor, "tab": shapes_user.HISTORY_TABS, "list": items})


@bp.get("/x/v2/history")
@api(buvid3=True, login=True)
def history_v2(world: World, account: Account | None) -> Response:
    u = _me(world, account)
    pn = int_arg("pn", 1, lo=1)
    ps = int_arg("ps", 20, lo=1, hi=V2_HISTORY_PS_MAX, clamp=True)
    videos = [w for w in reversed(u.history) if w.kind == "archive"]
    page = videos[(pn - 1) * ps: pn * ps]
    if not page:  # past the end: null (Go nil slice; unverified vs [])
        return envelope.ok(None)
    faved = shapes_user.faved_set(u)
    return envelope.ok([shapes_user.v2_item(world, w, faved) for w in page])


# -- favourites ----------------------------------------------------------------------

def _find_folder(world: World, media_id: int) -> tuple[UserState, Folder]:
    """media_id = fid followed by the owner's mid mod 100 (§6.1)."""
    for mid in world.specs:
        if mid % 100 != media_id % 100:
            continue
        u = world.user(mid)
        for folder in u.folders if u else ():
            if folder.media_id == media_id:
                return u, folder
    raise ApiError(-404)  # unknown folder: code unverified (-404 chosen)


def _visible_folder(world: World, account: Account | None) -> tuple[UserState, Folder]:
    u, folder = _find_folder(world, int_arg("media_id", lo=1))
    if folder.private and (account is None or account.mid != u.mid):
        raise ApiError(-403)
    return u, folder


@bp.get("/x/v3/fav/folder/created/list-all")
@api(buvid3=True, login="optional")
def fav_folders(world: World, account: Account | None) -> Response:
    up_mid = int_arg("up_mid", lo=1)
    rid = int_arg("rid", 0, lo=0)
    u = world.user(up_mid)
    if u is None:
        return envelope.ok({"count": 0, "list": None, "season": None})
    mine = account is not None and account.mid == up_mid
    if not mine and u.spec.likes_hidden:  # the user hides folders from others
        return envelope.ok(None)
    rid_idx = world.cat.by_aid.get(rid) if rid else None
    folders = [shapes_user.folder_json(f, up_mid, int(any(i == rid_idx for i, _ in f.items)))
               for f in u.folders if mine or not f.private]
    return envelope.ok({"count": len(folders), "list": folders or None, "season": None})


def _sorted_items(world: World, owner: UserState, folder: Folder) -> list[tuple[int, int]]:
    if request.args.get("type", "0") == "1":  # search all the owner's folders
        items = [it for f in owner.folders for it in f.items]
    else:
        items = list(folder.items)
    keyword = request.args.get("keyword", "")
    tid = int_arg("tid", 0, lo=0)
    videos = world.cat.videos
    if keyword:
        items = [it for it in items if keyword in shapes.fav_title(videos[it[0]])]
    if tid:
        items = [it for it in items if videos[it[0]].tid == tid]
    order = request.args.get("order", "mtime") or "mtime"
    if order == "view":
        now = world.now_off
        items.sort(key=lambda it: -stat_at(videos[it[0]], now)["view"])
    elif order == "pubtime":
        items.sort(key=lambda it: -videos[it[0]].pub_off)
    else:
        items.sort(key=lambda it: -it[1])
    return items


@bp.get("/x/v3/fav/resource/list")
@api(buvid3=True, login="optional")
def fav_resources(world: World, account: Account | None) -> Response:
    owner, folder = _visible_folder(world, account)
    ps = int_arg("ps", lo=1, hi=20)  # required, 1–20 (§6.2)
    pn = int_arg("pn", 1, lo=1)
    items = _sorted_items(world, owner, folder)
    page = items[(pn - 1) * ps: pn * ps]
    medias = [shapes.fav_media(world, world.cat.videos[i], t) for i, t in page]
    acc = get_state().account(owner.mid)
    videos = [world.cat.videos[i] for i, _ in folder.items]
    stats = [stat_at(v, world.now_off) for v in videos]
    info: dict[str, Any] = {
        "id": folder.media_id, "fid": folder.fid, "mid": owner.mid, "attr": folder.attr,
        "title": folder.title, "cover": cover_url(videos[-1].pic) if videos else "",
        "upper": {"mid": owner.mid, "name": acc.uname if acc else "", "face": acc.face if acc
                  else "", "followed": False, "vip_type": 0, "vip_statue": 0},
        "cover_type": 2,
        "cnt_info": {"collect": 0, "play": sum(s["view"] for s in stats),
                     "thumb_up": sum(s["like"] for s in stats), "share": 0},
        "type": 11, "intro": "", "ctime": world.ts(folder.ctime_off),
        "mtime": world.ts(folder.mtime()), "state": 0, "fav_state": 0, "like_state": 0,
        "media_count": len(folder.items),
    }
    return envelope.ok({"info": info, "medias": medias or None,  # null when empty (unverified)
                        "has_more": pn * ps < len(items), "ttl": world.now()})


@bp.get("/x/v3/fav/resource/ids")
@api(buvid3=True, login="optional")
def fav_ids(world: World, account: Account | None) -> Response:
    _, folder = _visible_folder(world, account)
    items = sorted(folder.items, key=lambda it: -it[1])
    return envelope.ok([{"id": world.cat.videos[i].aid, "type": 2,
                         "bv_id": world.cat.videos[i].bvid, "bvid": world.cat.videos[i].bvid}
                        for i, _ in items])


# -- likes / coins ---------------------------------------------------------------------

def _space_user(world: World) -> UserState | None:
    u = world.user(int_arg("vmid", lo=1))
    if u is not None and u.spec.likes_hidden:
        # Hidden by privacy settings. The owner reading their own list also
        # gets 53013 here so clients exercise the path (real behaviour unverified).
        raise ApiError(53013)
    return u


@bp.get("/x/space/like/video")
@api(buvid3=True, login="optional")
def space_likes(world: World, account: Account | None) -> Response:
    # ``data.list`` as in the 2024 example and clients (the upstream table says a
    # bare array). WBI params, which a third-party client sends, are ignored.
    u = _space_user(world)
    recent = list(reversed(u.likes))[:SPACE_LIST_CAP] if u else []
    return envelope.ok({"list": [shapes_user.like_item(world, i) for i, _ in recent]})


@bp.get("/x/space/coin/video")
@api(buvid3=True, login="optional")
def space_coins(world: World, account: Account | None) -> Response:
    # A bare array; no 30-day window (a client comment mentions one; unverified).
    u = _space_user(world)
    recent = list(reversed(u.coins))[:SPACE_LIST_CAP] if u else []
    return envelope.ok([shapes_user.coin_item(world, i, n, t) for i, n, t in recent])


@bp.get("/x/web-interface/archive/has/like")
@api(buvid3=True, login=True)
def has_like(world: World, account: Account | None) -> Response:
    u = _me(world, account)
    video = video_arg(world)
    when = u.liked().get(video.idx)
    return envelope.ok(int(when is not None and world.now_off - when <= LIKE_RECENT_S))


@bp.get("/x/web-interface/archive/coins")
@api(buvid3=True, login=True)
def archive_coins(world: World, account: Account | None) -> Response:
    u = _me(world, account)
    video = video_arg(world)
    return envelope.ok({"multiply": u.coined().get(video.idx, 0)})


@bp.get("/x/v2/fav/video/favoured")
@api(buvid3=True, login=True)
def favoured(world: World, account: Account | None) -> Response:
    u = _me(world, account)
    video = video_arg(world)  # the param is named aid even for a bvid (§7.3)
    count = len(u.fav_folders(video.idx))
    return envelope.ok({"count": count, "favoured": count > 0})
