"""Taste settings of the simulated world: how much more than topic a user's taste is.

``topic`` (the original world): relevance is topic match, raised by a few favourite UP主
and partitions, scaled by a taste for quality. A tag counter reaches ~0.85 of the pool
oracle there: taste is nearly pure topic.

``rich`` (as hard as the real site): on top of topic, every one of these components
(each can be switched off, ``rich-<component>`` or ``rich-a-b``, to see what it adds):

  authors     UP主 the user avoids though they work in the user's topics (a third of
              them), and a stronger pull of the favourite ones
  quality     a steeper and more common taste for quality (the hidden quality, which
              shows in like/coin/favourite per view)
  popularity  some users like hits, others niche videos (views)
  duration    a preferred length, short clips to long documentaries
  drift       the older part of a history (hundreds of items) followed topics the user
              has since left: what a long history says is partly out of date
  sharp       topic match without the square root that made a second topic almost as
              good as the first

Relevance is the product of the components, so in a hot list most videos are ones the
user would not enjoy.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from . import vocab
from .catalog import Video, unit

COMPONENTS = ("authors", "quality", "popularity", "duration", "drift", "sharp")
SETTINGS = ("topic", "rich")
AVOID_SHARE = 0.33
AVOID_FACTOR = 0.12
FAVOURITE_BONUS = 0.6
RESCALE = 1.6
DRIFT_SHARE = 0.45  # of the initial history, watched under the old interests


def components(setting: str) -> frozenset[str]:
    """The rich components a setting turns on: ``topic`` none, ``rich`` all, and
    ``rich-x-y`` all but x and y."""
    if setting == "topic":
        return frozenset()
    name, *off = setting.split("-")
    unknown = [c for c in off if c not in COMPONENTS]
    if name != "rich" or unknown:
        raise ValueError(f"unknown taste setting {setting!r} (topic, rich, rich-<component>)")
    return frozenset(COMPONENTS) - set(off)


@dataclass(frozen=True, slots=True)
class Extras:
    """What a rich taste adds (fields of components switched off stay neutral)."""

    on: frozenset[str]
    seed: int
    mid: int
    avoid_topics: frozenset[int]  # topics whose UP主 the user may avoid
    pop_pref: float  # -1 niche … +1 hits
    log_duration: float  # preferred ln(seconds)
    past_topics: dict[int, float]  # the interests of the older history (drift)


def make_extras(seed: int, mid: int, topics: dict[int, float], on: frozenset[str]) -> Extras:
    rng = random.Random(f"bilisim:{seed}:user:{mid}:rich")
    pop_pref = rng.choice((-1.0, -0.6, 0.6, 1.0))
    log_duration = math.log(rng.choice((60, 150, 400, 900, 1800)))
    # The old interests: one topic of today's kept, the rest left since.
    keep = max(topics, key=topics.__getitem__) if rng.random() < 0.5 else min(
        topics, key=topics.__getitem__)
    past = {keep: 0.3}
    while len(past) < 3:
        t = rng.randrange(len(vocab.TOPICS))
        if t not in topics:
            past[t] = round(rng.uniform(0.2, 0.5), 3)
    return Extras(on, seed, mid, frozenset(topics), pop_pref, log_duration, past)


def topic_match(topics: dict[int, float], video: Video, sharp: bool) -> float:
    top = max(topics.values())
    aff = sum(w * topics.get(t, 0.0) for t, w in video.topics) / top
    return aff if sharp else math.sqrt(aff)


def rich_relevance(x: Extras, topics: dict[int, float], authors: frozenset[int],
                   tids: frozenset[int], quality_taste: float, video: Video,
                   *, past: bool = False) -> float:
    """Graded truth in [0, 1] of a rich taste (module docstring)."""
    on = x.on
    aff = topic_match(x.past_topics if past else topics, video, "sharp" in on)
    fav = video.author in authors
    bonus = (FAVOURITE_BONUS if "authors" in on else 0.35) * fav + 0.1 * (video.tid in tids)
    r = aff + (1.0 - aff) * bonus
    if "authors" in on and not fav and video.primary_topic in x.avoid_topics and unit(
            x.seed, x.mid, 7_000_000 + video.author) < AVOID_SHARE:
        r *= AVOID_FACTOR
    q = quality_taste
    if "quality" in on:
        q = min(1.0, 0.2 + quality_taste)
        r *= (1.0 - q) + q * video.quality
    else:
        r *= (1.0 - q) + q * video.quality
    if "popularity" in on:
        p = min(1.0, max(0.0, (math.log(video.views_final) - 6.0) / 9.0))
        liked = p if x.pop_pref > 0 else 1.0 - p
        r *= 1.0 - abs(x.pop_pref) * 0.6 * (1.0 - liked)
    if "duration" in on:
        d = math.log(max(video.duration, 1)) - x.log_duration
        r *= 0.4 + 0.6 * math.exp(-d * d / (2 * 0.9 ** 2))
    # The factors are each ≤ 1: rescaled so the best of the catalogue is enjoyed about as
    # much as in the topic setting (finishing and liking follow relevance).
    return round(min(max(RESCALE * r, 0.0), 1.0), 6)


def drift_on(x: Extras | None) -> bool:
    return x is not None and "drift" in x.on
