"""JSON shapes of a user's behaviour: history items (§5), folders (§6.1),
like/coin list items (§7)."""

from __future__ import annotations

from typing import Any

from . import vocab
from .catalog import sha_hex
from .routes_covers import cover_url
from .shapes import arc, part_name
from .users import Folder, UserState, Watch
from .world import World

HISTORY_TABS = [{"type": "archive", "name": "视频"}, {"type": "live", "name": "直播"},
                {"type": "article", "name": "专栏"}]


def kid(watch: Watch, world: World) -> int:
    return world.cat.videos[watch.vidx].aid if watch.kind == "archive" else watch.oid


def tab(watch: Watch) -> str:
    """The history tab (``type``) an entry is listed under: bangumi count as 视频."""
    return "archive" if watch.kind == "pgc" else watch.kind


def pgc_item(world: World, watch: Watch) -> dict[str, Any]:
    """A bangumi episode: business ``pgc``, no bvid, ``kid`` = season id (§5.1)."""
    return {
        "title": watch.title, "long_title": f"第{watch.page}话",
        "cover": f"http://i0.hdslb.com/bfs/bangumi/{sha_hex('pgc', watch.oid)}.jpg",
        "covers": None, "uri": f"https://www.bilibili.com/bangumi/play/ss{watch.oid}",
        "history": {"oid": watch.oid, "epid": watch.oid * 100 + watch.page, "bvid": "",
                    "page": watch.page, "cid": 0, "part": "", "business": "pgc",
                    "dt": watch.dt},
        "videos": 1, "author_name": "", "author_mid": 0, "author_face": "",
        "view_at": world.ts(watch.view_at), "progress": watch.progress, "badge": "番剧",
        "show_title": f"第{watch.page}话", "duration": 1420, "current": "", "total": 24,
        "new_desc": "全24话", "is_finish": 1, "is_fav": 0, "kid": watch.oid, "tag_name": "",
        "live_status": 0,
    }


def cursor_item(world: World, watch: Watch, faved: set[int]) -> dict[str, Any]:
    """One ``history/cursor`` list item (archive, live or article). ``progress``
    -1 = finished, as in the v2 example (unverified for this endpoint; the doc's
    best guess and what clients rely on)."""
    view_at = world.ts(watch.view_at)
    if watch.kind == "pgc":
        return pgc_item(world, watch)
    if watch.kind != "archive":
        author = world.cat.authors[watch.author]
        live = watch.kind == "live"
        cover = f"http://i0.hdslb.com/bfs/{'live/new_room_cover' if live else 'article'}/" \
                f"{sha_hex(watch.kind, watch.oid)}.jpg"
        return {
            "title": watch.title, "long_title": "", "cover": cover if live else "",
            "covers": None if live else [cover],
            "uri": f"https://live.bilibili.com/{watch.oid}" if live
            else f"https://www.bilibili.com/read/cv{watch.oid}",
            "history": {"oid": watch.oid, "epid": 0, "bvid": "", "page": 0, "cid": 0,
                        "part": "", "business": watch.kind, "dt": watch.dt},
            "videos": 0, "author_name": author.name, "author_mid": author.mid,
            "author_face": author.face, "view_at": view_at, "progress": 0,
            "badge": "未开播" if live else "专栏", "show_title": "", "duration": 0,
            "current": "", "total": 0, "new_desc": "", "is_finish": 0, "is_fav": 0,
            "kid": watch.oid, "tag_name": "虚拟日常" if live else "", "live_status": 0,
        }
    video = world.cat.videos[watch.vidx]
    author = world.author(video)
    return {
        "title": video.title, "long_title": "", "cover": cover_url(video.pic), "covers": None,
        "uri": "",
        "history": {"oid": video.aid, "epid": 0, "bvid": video.bvid, "page": watch.page,
                    "cid": video.cid + watch.page - 1, "part": part_name(video, watch.page),
                    "business": "archive", "dt": watch.dt},
        "videos": video.videos, "author_name": author.name, "author_mid": author.mid,
        "author_face": author.face, "view_at": view_at, "progress": watch.progress,
        "badge": "", "show_title": "", "duration": video.duration, "current": "", "total": 0,
        "new_desc": "", "is_finish": 0, "is_fav": int(watch.vidx in faved), "kid": video.aid,
        "tag_name": vocab.PARTITIONS[video.tid].tname, "live_status": 0,
    }


def v2_item(world: World, watch: Watch, faved: set[int]) -> dict[str, Any]:
    """One ``x/v2/history`` item: Arc plus the history fields (§5.2)."""
    video = world.cat.videos[watch.vidx]
    out = arc(world, video, newer=False)
    out.update({
        "favorite": watch.vidx in faved, "type": 3, "sub_type": 0, "device": watch.dt,
        "page": {"cid": video.cid + watch.page - 1, "page": watch.page,
                 "part": part_name(video, watch.page),
                 "duration": video.page_durations[watch.page - 1]},
        "count": video.videos, "progress": watch.progress, "view_at": world.ts(watch.view_at),
        "kid": video.aid, "business": "archive",
        "redirect_link": f"https://www.bilibili.com/video/av{video.aid}",
    })
    return out


def faved_set(u: UserState) -> set[int]:
    return {vidx for f in u.folders for vidx, _ in f.items}


def folder_json(folder: Folder, mid: int, fav_state: int = 0) -> dict[str, Any]:
    return {"id": folder.media_id, "fid": folder.fid, "mid": mid, "attr": folder.attr,
            "title": folder.title, "fav_state": fav_state, "media_count": len(folder.items)}


def like_item(world: World, vidx: int) -> dict[str, Any]:
    out = arc(world, world.cat.videos[vidx], vt=True, vv=True)
    out.update({"inter_video": False, "resource_type": "ugc"})
    return out


def coin_item(world: World, vidx: int, coins: int, when: int) -> dict[str, Any]:
    out = arc(world, world.cat.videos[vidx], newer=False)
    out.update({"coins": coins, "time": world.ts(when), "ip": "", "inter_video": False})
    return out
