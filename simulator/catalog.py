"""The synthetic catalogue: authors (UP主) and videos, deterministic from a seed.

Times are stored as offsets in seconds from the world's anchor (``0`` = the
world clock at day 0), so one immutable base catalogue can be shared by every
``World`` built from the same ``(seed, n_videos)``: building it is cached.
Videos are never mutated after creation; stats are a function of a video and
the world time (:func:`views_at`, :func:`stat_at`).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
from dataclasses import dataclass, field
from functools import lru_cache

from . import vocab
from .bvid import av2bv

DAY = 86400
CATALOGUE_SPAN_DAYS = 730  # the base catalogue covers two years before day 0
AID_BASE = 100_000_000
AID_PER_SECOND = 7  # aids grow with publish time, as on the real site
INVALID_SHARE = 0.02  # share of videos that are deleted / hidden / locked
UPOWER_SHARE = 0.04  # 充电专属 (supporters-only) videos
ROTATED_SHARE = 0.3  # vertical videos stored landscape with rotate=1 (width/height swapped)
# status → view code (§8.1); favourites show deleted/hidden ones as invalid.
STATUS_CODES = {"deleted": -404, "hidden": 62002, "review": 62004, "uponly": 62012}
SONGS = ("Other Side", "Hop", "晴天", "稻香", "夜曲", "Lemon", "Unravel", "起风了", "孤勇者",
         "青花瓷", "海阔天空", "Faded")


TOPIC_IDS = list(range(len(vocab.TOPICS)))
TOPIC_CW = list(itertools.accumulate(t.weight for t in vocab.TOPICS))


@dataclass(slots=True, eq=False)
class Author:
    idx: int
    mid: int
    name: str
    face: str
    topics: tuple[int, ...]
    q_mean: float  # hidden: the author's usual quality (logit scale)
    pop: float  # hidden: popularity, standard-normal-ish
    fans: int
    sign: str
    level: int


@dataclass(slots=True, eq=False)
class Video:
    idx: int
    aid: int
    bvid: str
    cid: int
    page_durations: tuple[int, ...]
    title: str
    desc: str
    subject: str
    tags: tuple[str, ...]
    topic_tag: str | None  # tag_type "topic"
    bgm: tuple[str, str] | None  # (music_id, song)
    topics: tuple[tuple[int, float], ...]  # hidden latent mixture, weights sum to 1
    author: int  # Author.idx
    tid: int
    copyright: int
    pub_off: int
    ctime_off: int
    quality: float  # hidden, 0..1
    views_final: int
    rates: tuple[float, float, float, float, float, float]  # like coin fav dm reply share
    tau: float  # days until most views are in
    status: str  # "ok" or a key of STATUS_CODES
    pic: str
    portrait: bool
    location: str

    @property
    def duration(self) -> int:
        return sum(self.page_durations)

    @property
    def videos(self) -> int:
        return len(self.page_durations)

    @property
    def upower(self) -> bool:
        """充电专属: derived from ids (seed-dependent through ``cid``), so the base
        catalogue's random stream is untouched."""
        return unit(self.cid, self.aid, 7) < UPOWER_SHARE

    @property
    def rotated(self) -> bool:
        """A vertical video whose ``dimension`` says landscape with ``rotate: 1``."""
        return self.portrait and unit(self.cid, self.aid, 8) < ROTATED_SHARE

    @property
    def primary_topic(self) -> int:
        return self.topics[0][0]

    @property
    def valid(self) -> bool:
        return self.status == "ok"


@dataclass(slots=True)
class Catalogue:
    """Mutable per-world view; the base lists are copied, the objects shared."""

    seed: int
    authors: list[Author]
    videos: list[Video]
    by_aid: dict[int, int] = field(default_factory=dict)
    topic_videos: list[list[int]] = field(default_factory=list)
    author_videos: list[list[int]] = field(default_factory=list)
    topic_authors: list[list[int]] = field(default_factory=list)
    topic_author_cw: list[list[float]] = field(default_factory=list)  # cumulative weights

    def add(self, video: Video) -> None:
        self.videos.append(video)
        self.by_aid[video.aid] = video.idx
        for topic, _ in video.topics:
            self.topic_videos[topic].append(video.idx)
        self.author_videos[video.author].append(video.idx)

    def copy(self) -> Catalogue:
        return Catalogue(
            self.seed, self.authors, list(self.videos), dict(self.by_aid),
            [list(x) for x in self.topic_videos], [list(x) for x in self.author_videos],
            self.topic_authors, self.topic_author_cw,
        )


def unit(seed: int, a: int, b: int) -> float:
    """Deterministic uniform [0, 1) from (seed, a, b) (splitmix64 finaliser)."""
    m64 = 2**64 - 1
    h = (a * 0x9E3779B97F4A7C15 + b * 0xBF58476D1CE4E5B9 + seed * 0x94D049BB133111EB) & m64
    h ^= h >> 31
    h = (h * 0xBF58476D1CE4E5B9) & m64
    h ^= h >> 29
    return h / 2**64


