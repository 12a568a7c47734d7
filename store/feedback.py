"""What the user said about each pick on the page: like / dislike per video (the current
state, which ``clear`` takes back) and the picks they opened.

The event log keeps like/dislike as training events; this is the state the page shows,
read at request time because feedback changes after the picks were made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import redis

from store import keys
from store.picks_rendered import invalidate

KINDS = ("like", "dislike")
REASONS = ("author", "topic", "clickbait", "too_short", "too_long", "seen")
MAX_TOPIC_TAGS = 200  # the most-disliked tags kept


@dataclass(frozen=True)
class DislikeReasons:
    """What the reasons given with 不感兴趣 taught, beyond the event log: tags disliked as
    a topic (name → times), UP主 marked clickbait (mid → when), and the duration bounds
    that 太短了 / 太长了 moved (seconds; None = not set)."""

    topic_tags: dict[str, int] = field(default_factory=dict)
    clickbait: dict[int, int] = field(default_factory=dict)
    shorter_than: int | None = None  # 太短了: at or below this is too short
    longer_than: int | None = None  # 太长了: at or above this is too long


class FeedbackStore:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def set(self, mid: int, bvid: str, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown feedback kind {kind!r}")
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(keys.feedback(mid), bvid, kind)
            invalidate(pipe, mid)
            pipe.execute()

    def clear(self, mid: int, bvid: str) -> None:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hdel(keys.feedback(mid), bvid)
            invalidate(pipe, mid)
            pipe.execute()

    def all(self, mid: int) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self._r.hgetall(keys.feedback(mid)).items()}

    def click(self, mid: int, bvid: str) -> None:
        self._r.sadd(keys.clicks(mid), bvid)

    def clicked(self, mid: int) -> set[str]:
        """Picks the user opened from the page: never "shown but ignored"."""
        return {b.decode() for b in self._r.smembers(keys.clicks(mid))}

    # --- 不感兴趣 reasons ---------------------------------------------------------------

    def reasons(self, mid: int) -> DislikeReasons:
        raw = self._r.hgetall(keys.dislike_reasons(mid))
        doc = {k.decode(): _json(v) for k, v in raw.items()}
        topics, bait, bounds = doc.get("topics"), doc.get("clickbait"), doc.get("duration")
        topics = topics if isinstance(topics, dict) else {}
        bait = bait if isinstance(bait, dict) else {}
        bounds = bounds if isinstance(bounds, dict) else {}
        return DislikeReasons(
            topic_tags={str(k): int(v) for k, v in topics.items() if isinstance(v, int)},
            clickbait={int(k): int(v) for k, v in bait.items()
                       if k.isdigit() and isinstance(v, int)},
            shorter_than=_seconds(bounds.get("shorter_than")),
            longer_than=_seconds(bounds.get("longer_than")),
        )

    def dislike_topic(self, mid: int, tags: list[str]) -> None:
        topics = self.reasons(mid).topic_tags
        for tag in dict.fromkeys(tags):
            topics[tag] = topics.get(tag, 0) + 1
        kept = dict(sorted(topics.items(), key=lambda kv: -kv[1])[:MAX_TOPIC_TAGS])
        self._put(mid, "topics", kept)

    def mark_clickbait(self, mid: int, author_mid: int, at: int) -> None:
        bait = {str(k): v for k, v in self.reasons(mid).clickbait.items()}
        bait[str(author_mid)] = at
        self._put(mid, "clickbait", bait)

    def move_duration(self, mid: int, reason: str, seconds: int) -> None:
        """太短了 raises the lower bound to this video's length, 太长了 lowers the upper
        one; a bound the new one crosses gives way (the newest word wins)."""
        now = self.reasons(mid)
        lo, hi = now.shorter_than, now.longer_than
        if reason == "too_short":
            lo = max(lo or 0, seconds)
            hi = hi if hi is None or hi > lo else None
        elif reason == "too_long":
            hi = seconds if hi is None else min(hi, seconds)
            lo = lo if lo is None or lo < hi else None
        else:
            raise ValueError(f"not a duration reason: {reason!r}")
        self._put(mid, "duration", {"shorter_than": lo, "longer_than": hi})

    def _put(self, mid: int, name: str, value: object) -> None:
        self._r.hset(keys.dislike_reasons(mid), name, json.dumps(value, ensure_ascii=False))


def _json(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _seconds(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
