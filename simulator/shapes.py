"""JSON shapes of world objects, field for field as bilibili-api.md shows them.

The shared "Arc" (§0) is built once by :func:`arc`; each endpoint adds or
drops its own fields. Stats are taken at the world's current time.
"""

from __future__ import annotations

import zlib
from typing import Any

from . import vocab
from .catalog import Author, Video, sha_hex, stat_at
from .routes_covers import cover_url
from .world import World

# Video.status → Arc ``state`` for invalid videos still shown (history): §8.1 list.
STATE_OF_STATUS = {"ok": 0, "deleted": -100, "hidden": -4, "review": -1, "uponly": -50}
INVALID_TITLE = "已失效视频"


def tag_id(name: str) -> int:
    return zlib.crc32(name.encode()) % 29_000_000 + 1_000


def owner(author: Author) -> dict[str, Any]:
    return {"mid": author.mid, "name": author.name, "face": author.face}


def stat(world: World, video: Video, *, vt: bool = False, vv: bool = False,
         evaluation: bool = False) -> dict[str, Any]:
    s = stat_at(video, world.now_off)
    out: dict[str, Any] = {"aid": video.aid, "view": s["view"], "danmaku": s["danmaku"],
                           "reply": s["reply"], "favorite": s["favorite"], "coin": s["coin"],
                           "share": s["share"], "now_rank": 0, "his_rank": 0, "like": s["like"],
                           "dislike": 0}
    if evaluation:
        out["evaluation"] = ""
    if vt:
        out["vt"] = 0
    if vv:
        out["vv"] = s["view"]
    return out


def dimension(video: Video) -> dict[str, int]:
    """Vertical if height > width, with ``rotate: 1`` swapping the two (§0)."""
    if video.rotated:
        return {"width": 1920, "height": 1080, "rotate": 1}
    w, h = (1080, 1920) if video.portrait else (1920, 1080)
    return {"width": w, "height": h, "rotate": 0}


def rights(video: Video) -> dict[str, int]:
    return {"bp": 0, "elec": 0, "download": 1, "movie": 0, "pay": 0, "hd5": 1,
            "no_reprint": 1 if video.copyright == 1 else 0, "autoplay": 1, "ugc_pay": 0,
            "is_cooperation": 0, "ugc_pay_preview": 0, "no_background": 0, "arc_pay": 0,
            "pay_free_watch": 0}


def dynamic(video: Video) -> str:
    return "".join(f"#{t}#" for t in video.tags[:3])


def arc(world: World, video: Video, *, vt: bool = False, vv: bool = False,
        newer: bool = True) -> dict[str, Any]:
    """The shared archive object. ``newer`` adds the optional 2023+ fields."""
    part = vocab.PARTITIONS[video.tid]
    out: dict[str, Any] = {
        "aid": video.aid, "videos": video.videos, "tid": part.tid, "tname": part.tname,
        "copyright": video.copyright, "pic": cover_url(video.pic), "title": video.title,
        "pubdate": world.ts(video.pub_off), "ctime": world.ts(video.ctime_off),
        "desc": video.desc, "state": STATE_OF_STATUS[video.status],
        "duration": video.duration, "rights": rights(video),
        "owner": owner(world.author(video)), "stat": stat(world, video, vt=vt, vv=vv),
        "dynamic": dynamic(video), "cid": video.cid, "dimension": dimension(video),
    }
    if newer:
        out["short_link_v2"] = f"https://b23.tv/{video.bvid}"
        if video.location:
            out["pub_location"] = video.location
    out["bvid"] = video.bvid
    return out


def pages(video: Video) -> list[dict[str, Any]]:
    w = dimension(video)
    return [{"cid": video.cid + i, "page": i + 1, "from": "vupload",
             "part": part_name(video, i + 1), "duration": d, "vid": "", "weblink": "",
             "dimension": w}
            for i, d in enumerate(video.page_durations)]


def part_name(video: Video, page: int) -> str:
    return video.subject if video.videos == 1 else f"P{page} {video.subject}"


def view(world: World, video: Video) -> dict[str, Any]:
    """``x/web-interface/view`` data (§8.1)."""
    part = vocab.PARTITIONS[video.tid]
    out = arc(world, video, vt=True)
    out["stat"] = stat(world, video, vt=True, evaluation=True)
    out.update({
        "tid_v2": part.tid_v2, "tname_v2": part.tname_v2,
        "desc_v2": [{"raw_text": video.desc, "type": 1, "biz_id": 0}],
        "argue_info": {"argue_msg": "", "argue_type": 0, "argue_link": ""},
        "pages": pages(video), "subtitle": {"allow_submit": False, "list": []},
        "is_season_display": False, "is_story": video.portrait, "is_upower_exclusive": video.upower,
        "is_chargeable_season": False, "no_cache": False, "teenage_mode": 0,
        "need_jump_bv": False, "disable_show_up_info": False, "premiere": None,
        "honor_reply": {}, "like_icon": "", "enable_vt": 0, "mission_id": 0,
    })
    return out