def sha_hex(*parts: object) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()


def face_url(seed: int, mid: int) -> str:
    return f"https://i0.hdslb.com/bfs/face/{sha_hex('face', seed, mid)}.jpg"


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _make_authors(rng: random.Random, seed: int, n_authors: int) -> list[Author]:
    names: set[str] = set()
    mids: set[int] = set()
    authors = []
    for idx in range(n_authors):
        # Every topic gets at least a few authors; the rest follow topic size.
        main = idx % len(TOPIC_IDS) if idx < 4 * len(TOPIC_IDS) else rng.choices(
            TOPIC_IDS, cum_weights=TOPIC_CW)[0]
        topics: tuple[int, ...] = (main,)
        if rng.random() < 0.25:
            other = rng.choice(TOPIC_IDS)
            if other != main:
                topics = (main, other)
        while True:
            name = rng.choice(vocab.NAME_PREFIXES) + rng.choice(vocab.NAME_CORES) + rng.choice(
                vocab.NAME_SUFFIXES)
            if rng.random() < 0.3:
                name += vocab.TOPICS[main].tags[0][:2]
            if name not in names and len(name) >= 2:
                break
            if rng.random() < 0.5:
                name += str(rng.randint(2, 9999))
                if name not in names:
                    break
        names.add(name)
        mid = rng.randint(100_000, 3_500_000_000)
        while mid in mids:
            mid += 1
        mids.add(mid)
        pop = rng.gauss(0.0, 1.0)
        fans = int(math.exp(7.5 + 1.8 * pop + rng.gauss(0, 0.5)))
        sign = f"{vocab.TOPICS[main].name}区UP主，" + rng.choice(
            ("日常更新", "不定期更新", "商务合作请私信", "感谢关注~", "一起进步！"))
        authors.append(Author(idx, mid, name, face_url(seed, mid), topics, rng.gauss(0.0, 0.7),
                              pop, fans, sign, rng.choice((3, 4, 5, 5, 6, 6))))
    return authors


def make_video(rng: random.Random, cat: Catalogue, idx: int, pub_off: int,
               invalid_share: float = INVALID_SHARE) -> Video:
    """One video published at ``pub_off``; ``idx`` is its catalogue position."""
    main = rng.choices(TOPIC_IDS, cum_weights=TOPIC_CW)[0]
    author = cat.authors[rng.choices(cat.topic_authors[main],
                                     cum_weights=cat.topic_author_cw[main])[0]]
    topics: tuple[tuple[int, float], ...] = ((main, 1.0),)
    second = None
    if len(author.topics) > 1 and rng.random() < 0.5:
        second = author.topics[1]
    elif rng.random() < 0.3:
        second = rng.choice(TOPIC_IDS)
    if second is not None and second != main:
        w2 = round(rng.uniform(0.2, 0.45), 3)
        topics = ((main, round(1.0 - w2, 3)), (second, w2))
    t_main = vocab.TOPICS[main]
    tags = rng.sample(t_main.tags, rng.randint(2, 5))
    if second is not None and second != main:
        tags += rng.sample(vocab.TOPICS[second].tags, rng.randint(1, 2))
    if rng.random() < 0.5:
        tags += rng.sample(vocab.GENERIC_TAGS, rng.randint(1, 2))
    if rng.random() < 0.2:  # a stray tag from an unrelated topic
        tags.append(rng.choice(rng.choice(vocab.TOPICS).tags))
    tags = list(dict.fromkeys(tags))
    subject = rng.choice(t_main.subjects)
    title = rng.choice(vocab.TITLE_TEMPLATES).format(
        s=subject, t=rng.choice(tags[:2]), n=rng.choice((3, 5, 7, 10, 30, 100, 2, 24)))
    desc = rng.choice(vocab.DESC_TEMPLATES).format(title=title, s=subject, n=rng.randint(1, 99))
    topic_tag = rng.choice(vocab.TOPIC_TAGS) if rng.random() < 0.15 else None
    bgm = None
    if rng.random() < (0.35 if main in (11, 12) else 0.12):
        bgm = (f"MA{rng.randrange(10**17, 10**18)}", rng.choice(SONGS))
    tid = t_main.tids[0] if rng.random() < 0.65 else rng.choice(t_main.tids)
    quality = _sigmoid(author.q_mean + rng.gauss(0.0, 0.8))
    mu = 7.6 + 1.5 * author.pop + 3.0 * (quality - 0.5) + rng.gauss(0.0, 1.0)
    views = max(12, int(math.exp(min(mu, 16.5))))
    knowledge = 1.6 if main in (5, 6, 7, 8) else 1.0
    lognorm = lambda: math.exp(rng.gauss(0.0, 0.25))  # noqa: E731
    rates = (
        min(0.25, (0.008 + 0.09 * quality ** 1.3) * lognorm()),
        (0.001 + 0.04 * quality ** 2) * lognorm(),
        (0.002 + 0.03 * quality) * knowledge * lognorm(),
        rng.uniform(0.001, 0.012),
        rng.uniform(0.0005, 0.005),
        rng.uniform(0.0005, 0.006) * (0.5 + quality),
    )
    median = {11: 240, 12: 420, 13: 150, 0: 900, 1: 600, 14: 360}.get(main, 420)
    duration = max(15, min(7200, int(median * math.exp(rng.gauss(0.0, 0.7)))))
    n_pages = 1 if rng.random() < 0.88 else rng.randint(2, 6)
    if n_pages > 1:
        cuts = sorted(rng.sample(range(10, max(11 * n_pages, duration)), n_pages - 1))
        bounds = [0, *cuts, max(duration, cuts[-1] + 10)]
        pages = tuple(max(5, bounds[i + 1] - bounds[i]) for i in range(n_pages))
    else:
        pages = (duration,)
    status = "ok"
    if rng.random() < invalid_share:
        status = rng.choices(("deleted", "hidden", "review", "uponly"), (50, 20, 15, 15))[0]
    aid = AID_BASE + (pub_off + CATALOGUE_SPAN_DAYS * DAY) * AID_PER_SECOND + rng.randrange(
        AID_PER_SECOND)
    while aid in cat.by_aid:
        aid += 1
    return Video(
        idx=idx, aid=aid, bvid=av2bv(aid), cid=rng.randint(200_000_000, 1_900_000_000),
        page_durations=pages, title=title, desc=desc, subject=subject, tags=tuple(tags),
        topic_tag=topic_tag, bgm=bgm, topics=topics, author=author.idx, tid=tid,
        copyright=1 if rng.random() < 0.85 else 2, pub_off=pub_off,
        ctime_off=pub_off - rng.randint(0, 6 * 3600), quality=quality, views_final=views,
        rates=rates, tau=rng.uniform(1.0, 8.0), status=status,
        pic=f"http://i0.hdslb.com/bfs/archive/{sha_hex('pic', cat.seed, aid)}.jpg",
        portrait=rng.random() < 0.1,
        location=rng.choice(vocab.PROVINCES) if rng.random() < 0.7 else "",
    )


