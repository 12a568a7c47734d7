"""Video detail, tags and related videos (§8, §10.1). Public; cookies optional.

Deleted / hidden / under-review / uploader-only videos answer -404 / 62002 /
62004 / 62012 on view and view/detail; tags and related answer the same codes
for them (what the real tag endpoints say for such videos is unverified).
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from . import envelope, shapes
from .accounts import Account
from .catalog import STATUS_CODES, Video
from .guards import ApiError, api, int_arg, register, video_arg
from .hotlists import noise
from .world import World

bp = Blueprint("sim_video", __name__)
register(bp)


def _open_video(world: World) -> Video:
    video = video_arg(world)
    if not video.valid:
        raise ApiError(STATUS_CODES[video.status])
    return video


def _view(world: World) -> Response:
    return envelope.ok(shapes.view(world, _open_video(world)))


@bp.get("/x/web-interface/view")
@api()
def view(world: World, account: Account | None) -> Response:
    return _view(world)


@bp.get("/x/web-interface/wbi/view")
@api(wbi_required=True)
def wbi_view(world: World, account: Account | None) -> Response:
    return _view(world)


def _detail(world: World) -> Response:
    video = _open_video(world)
    related = [shapes.related_item(world, world.cat.videos[i]) for i in world.related(video)]
    return envelope.ok({
        "View": shapes.view(world, video),
        "Card": shapes.card(world, world.author(video)),
        "Tags": shapes.tags(world, video, bgm=True),
        "Reply": {"page": None, "replies": []},
        "Related": related,
        "Spec": None,
        "hot_share": {"show": False, "list": []},
        "elec": None,
        "emergency": {"no_like": False, "no_coin": False, "no_fav": False, "no_share": False},
        "view_addit": {"63": False, "64": False, "69": False, "71": False, "72": False},
        "guide": None,
        "query_tags": None,
        "participle": shapes.participle(video),
        "module_ctrl": None,
        "replace_recommend": False,
    })


@bp.get("/x/web-interface/view/detail")
@api()
def view_detail(world: World, account: Account | None) -> Response:
    return _detail(world)


@bp.get("/x/web-interface/wbi/view/detail")
@api(wbi_required=True)
def wbi_view_detail(world: World, account: Account | None) -> Response:
    return _detail(world)


@bp.get("/x/web-interface/view/detail/tag")
@api()
def detail_tag(world: World, account: Account | None) -> Response:
    video = _open_video(world)
    # The part's BGM tag only comes with ``cid`` (§8.3).
    with_bgm = bool(request.args.get("cid")) and int_arg("cid", lo=1) > 0
    return envelope.ok(shapes.tags(world, video, bgm=with_bgm))


@bp.get("/x/tag/archive/tags")
@api()
def archive_tags(world: World, account: Account | None) -> Response:
    return envelope.ok(shapes.tags_old(world, _open_video(world)))


@bp.get("/x/web-interface/archive/related")
@api()
def related(world: World, account: Account | None) -> Response:
    video = _open_video(world)  # deleted seed → -404 (doc's guess, unverified)
    out = []
    for i in world.related(video):
        other = world.cat.videos[i]
        # About 1 in 8 items carries "bvid": "" like the old upstream capture.
        blank = noise(world.seed, other.aid, 17) < 0.125
        out.append(shapes.related_item(world, other, blank_bvid=blank))
    return envelope.ok(out)