def related_item(world: World, video: Video, *, blank_bvid: bool = False) -> dict[str, Any]:
    part = vocab.PARTITIONS[video.tid]
    out = arc(world, video)
    out.update({"tidv2": part.tid_v2, "tnamev2": part.tname_v2, "pid_v2": part.pid_v2,
                "pid_name_v2": part.pid_name_v2, "rcmd_reason": "",
                "ai_rcmd": {"id": video.aid, "goto": "av", "trackid": track_id(
                    world, "web_related_0.router-related", video.aid), "uniq_id": ""}})
    if blank_bvid:  # the old upstream capture: "bvid": "" (§10.1)
        out["bvid"] = ""
    return out


def track_id(world: World, prefix: str, n: int) -> str:
    digest = sha_hex("track", world.seed, n)[:10]
    return f"{prefix}-{digest}.{world.now() * 1000 + n % 997}.{n % 100}"


def tags(world: World, video: Video, *, bgm: bool) -> list[dict[str, Any]]:
    """``view/detail/tag`` items (§8.3): [bgm], [topic], old_channel…"""
    out = []
    if bgm and video.bgm:
        music_id, song = video.bgm
        out.append({"tag_id": 0, "tag_name": f"发现《{song}》", "music_id": music_id,
                    "tag_type": "bgm", "jump_url": (
                        f"https://music.bilibili.com/h5/music-detail?music_id={music_id}"
                        f"&cid={video.cid}&aid={video.aid}&na_close_hide=1")})
    if video.topic_tag:
        tid = tag_id(video.topic_tag)
        out.append({"tag_id": tid, "tag_name": video.topic_tag, "music_id": "",
                    "tag_type": "topic",
                    "jump_url": f"https://www.bilibili.com/v/topic/detail/?topic_id={tid}"})
    for name in video.tags:
        out.append({"tag_id": tag_id(name), "tag_name": name, "music_id": "",
                    "tag_type": "old_channel", "jump_url": ""})
    return out


def tags_old(world: World, video: Video) -> list[dict[str, Any]]:
    """``x/tag/archive/tags`` items (the old endpoint, no bgm)."""
    out = []
    for name in ((video.topic_tag,) if video.topic_tag else ()) + video.tags:
        tid = tag_id(name)
        out.append({"tag_id": tid, "tag_name": name, "cover": "", "head_cover": "",
                    "content": "", "short_content": "", "type": 3, "state": 0,
                    "ctime": 1_400_000_000 + tid % 200_000_000,
                    "count": {"view": 0, "use": 1_000 + tid % 5_000_000, "atten": tid % 90_000},
                    "is_atten": 0, "likes": 0, "hates": 0, "attribute": 0, "liked": 0,
                    "hated": 0, "extra_attr": 0})
    return out


def card(world: World, author: Author) -> dict[str, Any]:
    n_videos = sum(1 for i in world.cat.author_videos[author.idx] if i < world.prefix)
    return {
        "card": {
            "mid": str(author.mid), "name": author.name, "approve": False, "sex": "保密",
            "rank": "10000", "face": author.face, "face_nft": 0, "face_nft_type": 0,
            "DisplayRank": "0", "regtime": 0, "spacesta": 0, "birthday": "", "place": "",
            "description": "", "article": 0, "attentions": [], "fans": author.fans,
            "friend": 120, "attention": 120, "sign": author.sign,
            "level_info": {"current_level": author.level, "current_min": 0, "current_exp": 0,
                           "next_exp": 0},
            "pendant": {"pid": 0, "name": "", "image": "", "expire": 0},
            "nameplate": {"nid": 0, "name": "", "image": "", "image_small": "", "level": "",
                          "condition": ""},
            "Official": {"role": 0, "title": "", "desc": "", "type": -1},
            "official_verify": {"type": -1, "desc": ""},
            "vip": {"type": 0, "status": 0, "due_date": 0, "vip_pay_type": 0, "theme_type": 0,
                    "label": {"path": "", "text": "", "label_theme": ""}},
            "is_senior_member": 0,
        },
        "space": {"s_img": "http://i0.hdslb.com/bfs/space/768cc4fd97618cf589d23c2711a1d1a729f42235.png",
                  "l_img": "http://i0.hdslb.com/bfs/space/cb1c3ef50e22b6096fde67febe863494caefebad.png"},
        "following": False, "archive_count": n_videos, "article_count": 0,
        "follower": author.fans, "like_num": author.fans * 7,
    }


def participle(video: Video) -> list[str]:
    return list(dict.fromkeys([video.subject, *(t.lower() for t in video.tags)]))


def fav_attr(video: Video) -> int:
    return {"deleted": 9, "hidden": 1}.get(video.status, 0)


def fav_title(video: Video) -> str:
    return INVALID_TITLE if fav_attr(video) else video.title


