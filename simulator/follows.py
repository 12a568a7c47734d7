"""Who a simulated user follows (关注), and how that shapes what they watch.

At day 0 a user follows their favourite UP主, the UP主 they watched and liked most in
their history, and a few they never watch (followed once, long ago) — 20 to 150 in all.
Every day they may follow the UP主 of a video they liked, and a share of what they watch
comes from the new uploads of the UP主 they follow (the 动态 feed), so following an
UP主 predicts watching them: a recommender can learn it.

Each draw has its own RNG stream per (seed, mid, purpose[, day]), so the world stays
deterministic and replayable like the rest of ``users``.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .catalog import DAY, Catalogue, Video

if TYPE_CHECKING:
    from .users import UserState

MIN_FOLLOWS, MAX_FOLLOWS = 20, 150
FOLLOW_ON_LIKE = 0.3  # chance that liking a video of an unfollowed UP主 makes a follow
FROM_FOLLOWED = 0.3  # share of daily watches drawn from followed UP主's recent uploads
FOLLOW_LIFT = 0.15  # a nudge: most followed UP主 are favourites already


def _rng(seed: int, mid: int, purpose: str) -> random.Random:
    return random.Random(f"bilisim:{seed}:follows:{mid}:{purpose}")


def initial(seed: int, u: UserState, cat: Catalogue) -> dict[int, int]:
    """author idx → follow time (offset), from the taste and the day-0 behaviour."""
    rng = _rng(seed, u.mid, "init")
    score: dict[int, float] = {}

    def add(vidx: int, weight: float) -> None:
        author = cat.videos[vidx].author
        score[author] = score.get(author, 0.0) + weight

    for watch in u.history:
        if watch.vidx >= 0:
            add(watch.vidx, 1.0 if watch.progress == -1 else 0.3)
    for vidx, _ in u.likes:
        add(vidx, 2.0)
    for vidx, _, _ in u.coins:
        add(vidx, 3.0)
    for folder in u.folders:
        for vidx, _ in folder.items:
            add(vidx, 2.0)
    # Bigger histories follow more; the few never-watched ones are old follows.
    want = max(MIN_FOLLOWS, min(MAX_FOLLOWS, len(u.history) // 10 + rng.randint(-10, 40)))
    strangers = rng.randint(3, 8)
    chosen = list(u.taste.authors)
    ranked = sorted((a for a, s in score.items() if s >= 1.5 and a not in u.taste.authors),
                    key=lambda a: (-score[a], a))
    chosen += ranked[: max(0, want - strangers - len(chosen))]
    unseen = [a.idx for a in cat.authors if a.idx not in score]
    chosen += rng.sample(unseen, min(strangers, len(unseen)))
    span = 700 * DAY
    return {a: -rng.randint(DAY, span) for a in dict.fromkeys(chosen)}


def after_day(seed: int, u: UserState, cat: Catalogue, day: int, liked_today: list[int],
              when: int) -> None:
    """Follow the UP主 of some videos liked today (followings change slowly)."""
    rng = _rng(seed, u.mid, f"day:{day}")
    for vidx in liked_today:
        author = cat.videos[vidx].author
        if author not in u.follows and rng.random() < FOLLOW_ON_LIKE:
            u.follows[author] = when


def followed_recent(u: UserState, cat: Catalogue, recent: list[int]) -> list[int]:
    return [i for i in recent if cat.videos[i].author in u.follows]


def pick_followed(seed: int, u: UserState, day: int, step: int,
                  candidates: list[int]) -> int | None:
    """A new upload of a followed UP主 for this watch, or None (most watches)."""
    if not candidates:
        return None
    rng = _rng(seed, u.mid, f"watch:{day}:{step}")
    if rng.random() >= FROM_FOLLOWED:
        return None
    weights = [0.2 + u.rel[i] for i in candidates]
    return rng.choices(candidates, weights)[0]


def engagement(u: UserState, video: Video, r: float) -> float:
    """How much the user enjoys a video: a followed UP主's video is finished and liked
    more often than its taste relevance alone says. The truth oracle (``World.relevance``,
    the future set) is this, so what behaviour shows and what is measured agree."""
    if video.author in u.follows:
        return r + (1.0 - r) * FOLLOW_LIFT
    return r
