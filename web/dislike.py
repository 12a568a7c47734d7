"""不感兴趣 with a reason (docs/api.md ``POST /api/feedback`` ``reason``): each reason changes
what it says and nothing else.

- ``author``: the UP主 joins ``rules.authors`` (a rule: re-scored at once);
- ``topic``: the video's tags are disliked (scoring, ``worker.dislikes``), not its UP主;
- ``clickbait``: a dislike event for this video, and a quality mark on its UP主;
- ``too_short`` / ``too_long``: the duration bound moves to this video's length;
- ``seen``: a ``seen`` event (never picked again, counted as watched, no label).

The card shows 不感兴趣 whatever the reason (the feedback state ``dislike``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from store import BehaviourEvent, Store


@dataclass(frozen=True)
class Facts:
    """What the reasons need to know of a video."""

    author_mid: int = 0
    author_name: str = ""
    tags: tuple[str, ...] = ()
    duration: int = 0


def facts(store: Store, mid: int, bvid: str) -> Facts:
    """From the shared video cache (every hot candidate's details are there), else the
    user's own pool, else the picks."""
    record = store.videos.get_many([bvid]).get(bvid)
    if record is None or record.tags is None:
        pooled = [r for r in store.pools.user(mid) if r.bvid == bvid]
        record = next((r for r in pooled if r.tags is not None), record or next(
            iter(pooled), None))
    if record is not None:
        return Facts(record.owner_mid, record.owner_name, record.tags or (), record.duration)
    for day in store.picks.dates(mid):
        for section in ("hot", "explore"):
            for pick in (store.picks.get(mid, day) or {}).get(section, []):
                if isinstance(pick, dict) and pick.get("bvid") == bvid:
                    author = pick.get("author") or {}
                    return Facts(int(author.get("mid") or 0), str(author.get("name") or ""),
                                 (), int(pick.get("duration") or 0))
    return Facts()


def apply(store: Store, mid: int, bvid: str, reason: str) -> bool:
    """Record what ``reason`` says about ``bvid``; True when the rules changed (the
    caller re-scores). When what the reason needs of the video is not known (no UP主,
    tags or length stored for it), it is a plain dislike, as without a reason."""
    video = facts(store, mid, bvid) if reason != "seen" else Facts()
    now = int(time.time())
    if (reason in ("author", "clickbait") and not video.author_mid
            or reason == "topic" and not video.tags
            or reason in ("too_short", "too_long") and video.duration <= 0):
        store.events.append(mid, [BehaviourEvent("feedback_dislike", bvid, now,
                                                 source="web")])
        return False
    # The card was answered, so it is never a shown-but-ignored negative either (which
    # would count against the UP主 and everything else about the video).
    store.feedback.click(mid, bvid)
    if reason == "seen":
        store.events.append(mid, [BehaviourEvent("seen", bvid, now, source="web")])
    elif reason == "author":
        store.rules.block_author(mid, video.author_mid, video.author_name)
        return True
    elif reason == "clickbait":
        store.events.append(mid, [BehaviourEvent("feedback_dislike", bvid, now,
                                                 source="web:clickbait")])
        store.feedback.mark_clickbait(mid, video.author_mid, now)
    elif reason == "topic":
        store.feedback.dislike_topic(mid, list(video.tags))
    else:
        store.feedback.move_duration(mid, reason, video.duration)
    return False
