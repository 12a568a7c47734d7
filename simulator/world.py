"""The synthetic bilibili world: catalogue + users + clock + hot lists + truth.

``World(seed, n_videos, n_users)`` is deterministic: the same arguments (and
anchor) give the same videos, users, histories and lists, before and after
``advance(days)``. Users are built lazily on first use and then replayed day
by day, which gives exactly what building them at day 0 would have.

Times on the wire are ``anchor + offset``; the world clock ``now`` is
``anchor + day * 86400``. ``SimState`` anchors its world at its clock's time
when created (tests pin that clock, so their worlds are identical run to run).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import follows as follow_model
from . import hotlists, tastes, users, vocab
from .bvid import bv2av, is_bvid
from .catalog import DAY, Author, Catalogue, Video, base_catalogue, publish_day
from .users import UserSpec, UserState

DEFAULT_ANCHOR = 1_750_000_000
FIRST_MID = 10001
# Topic hints of the core's five accounts, matching their signs (accounts.py).
DEFAULT_HINTS: dict[int, tuple[int, ...]] = {
    10001: (3, 4, 8),  # 喜欢科技区: 数码, 电脑装机, 编程技术
    10002: (9, 10, 16),  # 美食和旅行
    10003: (0, 1, 13),  # 游戏/鬼畜: 单机, 电竞, 搞笑
    10004: (11, 14),  # 音乐区常驻 (+动画)
    10005: (5, 6, 7),  # 知识区
}


def default_specs(seed: int, mids: Sequence[int], history_scale: float = 1.0) -> list[UserSpec]:
    """Histories as long as real ones: the first account has 600 items, 40
    favourites, 30 likes and 10 coins; the others 500–1,000 items. Accounts
    whose mid ends in 5 (10005, 10015, …) hide their like/coin lists (53013).
    ``history_scale`` shortens the others' histories (the soak's many users, whose
    first sync would otherwise take hours); the first account stays as it is."""
    specs = []
    for i, mid in enumerate(mids):
        hints, hidden = DEFAULT_HINTS.get(mid, ()), mid % 10 == 5
        if i == 0:
            specs.append(UserSpec(mid, hints, 600, hidden, likes=30, coins=10, favs=40))
            continue
        rng = random.Random(f"bilisim:{seed}:spec:{mid}")
        size = max(1, round(rng.randint(500, 1000) * history_scale))
        specs.append(UserSpec(mid, hints, size, hidden))
    return specs


class World:
    def __init__(
        self,
        seed: int = 0,
        n_videos: int = 6000,
        n_users: int = 5,
        *,
        mids: Iterable[int] | None = None,
        specs: Iterable[UserSpec] | None = None,
        anchor_ts: int = DEFAULT_ANCHOR,
        new_per_day: int | None = None,
        history_scale: float = 1.0,
        taste: str = "topic",
    ) -> None:
        self.seed = seed
        tastes.components(taste)  # refuse an unknown setting now, not at the first user
        self.taste_setting = taste  # simulator.tastes: "topic" (the original) or "rich"

        self.anchor = int(anchor_ts)
        self.cat: Catalogue = base_catalogue(seed, n_videos)
        self.n_base = len(self.cat.videos)
        self.new_per_day = new_per_day if new_per_day is not None else max(5, n_videos // 100)
        self.day = 0
        self.prefix_by_day = [self.n_base]  # videos published by the end of each day
        if specs is None:
            mid_list = list(mids) if mids is not None else list(
                range(FIRST_MID, FIRST_MID + n_users))
            specs = default_specs(seed, mid_list, history_scale)
        self.specs: dict[int, UserSpec] = {s.mid: s for s in specs}
        self._users: dict[int, UserState] = {}
        self.phase = random.Random(f"bilisim:{seed}:phase").randrange(7)
        self._cache: dict[Any, Any] = {}
        self.anon_feed_calls = 0
        self._author_by_mid = {a.mid: a for a in self.cat.authors}

    # -- clock ------------------------------------------------------------------

    @property
    def now_off(self) -> int:
        return self.day * DAY

    def now(self) -> int:
        return self.anchor + self.now_off

    def ts(self, off: int) -> int:
        return self.anchor + off

    @property
    def prefix(self) -> int:
        return len(self.cat.videos)

    def advance(self, days: int = 1) -> dict[str, Any]:
        published = 0
        added: dict[int, int] = {}
        for _ in range(days):
            day = self.day + 1
            published += len(publish_day(self.cat, day, self.new_per_day))
            self.prefix_by_day.append(len(self.cat.videos))
            recent = self._recent(day)
            for mid in sorted(self._users):
                n = users.simulate_day(self.seed, self._users[mid], self.cat, day,
                                       self.prefix_by_day[day], recent)
                added[mid] = added.get(mid, 0) + n
            self.day = day
        self._cache.clear()
        return {"day": self.day, "now": self.now(), "weekly_number": self.weekly_number(),
                "published": published, "history_added": {str(k): v for k, v in added.items()}}

    def _recent(self, day: int) -> list[int]:
        """Valid videos published in the 7 days before ``day``'s clock."""
        prefix, since = self.prefix_by_day[day], (day - 7) * DAY
        out = []
        for i in range(prefix - 1, -1, -1):
            video = self.cat.videos[i]
            if video.pub_off < since:
                break
            if video.valid:
                out.append(i)
        out.reverse()
        return out

    # -- users -----------------------------------------------------------------

    def user(self, mid: int | None) -> UserState | None:
        if mid is None:
            return None
        u = self._users.get(mid)
        if u is None:
            spec = self.specs.get(mid)
            if spec is None:
                return None
            u = users.build_user(self.seed, spec, self.cat, self.n_base,
                                 self.taste_setting)
            for day in range(1, self.day + 1):
                users.simulate_day(self.seed, u, self.cat, day, self.prefix_by_day[day],
                                   self._recent(day))
            u.extend(self.cat)
            self._users[mid] = u
        else:
            u.extend(self.cat)
        return u

    # -- videos ----------------------------------------------------------------

    def video(self, aid: int) -> Video | None:
        idx = self.cat.by_aid.get(aid)
        return None if idx is None else self.cat.videos[idx]

    def author(self, video: Video) -> Author:
        return self.cat.authors[video.author]

    def author_by_mid(self, mid: int) -> Author | None:
        return self._author_by_mid.get(mid)

    def uploads(self, author: Author) -> list[int]:
        """The UP主's public videos published by now, newest first (deleted, hidden and
        unreviewed ones are not listed)."""
        now = self.now_off
        ids = [i for i in self.cat.author_videos[author.idx]
               if self.cat.videos[i].valid and self.cat.videos[i].pub_off <= now]
        return sorted(ids, key=lambda i: (-self.cat.videos[i].pub_off, -i))

    def _cached(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def popular(self, mid: int | None = None) -> list[int]:
        base = self._cached(("popular",), lambda: hotlists.popular(
            self.cat, self.day, self._velocities()))
        u = self.user(mid)
        if u is None:
            return base
        # Logged-in callers get the same set in a taste-leaning order (§9.1).
        return [i for _, i in sorted((pos / (1.0 + 1.5 * u.rel[i]), i)
                                     for pos, i in enumerate(base))]

    def weekly_number(self) -> int:
        return hotlists.weekly_number(self.day, self.phase)

    def weekly(self, number: int) -> list[int] | None:
        if not 1 <= number <= self.weekly_number():
            return None
        return self._cached(("weekly", number),
                            lambda: hotlists.weekly_issue(self.cat, number, self.phase))

    def weekly_window(self, number: int) -> tuple[int, int]:
        """(stime, etime) shown for an issue: the 7 calendar days (China time)
        starting on the day its window starts."""
        start = self.ts((hotlists.weekly_end_day(number, self.phase) - 7) * DAY)
        stime = start - (start + 8 * 3600) % DAY  # midnight UTC+8
        return stime, stime + 7 * DAY - 1

    def ranking(self, zone: int, kind: str) -> list[int]:
        return self._cached(("ranking", zone, kind), lambda: hotlists.ranking(
            self.cat, self.day, self._velocities(), zone, kind))

    def _velocities(self) -> list[int]:
        return self._cached(("velocity",), lambda: hotlists.velocities(
            self.cat, self.day, self.prefix))

    def precious(self) -> list[int]:
        return self._cached(("precious",), lambda: hotlists.precious(self.cat, self.n_base))

    def related(self, video: Video) -> list[int]:
        return hotlists.related(self.cat, video, self.prefix)

    def feed(self, mid: int | None, ps: int) -> list[tuple[str, int]]:
        """One homepage-feed call: ``(goto, index)`` pairs, ``goto`` in av / ad
        (index = video) / live (index = author). Leans to the taste when logged
        in, with a few videos already watched; every call returns new items (a
        per-user call counter)."""
        u = self.user(mid)
        if u is not None:
            u.feed_calls += 1
            calls = u.feed_calls
        else:
            self.anon_feed_calls += 1
            calls = self.anon_feed_calls
        rng = random.Random(f"bilisim:{self.seed}:feed:{mid or 0}:{self.day}:{calls}")
        pop = self.popular()
        special = {}
        if ps >= 4:
            if rng.random() < 0.7:
                special[rng.randrange(ps)] = "live"
            if rng.random() < 0.6:
                special.setdefault(rng.randrange(ps), "ad")
        out: list[tuple[str, int]] = []
        shown: set[int] = set()
        prefix = self.prefix
        while len(out) < ps:
            kind = special.get(len(out), "av")
            if kind == "live":
                out.append(("live", rng.randrange(len(self.cat.authors))))
                continue
            for _ in range(50):
                if u is not None and kind == "av" and rng.random() < 0.7:
                    x = rng.random() * u.cw[prefix - 1]
                    idx = bisect.bisect_right(u.cw, x, hi=prefix - 1)
                    if rng.random() > 0.3 + 0.7 * u.rel[idx]:  # bilibili knows you well
                        continue
                else:
                    idx = rng.choice(pop) if pop else rng.randrange(prefix)
                if idx in shown or not self.cat.videos[idx].valid:
                    continue
                # Like bilibili's, the feed now and then offers a video already watched.
                if u is not None and idx in u.watched and rng.random() < 0.75:
                    continue
                break
            else:  # a tiny world ran out of fresh videos
                return out
            shown.add(idx)
            out.append((kind, idx))
        return out

    # -- truth -----------------------------------------------------------------

    def truth(self, mid: int, k: int = 50) -> dict[str, Any] | None:
        u = self.user(mid)
        if u is None:
            return None
        fut = users.future(self.seed, u, self.cat, self.prefix, k)
        taste = u.taste
        return {
            "mid": mid,
            "day": self.day,
            "future": [self.cat.videos[i].bvid for i in fut],
            "topics": {vocab.TOPICS[t].name: w for t, w in
                       sorted(taste.topics.items(), key=lambda x: -x[1])},
            "authors": [{"mid": self.cat.authors[a].mid, "name": self.cat.authors[a].name}
                        for a in sorted(taste.authors)],
            "quality_taste": taste.quality_taste,
            "tids": sorted(taste.tids),
            "likes_hidden": u.spec.likes_hidden,
            "future_min_relevance": users.FUTURE_MIN_RELEVANCE,
        }

    def relevance(self, mid: int, bvids: Iterable[str]) -> dict[str, float | None] | None:
        u = self.user(mid)
        if u is None:
            return None
        out: dict[str, float | None] = {}
        for bvid in bvids:
            idx = self.cat.by_aid.get(bv2av(bvid)) if is_bvid(bvid) else None
            # The truth includes what following adds: the user enjoys a followed UP主's
            # videos more (follows.engagement), as their behaviour shows.
            out[bvid] = None if idx is None else round(
                follow_model.engagement(u, self.cat.videos[idx], u.rel[idx]), 6)
        return out

    def summary(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "day": self.day,
            "now": self.now(),
            "anchor": self.anchor,
            "videos": len(self.cat.videos),
            "valid_videos": sum(v.valid for v in self.cat.videos),
            "authors": len(self.cat.authors),
            "users": len(self.specs),
            "users_built": sorted(self._users),
            "topics": len(vocab.TOPICS),
            "new_per_day": self.new_per_day,
            "taste": self.taste_setting,
            "weekly_number": self.weekly_number(),
            "popular_size": len(self.popular()),
        }