@lru_cache(maxsize=8)
def _base(seed: int, n_videos: int) -> Catalogue:
    rng = random.Random(f"bilisim:{seed}:catalogue")
    n_authors = max(len(vocab.TOPICS) * 4, n_videos // 10)
    authors = _make_authors(rng, seed, n_authors)
    topic_authors: list[list[int]] = [[] for _ in vocab.TOPICS]
    for a in authors:
        for t in a.topics:
            topic_authors[t].append(a.idx)
    cw = [list(itertools.accumulate(math.exp(0.8 * authors[a].pop) for a in ids))
          for ids in topic_authors]
    cat = Catalogue(seed, authors, [], {}, [[] for _ in vocab.TOPICS],
                    [[] for _ in authors], topic_authors, cw)
    # Denser in recent times: age = span * u², so about 12% are under 10 days old.
    span = CATALOGUE_SPAN_DAYS * DAY
    offsets = sorted(-int(span * rng.random() ** 2) - rng.randint(60, 3600)
                     for _ in range(n_videos))
    for i, off in enumerate(offsets):
        cat.add(make_video(rng, cat, i, off))
    return cat


def base_catalogue(seed: int, n_videos: int) -> Catalogue:
    """A fresh mutable copy of the (cached) base catalogue."""
    return _base(seed, n_videos).copy()


def publish_day(cat: Catalogue, day: int, count: int) -> list[Video]:
    """Videos published during world day ``day`` (between the clocks of day-1
    and day). Deterministic per (seed, day); appended to ``cat``."""
    rng = random.Random(f"bilisim:{cat.seed}:publish:{day}")
    start = (day - 1) * DAY
    offsets = sorted(start + rng.randint(600, DAY - 600) for _ in range(count))
    added = []
    for off in offsets:
        video = make_video(rng, cat, len(cat.videos), off, invalid_share=0.01)
        if video.status != "ok":  # a new upload can only be under review
            video.status = "review"
        cat.add(video)
        added.append(video)
    return added


# -- time-dependent stats ------------------------------------------------------

def growth(age_days: float, tau: float) -> float:
    if age_days <= 0:
        return 0.0
    return 0.82 * (1.0 - math.exp(-age_days / tau)) + 0.18 * min(1.0, age_days / 365.0)


def views_at(video: Video, off: int) -> int:
    return int(video.views_final * growth((off - video.pub_off) / DAY, video.tau))


def stat_at(video: Video, off: int) -> dict[str, int]:
    views = views_at(video, off)
    like, coin, fav, dm, reply, share = (int(views * r) for r in video.rates)
    return {"view": views, "danmaku": dm, "reply": reply, "favorite": fav, "coin": coin,
            "share": share, "like": like}
