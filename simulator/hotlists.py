"""Hot lists and related videos, computed from the catalogue and the day.

Popular (综合热门) and ranking (排行榜) follow view velocity with a per-day
jitter, so they rotate as new videos come in and old ones slow down. Weekly
must-watch (每周必看) issue ``n`` covers a fixed 7-day window and never changes
once published. Precious (入站必刷) is a stable pool of old, good videos.
"""

from __future__ import annotations

import heapq
import math

from . import vocab
from .catalog import DAY, Catalogue, Video, unit, views_at

POPULAR_SIZE = 200
WEEKLY_SIZE = 30
WEEKLY_BASE = 104  # issue number at day 0 (minus the phase): two years of issues
RANKING_SIZE = 100
PRECIOUS_SIZE = 100
RELATED_SIZE = 40


def noise(seed: int, a: int, b: int) -> float:
    """Deterministic uniform [0, 1) from two ints."""
    return unit(seed, a, b)


def velocity(video: Video, off: int, days: int) -> int:
    return views_at(video, off) - views_at(video, off - days * DAY)


def velocities(cat: Catalogue, day: int, prefix: int) -> list[int]:
    """Views gained over the last 3 days by each published video (0 if invalid)."""
    off = day * DAY
    return [velocity(v, off, 3) if v.valid else 0 for v in cat.videos[:prefix]]


def popular(cat: Catalogue, day: int, vel: list[int]) -> list[int]:
    videos = cat.videos
    scored = [(s * (0.6 + 0.8 * noise(cat.seed, videos[i].aid, day)), i)
              for i, s in enumerate(vel) if s > 0]
    return [i for _, i in heapq.nlargest(POPULAR_SIZE, scored)]


def rcmd_reason_popular(stat: dict[str, int], rank: int) -> str:
    """Popular's ``rcmd_reason.content``: 百万播放 / N万点赞 / 人气飙升 or empty."""
    if stat["view"] >= 1_000_000:
        return "百万播放"
    if stat["like"] >= 10_000:
        return f"{stat['like'] // 10_000}万点赞"
    return "人气飙升" if rank < 20 else ""


# -- weekly ----------------------------------------------------------------------

def weekly_number(day: int, phase: int) -> int:
    """Latest published issue at ``day``; a new one every 7 days."""
    return WEEKLY_BASE + (day + phase) // 7


def weekly_end_day(number: int, phase: int) -> int:
    """Issue ``number`` covers world days [end-7, end) and appears at ``end``."""
    return 7 * (number - WEEKLY_BASE) - phase


def weekly_issue(cat: Catalogue, number: int, phase: int) -> list[int]:
    end = weekly_end_day(number, phase) * DAY
    lo, hi = end - 14 * DAY, end
    scored = [(views_at(v, end) - views_at(v, end - 7 * DAY), v.idx)
              for v in cat.videos if lo <= v.pub_off < hi and v.valid]
    return [i for _, i in heapq.nlargest(WEEKLY_SIZE, scored)]


# -- ranking ---------------------------------------------------------------------

def zone_of(rid: int) -> int | None:
    """v1 main zone of a ``rid``/``tid``: 0 (all), a v1 main zone, or a v2 main
    zone id (§9.3: the server's numbering is unverified, so accept both).
    A v1 sub-zone maps to its main zone. Unknown → None."""
    if rid == 0 or rid in vocab.MAIN_ZONES:
        return rid
    if rid in vocab.V2_MAIN_TO_V1:
        return vocab.V2_MAIN_TO_V1[rid]
    part = vocab.PARTITIONS.get(rid)
    return part.main_tid if part else None


def ranking(cat: Catalogue, day: int, vel: list[int], zone: int, kind: str) -> list[int]:
    scored = []
    for i, speed in enumerate(vel):
        if speed <= 0:
            continue
        v = cat.videos[i]
        if zone and vocab.PARTITIONS[v.tid].main_tid != zone:
            continue
        if kind == "origin" and v.copyright != 1:
            continue
        if kind == "rookie" and cat.authors[v.author].fans >= 20_000:
            continue
        score = speed * (0.8 + 0.4 * noise(cat.seed, v.aid, day + 7919))
        scored.append((score, v.idx))
    return [i for _, i in heapq.nlargest(RANKING_SIZE, scored)]


# -- precious / related ---------------------------------------------------------------

def precious(cat: Catalogue, n_base: int) -> list[int]:
    scored = [(v.quality * math.log(v.views_final), v.idx) for v in cat.videos[:n_base]
              if v.valid and v.pub_off < -180 * DAY]
    return [i for _, i in heapq.nlargest(PRECIOUS_SIZE, scored)]


def achievement(video: Video) -> str:
    template = vocab.ACHIEVEMENTS[video.aid % len(vocab.ACHIEVEMENTS)]
    return template.format(tname=vocab.PARTITIONS[video.tid].tname)


def related(cat: Catalogue, video: Video, prefix: int) -> list[int]:
    """Up to 40: the uploader's best other videos, then videos sharing topics."""
    out: list[int] = []
    own = [i for i in cat.author_videos[video.author]
           if i != video.idx and i < prefix and cat.videos[i].valid]
    own.sort(key=lambda i: -cat.videos[i].views_final)
    out.extend(own[:6])
    taken = set(out) | {video.idx}
    weights = dict(video.topics)
    scored: dict[int, float] = {}
    for topic, _ in video.topics:
        for i in cat.topic_videos[topic]:
            if i in taken or i >= prefix or i in scored:
                continue
            other = cat.videos[i]
            if not other.valid:
                continue
            overlap = sum(w * weights.get(t, 0.0) for t, w in other.topics)
            jitter = 0.5 + noise(cat.seed, video.aid, other.aid)
            scored[i] = overlap * math.log(other.views_final + 1) * jitter
    out.extend(heapq.nlargest(RELATED_SIZE - len(out), scored, key=scored.__getitem__))
    return out
