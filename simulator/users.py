"""Simulated users: hidden tastes and the behaviour they drive.

A taste is defined without any model feature: a sparse mixture over the
latent topics, a few favourite authors, a taste for (hidden) quality and a
partition bias. :meth:`Taste.relevance` is the truth oracle. Behaviour (watch
history, likes, coins, favourites) is sampled from the taste with one RNG
stream per (seed, mid, purpose[, day]) and only from the catalogue prefix
published by then, so a user built late and replayed gives exactly the same
history as one built at day 0 and advanced day by day.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import random
from dataclasses import dataclass, field

from . import follows as follow_model
from . import tastes, vocab
from .catalog import DAY, Catalogue, Video, unit

HISTORY_SPAN_DAYS = 60  # the initial history covers the two months before day 0
FUTURE_MIN_RELEVANCE = 0.35
DEVICES = (2, 2, 2, 2, 1, 1, 3, 4, 33)  # history dt codes (§5.1)


@dataclass(slots=True)
class UserSpec:
    mid: int
    hints: tuple[int, ...] = ()  # topic indices the taste leans to
    history_size: int = 300
    likes_hidden: bool = False  # like/coin lists answer 53013
    # Fixed like/coin/favourite counts (None = derived from the history size).
    likes: int | None = None
    coins: int | None = None
    favs: int | None = None


@dataclass(slots=True)
class Taste:
    topics: dict[int, float]
    authors: frozenset[int]  # Author.idx
    quality_taste: float  # 0 = indifferent to quality, 1 = only quality counts
    tids: frozenset[int]
    extras: tastes.Extras | None = None  # the rich setting's components (simulator.tastes)

    def relevance(self, video: Video, *, past: bool = False) -> float:
        """Graded truth in [0, 1]: topic match, raised by a favourite author or
        partition, scaled by how much quality matters to this user (``topic``); the rich
        setting's components multiply in (``simulator.tastes``). ``past``: as the user's
        older interests had it (drift)."""
        if self.extras is not None:
            return tastes.rich_relevance(self.extras, self.topics, self.authors, self.tids,
                                         self.quality_taste, video, past=past)
        top = max(self.topics.values())
        # sqrt softens the gap between a user's first and second topics
        aff = math.sqrt(sum(w * self.topics.get(t, 0.0) for t, w in video.topics) / top)
        bonus = 0.35 * (video.author in self.authors) + 0.1 * (video.tid in self.tids)
        base = aff + (1.0 - aff) * bonus
        q = self.quality_taste
        return round(base * ((1.0 - q) + q * video.quality), 6)


@dataclass(slots=True)
class Watch:
    view_at: int  # offset from the anchor, unique and increasing per user
    vidx: int  # catalogue index, -1 for live/article/pgc entries
    progress: int  # seconds into ``page``; -1 = finished
    page: int
    dt: int
    kind: str = "archive"  # archive | live | article | pgc (a bangumi episode)
    oid: int = 0  # room id / cvid / season id for live / article / pgc
    author: int = -1  # Author.idx for live / article
    title: str = ""


@dataclass(slots=True)
class Folder:
    fid: int
    media_id: int
    title: str
    attr: int  # bit 0 private, bit 1 not the default folder
    ctime_off: int
    topic: int  # -1 for the default folder
    items: list[tuple[int, int]] = field(default_factory=list)  # (vidx, fav_time), oldest first

    @property
    def private(self) -> bool:
        return bool(self.attr & 1)

    def mtime(self) -> int:
        return self.items[-1][1] if self.items else self.ctime_off


@dataclass
class UserState:
    spec: UserSpec
    taste: Taste
    rel: list[float] = field(default_factory=list)  # per catalogue index
    cw: list[float] = field(default_factory=list)  # cumulative watch propensity
    history: list[Watch] = field(default_factory=list)  # oldest first
    watched: set[int] = field(default_factory=set)
    likes: list[tuple[int, int]] = field(default_factory=list)  # (vidx, time), oldest first
    coins: list[tuple[int, int, int]] = field(default_factory=list)  # (vidx, n, time)
    folders: list[Folder] = field(default_factory=list)
    scales: tuple[float, float, float] = (0.0, 0.0, 0.0)  # like, coin, fav per r³
    feed_calls: int = 0
    follows: dict[int, int] = field(default_factory=dict)  # Author.idx → follow time

    @property
    def mid(self) -> int:
        return self.spec.mid

    def extend(self, cat: Catalogue) -> None:
        """Relevance and propensity for videos published since the last call."""
        total = self.cw[-1] if self.cw else 0.0
        for video in cat.videos[len(self.rel):]:
            r = self.taste.relevance(video)
            self.rel.append(r)
            total += propensity(video, r)
            self.cw.append(total)

    def liked(self) -> dict[int, int]:
        return dict(self.likes)

    def coined(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for vidx, n, _ in self.coins:
            out[vidx] = min(2, out.get(vidx, 0) + n)
        return out

    def fav_folders(self, vidx: int) -> list[Folder]:
        return [f for f in self.folders if any(i == vidx for i, _ in f.items)]


def propensity(video: Video, r: float) -> float:
    """How likely the user is to come across and open a video."""
    pop = min(1.0, max(0.0, (math.log(video.views_final) - 6.0) / 10.0))
    return 0.015 + 0.04 * pop + 2.5 * r * r


def _rng(seed: int, mid: int, purpose: str) -> random.Random:
    return random.Random(f"bilisim:{seed}:user:{mid}:{purpose}")


def make_taste(seed: int, spec: UserSpec, cat: Catalogue, setting: str = "topic") -> Taste:
    rng = _rng(seed, spec.mid, "taste")
    n_topics = len(vocab.TOPICS)
    chosen = list(dict.fromkeys(spec.hints))
    want = len(chosen) + 1 if chosen else rng.randint(2, 4)
    while len(chosen) < want:
        t = rng.choices(range(n_topics), [t.weight for t in vocab.TOPICS])[0]
        if t not in chosen:
            chosen.append(t)
    weights = [rng.gammavariate(1.5, 1.0) + (0.8 if i < len(spec.hints) else 0.0)
               for i in range(len(chosen))]
    total = sum(weights)
    topics = {t: round(w / total, 4) for t, w in zip(chosen, weights, strict=True)}
    ranked = sorted(topics, key=topics.__getitem__, reverse=True)
    pool = [a for a in cat.authors if a.topics[0] in ranked[:2]]
    authors: set[int] = set()
    for _ in range(rng.randint(3, 6)):
        if pool:
            pick = rng.choices(pool, [math.exp(0.7 * a.pop) for a in pool])[0]
            authors.add(pick.idx)
    tids = {rng.choice(vocab.TOPICS[ranked[0]].tids)}
    if rng.random() < 0.5:
        tids.add(rng.choice(list(vocab.PARTITIONS)))
    taste = Taste(topics, frozenset(authors), round(rng.uniform(0.2, 0.8), 3), frozenset(tids))
    if setting != "topic":
        taste.extras = tastes.make_extras(seed, spec.mid, topics, tastes.components(setting))
    return taste


def _top_k(rng: random.Random, items: list[int], weights: list[float], k: int) -> list[int]:
    """Weighted sample without replacement (Efraimidis–Spirakis)."""
    keyed = [(math.log(rng.random() or 1e-300) / w, i)
             for i, w in zip(items, weights, strict=True) if w > 0]
    return [i for _, i in heapq.nlargest(k, keyed)]


def _engagement(rng: random.Random, video: Video, r: float) -> tuple[int, int]:
    """(page, progress) of one view: finishing is likelier when enjoyed."""
    page = rng.randint(1, video.videos) if video.videos > 1 else 1
    if rng.random() < 0.1 + 0.75 * r:
        return page, -1
    length = video.page_durations[page - 1]
    return page, max(1, int(length * rng.uniform(0.03, 0.2 + 0.7 * r)))


def _folders(rng: random.Random, spec: UserSpec, taste: Taste) -> list[Folder]:
    ranked = sorted(taste.topics, key=taste.topics.__getitem__, reverse=True)
    suffix = ("合集", "收藏", "精选", "宝藏", "")
    made = [("默认收藏夹", 0, -1)]
    for i, topic in enumerate(ranked[:2]):
        made.append((vocab.TOPICS[topic].name + rng.choice(suffix), 2 if i == 0 else 3, topic))
    while len(made) < 3:
        made.append(("稍后再看的好东西", 3, -1))
    folders = []
    for title, attr, topic in made:
        fid = rng.randint(100_000, 99_999_999)
        folders.append(Folder(fid, fid * 100 + spec.mid % 100, title, attr,
                              -(HISTORY_SPAN_DAYS + rng.randint(30, 700)) * DAY, topic))
    return folders


def _add_fav(u: UserState, cat: Catalogue, vidx: int, when: int) -> None:
    topic = cat.videos[vidx].primary_topic
    target = next((f for f in u.folders if f.topic == topic), u.folders[0])
    if (vidx * 7 + when) % 10 < 3:  # some go to the default folder anyway
        target = u.folders[0]
    target.items.append((vidx, when))


def _count(fixed: int | None, cap: int, derived: int) -> int:
    return fixed if fixed is not None else min(cap, derived)


def build_user(seed: int, spec: UserSpec, cat: Catalogue, n_base: int,
               setting: str = "topic") -> UserState:
    """The user at day 0: taste plus the behaviour of the 60 days before."""
    taste = make_taste(seed, spec, cat, setting)
    u = UserState(spec, taste)
    u.extend(cat)
    rng = _rng(seed, spec.mid, "init")
    span = HISTORY_SPAN_DAYS * DAY
    domain = range(n_base)
    weights = [u.cw[0]] + [u.cw[i] - u.cw[i - 1] for i in range(1, n_base)]
    for i in range(n_base - 1, -1, -1):  # too fresh to have been watched before day 0
        if cat.videos[i].pub_off <= -600:
            break
        weights[i] = 0.0
    # Drift: the older half of the span was watched under interests since left behind.
    wrel: dict[int, float] = {}  # relevance at the time of the watch
    past: list[int] = []
    if tastes.drift_on(taste.extras):
        half = -span // 2
        old = [propensity(v, taste.relevance(v, past=True)) if v.pub_off < half - 600 else 0.0
               for v in cat.videos[:n_base]]
        past = _top_k(rng, list(domain), old,
                      round(spec.history_size * tastes.DRIFT_SHARE))
        for vidx in past:
            wrel[vidx] = taste.relevance(cat.videos[vidx], past=True)
            weights[vidx] = 0.0
    picked = _top_k(rng, list(domain), weights, spec.history_size - len(past))
    watches = []
    for vidx in past + picked:
        video = cat.videos[vidx]
        lo = max(video.pub_off + 60, -span)
        hi = -span // 2 if vidx in wrel else -120
        r = wrel.setdefault(vidx, u.rel[vidx])
        page, progress = _engagement(rng, video, r)
        watches.append(Watch(rng.randint(lo, hi), vidx, progress, page, rng.choice(DEVICES)))
    for _ in range(max(1, spec.history_size // 50)):  # a few live rooms / articles
        kind = rng.choice(("live", "article"))
        author = rng.choice(cat.authors)
        subject = rng.choice(vocab.TOPICS[author.topics[0]].subjects)
        title = f"{author.name}的直播间" if kind == "live" else f"【专栏】聊聊{subject}"
        watches.append(Watch(rng.randint(-span, -120), -1, 0, 1, rng.choice(DEVICES), kind,
                             rng.randint(1_000_000, 39_999_999), author.idx, title))
    episodes = _rng(seed, spec.mid, "pgc")
    for _ in range(max(1, spec.history_size // 100)):  # a few bangumi episodes (番剧)
        season, ep = episodes.randint(20_000, 49_999), episodes.randint(1, 24)
        watches.append(Watch(episodes.randint(-span, -120), -1, episodes.choice((-1, 700)), ep,
                             episodes.choice(DEVICES), "pgc", season,
                             title=f"番剧{season % 97}号"))
    watches.sort(key=lambda w: w.view_at)
    for prev, cur in itertools.pairwise(watches):
        cur.view_at = max(cur.view_at, prev.view_at + 1)
    u.history = watches
    u.watched = {w.vidx for w in watches if w.vidx >= 0}

    seen = [w for w in watches if w.vidx >= 0 and cat.videos[w.vidx].valid]
    r3 = [wrel[w.vidx] ** 3 + 1e-4 for w in seen]
    h = spec.history_size
    n_like = min(_count(spec.likes, 50, max(20, round(h * 0.12))), len(seen))
    n_coin = min(_count(spec.coins, 30, max(3, round(h * 0.067))), len(seen))
    n_fav = min(_count(spec.favs, 40, max(5, round(h * 0.08))), len(seen))
    at = {w.vidx: w.view_at for w in seen}

    def stamp(vidx: int) -> int:
        return min(-1, at[vidx] + rng.randint(5, 900))

    ids = [w.vidx for w in seen]
    u.likes = sorted(((i, stamp(i)) for i in _top_k(rng, ids, r3, n_like)), key=lambda x: x[1])
    u.coins = sorted(((i, 2 if rng.random() < 0.3 + 0.4 * wrel[i] else 1, stamp(i))
                      for i in _top_k(rng, ids, r3, n_coin)), key=lambda x: x[2])
    u.folders = _folders(rng, spec, taste)
    favs = [(i, stamp(i)) for i in _top_k(rng, ids, r3, n_fav)]
    for vidx, when in sorted(favs, key=lambda x: x[1]):
        _add_fav(u, cat, vidx, when)
    # Two invalid ("已失效视频") items: one in the default folder, one in the next.
    invalid = [v.idx for v in cat.videos[:n_base] if v.status in ("deleted", "hidden")]
    invalid.sort(key=lambda i: -u.rel[i])
    for folder, vidx in zip(u.folders, invalid[:2], strict=False):
        folder.items.append((vidx, rng.randint(-span, -120)))
    for f in u.folders:
        f.items.sort(key=lambda x: x[1])
    total = sum(r3) or 1.0
    u.scales = (n_like / total, n_coin / total, n_fav / total)
    u.follows = follow_model.initial(seed, u, cat)
    return u


def simulate_day(seed: int, u: UserState, cat: Catalogue, day: int, prefix: int,
                 recent: list[int]) -> int:
    """One day of behaviour ending at world day ``day``; returns new history items.
    ``prefix`` = videos published by then, ``recent`` = those of the last 7 days."""
    u.extend(cat)
    rng = _rng(seed, u.mid, f"day:{day}")
    n = rng.randint(10, 30)
    last = u.history[-1].view_at if u.history else (day - 1) * DAY
    lo, hi = max((day - 1) * DAY + 3600, last + 1), day * DAY - 60
    if hi - lo < n:
        return 0
    times = sorted(rng.sample(range(lo, hi), n))
    recent_cw = list(itertools.accumulate(
        u.cw[i] - (u.cw[i - 1] if i else 0.0) for i in recent))
    added = 0
    followed = follow_model.followed_recent(u, cat, recent)
    liked_today: list[int] = []
    for step, t in enumerate(times):
        # Some watches come from the 动态 feed: new uploads of followed UP主.
        chosen = follow_model.pick_followed(seed, u, day, step, followed)
        for attempt in range(40):
            if attempt == 0 and chosen is not None:
                vidx = chosen
            elif recent and rng.random() < 0.35:
                vidx = recent[bisect.bisect_right(recent_cw, rng.random() * recent_cw[-1],
                                                  hi=len(recent) - 1)]
            else:
                vidx = bisect.bisect_right(u.cw, rng.random() * u.cw[prefix - 1], hi=prefix - 1)
            video = cat.videos[vidx]
            if vidx not in u.watched and video.valid and video.pub_off < t - 60:
                break
        else:
            continue
        r = follow_model.engagement(u, video, u.rel[vidx])
        page, progress = _engagement(rng, video, r)
        u.history.append(Watch(t, vidx, progress, page, rng.choice(DEVICES)))
        u.watched.add(vidx)
        added += 1
        r3 = r ** 3 + 1e-4
        like_s, coin_s, fav_s = u.scales
        if rng.random() < like_s * r3:
            u.likes.append((vidx, min(hi, t + rng.randint(5, 600))))
            liked_today.append(vidx)
        if rng.random() < coin_s * r3:
            u.coins.append((vidx, 2 if rng.random() < 0.3 + 0.4 * r else 1,
                            min(hi, t + rng.randint(5, 600))))
        if rng.random() < fav_s * r3:
            _add_fav(u, cat, vidx, min(hi, t + rng.randint(5, 900)))
    follow_model.after_day(seed, u, cat, day, liked_today, hi)
    return added


def future(seed: int, u: UserState, cat: Catalogue, prefix: int, k: int) -> list[int]:
    """Hidden videos the user would enjoy next: unwatched, valid, drawn by r⁴
    among those with relevance ≥ 0.35; best first. Each video's draw is fixed
    per (user, video), so from day to day the set only loses what was watched
    and gains new releases."""
    picked = []
    for i in range(prefix):
        r = follow_model.engagement(u, cat.videos[i], u.rel[i])
        if r >= FUTURE_MIN_RELEVANCE and i not in u.watched and cat.videos[i].valid:
            draw = 1.0 - unit(seed, u.mid, cat.videos[i].aid)  # (0, 1]
            picked.append((math.log(draw) / r ** 4, i))
    chosen = [i for _, i in heapq.nlargest(k, picked)]
    return sorted(chosen, key=lambda i: (-follow_model.engagement(u, cat.videos[i], u.rel[i]), i))

