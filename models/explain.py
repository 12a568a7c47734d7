"""Reasons (in Chinese) behind a recommendation (no TensorFlow).

Each reason is a claim about the user's own record or about the video's public numbers,
made only when it is true:

* 你常看的标签：X、Y — X and Y are tags of this video that occur in at least
  MIN_TAG_POSITIVES of the user's positive examples and in at least as many positives as
  negatives (a filler tag like "日常" that the user mostly skips is not a reason); when
  several qualify, the ones the model's attention weighted most for this video are named;
* 你关注的UP主 — the user follows this UP主 on bilibili (the follows handed in);
* 你收藏过/投币过/点赞过该UP主的视频 — the user favourited/coined/liked a video of this
  author (the strongest act on record is named); 你常看该UP主的视频 — at least
  MIN_AUTHOR_POSITIVES positive examples of this author;
* 高质量：点赞率高 / 收藏率高 — likes (favourites) per view above the thresholds below,
  once the video has enough views for the rate to mean something;
* 新发现：你还没看过的话题 — none of the video's tags nor its author occurs anywhere in
  the user's labelled record (only said when no taste reason applies).

Taste reasons are ordered by the attention the model paid to the author versus the
named tags for this video, quality reasons come after them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.entities import Video
from models.features import video_tags
from models.state import TasteStats

MIN_TAG_POSITIVES = 2
MIN_AUTHOR_POSITIVES = 2
MAX_NAMED_TAGS = 2
MIN_VIEWS_FOR_RATES = 1000
HIGH_LIKE_RATE = 0.06
HIGH_FAVORITE_RATE = 0.02
FOLLOWED = "你关注的UP主"


def reasons(
    stats: TasteStats,
    video: Video,
    attention: Sequence[float] | np.ndarray | None = None,
    max_reasons: int = 3,
) -> list[str]:
    """Up to ``max_reasons`` reasons; ``attention`` is the video's attention row (tags in
    order, author last) or None when no model is trained."""
    taste: list[tuple[float, str]] = []
    tags = video_tags(video)
    weights = np.asarray(attention, dtype=np.float64) if attention is not None else None

    liked_tags = []
    for i, (key, name) in enumerate(tags):
        count = stats.tag_pos.get(key, 0)
        if count >= MIN_TAG_POSITIVES and count >= stats.tag_neg.get(key, 0):
            weight = float(weights[i]) if weights is not None else 0.0
            liked_tags.append((weight, count, stats.tag_names.get(key, name)))
    if liked_tags:
        liked_tags.sort(key=lambda t: (t[0], t[1]), reverse=True)
        named = liked_tags[:MAX_NAMED_TAGS]
        taste.append((sum(t[0] for t in named), "你常看的标签：" + "、".join(t[2] for t in named)))

    author_weight = float(weights[-1]) if weights is not None else 0.0
    if stats.follows.get(video.author_mid):
        taste.append((author_weight, FOLLOWED))
    author = _author_reason(stats, video.author_mid)
    if author:
        taste.append((author_weight, author))

    taste.sort(key=lambda t: t[0], reverse=True)
    out = [text for _, text in taste]
    if not out and _all_new(stats, video):
        out.append("新发现：你还没看过的话题")
    out += quality_reasons(video)
    return out[:max_reasons]


def _author_reason(stats: TasteStats, mid: int) -> str | None:
    if stats.author_faved.get(mid, 0):
        return "你收藏过该UP主的视频"
    if stats.author_coined.get(mid, 0):
        return "你投币过该UP主的视频"
    if stats.author_liked.get(mid, 0):
        return "你点赞过该UP主的视频"
    if stats.author_pos.get(mid, 0) >= MIN_AUTHOR_POSITIVES:
        return "你常看该UP主的视频"
    return None


def _all_new(stats: TasteStats, video: Video) -> bool:
    mid = video.author_mid
    if stats.author_pos.get(mid, 0) or stats.author_neg.get(mid, 0) or stats.follows.get(mid):
        return False
    return not any(
        stats.tag_pos.get(key, 0) or stats.tag_neg.get(key, 0) for key, _ in video_tags(video)
    )


def quality_reasons(video: Video) -> list[str]:
    """Reasons from the video's public numbers (also usable for fallback picks)."""
    if video.view < MIN_VIEWS_FOR_RATES:
        return []
    out = []
    if video.like / video.view >= HIGH_LIKE_RATE:
        out.append("高质量：点赞率高")
    if video.favorite / video.view >= HIGH_FAVORITE_RATE:
        out.append("高质量：收藏率高")
    return out
