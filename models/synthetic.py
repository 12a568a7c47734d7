"""A synthetic taste world for tests and benchmarks (no TensorFlow).

Videos belong to latent topics that drive their tags and authors; a user has a latent
affinity per topic (a few loved, most not) and for a few authors; the chance that the user
is interested in a video is ``sigmoid(topic affinity + author affinity + 0.5·quality −
0.5)``. Histories are drawn from a feed that mixes popularity-driven and taste-driven
exposure — so a topic can collect many positives merely by being shown a lot, which is
what separates a model from counting positive tags. Events follow the user's interest:
interested → watched ≥ 50 % (some liked, favourited, coined); not interested → shown and
ignored, a short view, an ambiguous partial view, or now and then an explicit dislike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from models.entities import Event, Video

TOPICS = (
    "原神", "鬼畜", "美食", "数码", "单机游戏", "音乐", "舞蹈", "科技",
    "动画", "知识", "体育", "汽车", "时尚", "影视", "萌宠", "历史",
)  # fmt: skip
GENERIC_TAGS = tuple(f"日常{i}" for i in range(12)) + ("搞笑", "vlog", "教程", "合集", "新人")


@dataclass(frozen=True)
class World:
    videos: list[Video]
    topic: np.ndarray  # topic index per video
    quality: np.ndarray  # latent quality per video (drives like/favourite rates)
    author_topic: dict[int, int]


@dataclass(frozen=True)
class TasteUser:
    topic_affinity: np.ndarray
    author_affinity: dict[int, float]

    def interest(self, world: World, index: int) -> float:
        video = world.videos[index]
        logit = (
            self.topic_affinity[world.topic[index]]
            + self.author_affinity.get(video.author_mid, 0.0)
            + 0.5 * world.quality[index]
            - 0.5
        )
        return 1.0 / (1.0 + math.exp(-logit))


def make_world(
    seed: int = 0, n_videos: int = 3000, tags_per_topic: int = 12, authors_per_topic: int = 8
) -> World:
    rng = np.random.default_rng(seed)
    n_topics = len(TOPICS)
    topic_popularity = rng.dirichlet(np.full(n_topics, 2.0))
    zipf = 1.0 / np.arange(1, tags_per_topic + 1)
    zipf /= zipf.sum()
    author_topic: dict[int, int] = {}
    author_fame: dict[int, float] = {}
    for t in range(n_topics):
        for a in range(authors_per_topic):
            mid = 1000 + t * 100 + a
            author_topic[mid] = t
            author_fame[mid] = float(rng.normal(0.0, 0.7))
    by_topic = {t: [m for m, tt in author_topic.items() if tt == t] for t in range(n_topics)}
    videos, topics, qualities = [], [], []
    for i in range(n_videos):
        t = int(rng.choice(n_topics, p=topic_popularity))
        mid = int(rng.choice(by_topic[t]))
        q = float(rng.normal())
        tags: list[str] = [TOPICS[t]] if rng.random() < 0.7 else []
        k = int(rng.integers(1, 5))
        for j in rng.choice(tags_per_topic, size=k, replace=False, p=zipf):
            tags.append(f"{TOPICS[t]}·{j}")
        for j in rng.choice(len(GENERIC_TAGS), size=int(rng.integers(0, 3)), replace=False):
            tags.append(GENERIC_TAGS[j])
        view = int(np.exp(rng.normal(9.5 + author_fame[mid], 1.5)))
        like_rate = 0.04 * math.exp(0.4 * q)
        fav_rate = 0.01 * math.exp(0.5 * q)
        videos.append(
            Video(
                bvid=f"BV{seed:02d}{i:06d}",
                title=f"{TOPICS[t]} #{i}",
                tags=tuple(tags),
                author_mid=mid,
                author_name=f"UP{mid}",
                duration=int(rng.integers(60, 1200)),
                view=view,
                like=int(view * like_rate),
                coin=int(view * like_rate * 0.3),
                favorite=int(view * fav_rate),
                partition=t,
            )
        )
        topics.append(t)
        qualities.append(q)
    return World(videos, np.array(topics), np.array(qualities), author_topic)


def make_user(world: World, seed: int) -> TasteUser:
    rng = np.random.default_rng(seed)
    n_topics = len(TOPICS)
    affinity = rng.normal(-2.0, 0.8, size=n_topics)
    loved = rng.choice(n_topics, size=int(rng.integers(2, 4)), replace=False)
    affinity[loved] = rng.normal(2.0, 0.5, size=len(loved))
    mids = list(world.author_topic)
    authors = {int(m): float(rng.normal(1.5, 0.5)) for m in rng.choice(mids, 4, replace=False)}
    return TasteUser(affinity, authors)


def exposure(world: World, user: TasteUser, taste_share: float = 0.5) -> np.ndarray:
    """Probability of each video being shown: popularity feed mixed with a taste feed."""
    views = np.array([v.view for v in world.videos], dtype=np.float64)
    popular = np.sqrt(views)
    popular /= popular.sum()
    taste = np.exp(user.topic_affinity[world.topic])
    taste /= taste.sum()
    return (1 - taste_share) * popular + taste_share * taste


def simulate_events(
    world: World, user: TasteUser, indices: np.ndarray, rng: np.random.Generator, start: int = 0
) -> list[tuple[Event, Video]]:
    """One event per shown video (``indices``), one minute apart from ``start``."""
    out = []
    for n, i in enumerate(indices):
        video = world.videos[int(i)]
        at = start + 60 * n
        if rng.random() < user.interest(world, int(i)):
            finished = rng.random() < 0.3
            progress = -1 if finished else int(video.duration * rng.uniform(0.5, 1.0))
            event = Event(
                video.bvid,
                at,
                progress=progress,
                duration=video.duration,
                liked=bool(rng.random() < 0.35),
                faved=bool(rng.random() < 0.15),
                coined=bool(rng.random() < 0.1),
            )
        else:
            roll = rng.random()
            if roll < 0.5:
                event = Event(video.bvid, at, duration=video.duration, shown_ignored=True)
            elif roll < 0.85:
                watched = int(video.duration * rng.uniform(0.0, 0.2))
                event = Event(video.bvid, at, progress=watched, duration=video.duration)
            elif roll < 0.95:
                watched = int(video.duration * rng.uniform(0.2, 0.5))
                event = Event(video.bvid, at, progress=watched, duration=video.duration)
            else:
                event = Event(video.bvid, at, duration=video.duration, disliked=True)
        out.append((event, video))
    return out


@dataclass(frozen=True)
class Scenario:
    """A user's history (oldest first) and a disjoint pool of candidates to rank."""

    user: TasteUser
    history: list[tuple[Event, Video]]
    candidates: list[Video]
    gains: np.ndarray  # the user's true interest probability per candidate


def scenario(world: World, seed: int, n_history: int = 300, n_candidates: int = 200) -> Scenario:
    rng = np.random.default_rng(seed)
    user = make_user(world, seed)
    shown = rng.choice(len(world.videos), size=n_history, replace=False, p=exposure(world, user))
    history = simulate_events(world, user, shown, rng)
    rest = np.setdiff1d(np.arange(len(world.videos)), shown)
    views = np.array([world.videos[i].view for i in rest], dtype=np.float64)
    # The candidate pool is a hot list: drawn by popularity, not by the user's taste.
    pool = rng.choice(rest, size=n_candidates, replace=False, p=views / views.sum())
    gains = np.array([user.interest(world, int(i)) for i in pool])
    return Scenario(user, history, [world.videos[int(i)] for i in pool], gains)