def fav_media(world: World, video: Video, fav_time: int) -> dict[str, Any]:
    """One ``fav/resource/list`` media (§6.2). Deleted/hidden videos are the
    invalid kind: title 已失效视频, attr 9 (uploader deleted) / 1 (other)."""
    s = stat_at(video, world.now_off)
    attr = fav_attr(video)
    return {
        "id": video.aid, "type": 2, "title": fav_title(video),
        "cover": cover_url(video.pic), "intro": "" if attr else video.desc, "page": video.videos,
        "duration": video.duration, "upper": owner(world.author(video)), "attr": attr,
        "cnt_info": {"collect": s["favorite"], "play": s["view"], "danmaku": s["danmaku"]},
        "link": f"bilibili://video/{video.aid}", "ctime": world.ts(video.ctime_off),
        "pubtime": world.ts(video.pub_off), "fav_time": world.ts(fav_time),
        "bv_id": video.bvid, "bvid": video.bvid, "season": None, "ogv": None,
        "ugc": {"first_cid": video.cid},
    }


def feed_av(world: World, video: Video, *, followed: bool, ad: bool, pos: int) -> dict[str, Any]:
    """An ``av`` item of the home feed (§10.2); ``ad`` adds ``business_info``."""
    s = stat_at(video, world.now_off)
    if followed:
        reason: dict[str, Any] = {"content": "已关注", "reason_type": 1}
    elif s["like"] >= 10_000:
        reason = {"content": f"{s['like'] // 10_000}万点赞", "reason_type": 3}
    else:
        reason = {"reason_type": 0}
    item = {
        "id": video.aid, "bvid": video.bvid, "cid": video.cid, "goto": "av",
        "uri": f"https://www.bilibili.com/video/{video.bvid}", "pic": cover_url(video.pic),
        "pic_4_3": cover_url(video.pic), "title": video.title, "duration": video.duration,
        "pubdate": world.ts(video.pub_off), "owner": owner(world.author(video)),
        "stat": {"view": s["view"], "like": s["like"], "danmaku": s["danmaku"], "vt": 0},
        "av_feature": None, "is_followed": int(followed), "rcmd_reason": reason,
        "show_info": 1, "track_id": track_id(world, "web_pegasus_4.router-web-pegasus", pos),
        "pos": 0, "room_info": None, "ogv_info": None, "business_info": None, "is_stock": 0,
        "enable_vt": 0, "vt_display": "", "dislike_switch": 1, "dislike_switch_pc": 0,
    }
    if ad:
        # Shape of the upstream example's ad slot; the "archive" member (the
        # promoted video, per the upstream table) is added here, unverified.
        item["is_stock"] = 1
        item["business_info"] = {
            "id": 0, "contract_id": "", "res_id": video.aid, "asg_id": 0, "pos_num": pos,
            "name": "", "pic": "", "litpic": "", "url": "", "style": 0, "agency": "",
            "label": "", "intro": "", "creative_type": 0,
            "request_id": f"{world.now() * 1000}q{sha_hex('ad', video.aid)[:12]}",
            "src_id": 5637, "area": 0, "is_ad_loc": True, "ad_cb": "", "title": "",
            "server_type": 0, "cm_mark": 0, "stime": 0, "mid": "", "activity_type": 0,
            "epid": 0, "sub_title": "", "ad_desc": "", "adver_name": "", "null_frame": False,
            "pic_main_color": "", "card_type": 0, "business_mark": None,
            "inline": {"inline_use_same": 0, "inline_type": 0, "inline_url": "",
                       "inline_barrage_switch": 0},
            "operater": "", "jump_target": 0, "show_urls": None, "click_urls": None,
            "archive": arc(world, video),
        }
    return item


def feed_live(world: World, author: Author, pos: int) -> dict[str, Any]:
    room = 1_000_000 + author.mid % 30_000_000
    cover = f"http://i0.hdslb.com/bfs/live/new_room_cover/{sha_hex('room', room)}.jpg"
    title = f"{author.name}的直播间"
    return {
        "id": room, "bvid": "", "cid": 0, "goto": "live",
        "uri": f"https://live.bilibili.com/{room}", "pic": cover, "pic_4_3": "",
        "title": title, "duration": 0, "pubdate": 0, "owner": owner(author), "stat": None,
        "av_feature": None, "is_followed": 0, "rcmd_reason": None, "show_info": 0,
        "track_id": track_id(world, "web_pegasus_4.router-web-pegasus", pos), "pos": 0,
        "room_info": {
            "room_id": room, "uid": author.mid, "live_status": 1,
            "show": {"short_id": 0, "title": title, "cover": cover, "keyframe": cover,
                     "popularity_count": 1000 + room % 90_000, "tag_list": None,
                     "live_start_time": 0, "live_id": 0, "hidden_online": False},
            "area": {"area_id": 0, "area_name": "虚拟日常", "parent_area_id": 9,
                     "parent_area_name": "虚拟主播", "old_area_id": 0, "old_area_name": "",
                     "old_area_tag": "", "area_pk_status": 0, "is_video_room": False},
            "watched_show": {"switch": True, "num": 1000 + room % 90_000,
                             "text_small": "1万", "text_large": "1万人看过", "icon": "",
                             "icon_location": 0, "icon_web": ""},
        },
        "ogv_info": None, "business_info": None, "is_stock": 0, "enable_vt": 0,
        "vt_display": "", "dislike_switch": 1, "dislike_switch_pc": 0,
    }
