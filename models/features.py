"""Feature extraction and labels (no TensorFlow).

Quality (the wide part's input)::

    raw = α·likes/ln(views+1) + β·favourites/ln(views+1) + γ·ln(views+1)
    quality = min(ln(1 + raw) / QUALITY_SCALE, 1)          ∈ [0, 1]

The raw score spans five orders of magnitude between a fresh upload and a hit, so it is
log-compressed; QUALITY_SCALE puts a ten-million-view hit near 1. Zero views → 0.

Interest (the label's source)::

    interest = clip(max(liked + faved + coined, progress / duration), 0, 1)

with progress −1 meaning "finished" (= 1). When the event does not know the duration the
video's is used; when neither does, only the flags count.

Label (``label``), in this order:

1. explicitly disliked ("not interested")                         → 0
2. liked, favourited or coined (interest 1)                       → 1
3. watched ≥ POSITIVE_THRESHOLD (50 %) of the video, or finished   → 1
4. put in 稍后再看 by the user and not opened yet                  → 1 (weight 0.3)
5. shown as a pick and not clicked                                 → 0 (weight 0.1)
6. a short view: opened and left before SHORT_VIEW (20 %)          → 0
7. anything else (20–50 % watched, or unknown duration)            → None, not trained on

Favourites are therefore positives (the original gave them interest exactly 0.5 and its
"> 0.5" rule labelled them negative), and the ambiguous middle is left out rather than
guessed.
"""

from __future__ import annotations

import math
from functools import lru_cache

from models.entities import Event, Video
from models.signals import ENGAGED, SIGNALS
from models.vocab import normalize_tag

QUALITY_ALPHA = 1.0
# Favourites are rarer than likes and a stronger statement, hence twice the weight.
QUALITY_BETA = 2.0
QUALITY_GAMMA = 1.0
QUALITY_SCALE = 13.0

POSITIVE_THRESHOLD = 0.5
SHORT_VIEW = 0.2
# The signals' weights are in their table (``models.signals``, which says why each is
# what it is); the names here are what the rules below read.
IGNORED_WEIGHT = SIGNALS["shown"].weight
TOVIEW_WEIGHT = SIGNALS["toview"].weight
DISLIKED_WEIGHT = SIGNALS["feedback_dislike"].weight

# Choice targets (``target``): a video opened counts PICK_WEIGHT plus the share watched,
# plus each like/coin/favourite's weight (``ENGAGED``); a hot-list video passed by,
# PASSED_WEIGHT (not an event: the worker adds those, ``Event.passed``).
PICK_WEIGHT = SIGNALS["watch"].weight
PASSED_WEIGHT = 1.0
SHORT_WEIGHT = 0.5

MAX_TAGS = 12


def quality_score(video: Video) -> float:
    """Normalised quality in [0, 1] (see the module docstring)."""
    views = max(video.view, 0)
    if views == 0:
        return 0.0
    log_views = math.log(views + 1)
    raw = (
        QUALITY_ALPHA * max(video.like, 0) / log_views
        + QUALITY_BETA * max(video.favorite, 0) / log_views
        + QUALITY_GAMMA * log_views
    )
    return min(math.log1p(raw) / QUALITY_SCALE, 1.0)


def watch_ratio(event: Event, video: Video | None = None) -> float | None:
    """Fraction watched in [0, 1]; 1 when finished; None when the duration is unknown."""
    if event.progress == -1:
        return 1.0
    duration = event.duration or (video.duration if video is not None else 0)
    if duration <= 0:
        return None
    return min(max(event.progress / duration, 0.0), 1.0)


def interest(event: Event, video: Video | None = None) -> float:
    """Interest in [0, 1]: max(liked + faved + coined, progress/duration), clipped."""
    engaged = sum(bool(getattr(event, flag)) for flag in ENGAGED)
    ratio = watch_ratio(event, video) or 0.0
    return min(max(float(engaged), ratio), 1.0)


def label(event: Event, video: Video | None = None) -> int | None:
    """1 = interested, 0 = not, None = not a training example (module docstring)."""
    if event.disliked:
        return 0
    if _engaged(event):
        return 1
    ratio = watch_ratio(event, video)
    if ratio is not None and ratio >= POSITIVE_THRESHOLD:
        return 1
    if _toview_only(event):
        return 1
    if event.shown_ignored or _passed_only(event):
        return 0
    if ratio is not None and ratio < SHORT_VIEW:
        return 0
    return None


def example_weight(event: Event, video: Video | None = None) -> float:
    """Weight of an example before class balancing: rule 4 negatives count less."""
    if event.shown_ignored and not event.disliked and label(event, video) == 0:
        return IGNORED_WEIGHT
    if _toview_only(event) and label(event, video) == 1 and not _engaged(event):
        return TOVIEW_WEIGHT
    return 1.0


def _passed_only(event: Event) -> bool:
    return event.passed and event.progress == 0 and not (_engaged(event) or event.toview)


def opened(event: Event) -> bool:
    """Whether the user opened the video: watched some of it, or liked, coined or
    favourited it (which bilibili only allows from its page)."""
    return event.progress != 0 or _engaged(event)


def _engaged(event: Event) -> bool:
    """Liked, coined or favourited."""
    return any(getattr(event, flag) for flag in ENGAGED)


def target(event: Event, video: Video | None = None) -> tuple[int, float] | None:
    """What the model is trained to predict (label, weight): whether the user *chooses* a
    video, weighted by how much they then enjoyed it. Opening a video at all is a positive
    (weight PICK_WEIGHT + the share watched + the weight of each like, coin, favourite);
    a disliked one, a pick not clicked and a hot-list video passed by are negatives. The
    label of ``label`` (finished or not) judged only among what the user had already
    chosen to open, which says little about a hot list of videos they mostly would not
    open; the choice itself does (see models.training)."""
    if event.disliked:
        return 0, DISLIKED_WEIGHT
    engagement = sum(weight for flag, weight in ENGAGED.items() if getattr(event, flag))
    if opened(event):
        ratio = watch_ratio(event, video)
        if not _engaged(event) and ratio is not None and ratio < SHORT_VIEW:
            return 0, SHORT_WEIGHT  # opened and left at once: chosen, then regretted
        return 1, PICK_WEIGHT + (ratio or 0.0) + engagement
    if _toview_only(event):
        return 1, TOVIEW_WEIGHT
    if event.shown_ignored:
        return 0, IGNORED_WEIGHT
    if _passed_only(event):
        return 0, PASSED_WEIGHT
    return None


def _toview_only(event: Event) -> bool:
    """In 稍后再看 and not opened: a positive only while nothing says otherwise."""
    return event.toview and event.progress == 0 and not event.disliked


@lru_cache(maxsize=1 << 16)
def video_tags(video: Video) -> tuple[tuple[str, str], ...]:
    """(vocabulary key, name as shown) of the video's tags: deduplicated by key, at most
    MAX_TAGS, in bilibili's order. Cached: pools are shared by every user of a worker."""
    tags: list[tuple[str, str]] = []
    seen: set[str] = set()
    for tag in video.tags:
        key = normalize_tag(tag)
        if key and key not in seen:
            seen.add(key)
            tags.append((key, tag.strip()))
            if len(tags) == MAX_TAGS:
                break
    return tuple(tags)


def video_tag_keys(video: Video) -> tuple[str, ...]:
    return tuple(key for key, _ in video_tags(video))


def rating(probability: float) -> int:
    """推荐指数 0–100 from a probability (or a fallback score) in [0, 1]."""
    if not math.isfinite(probability):
        return 0
    return int(round(min(max(probability, 0.0), 1.0) * 100))


# Per-user tastes a tag counter cannot see: length and popularity. Each video falls in a
# bucket of each; the wide part reads the user's record per bucket (``models.affinity``).
DURATION_EDGES = (30, 60, 120, 240, 480, 900, 1800, 3600)  # seconds
VIEW_BUCKET_STEP = 0.5  # buckets of half a decade of views


def duration_bucket(video: Video) -> int:
    """-1 when the duration is unknown."""
    if video.duration <= 0:
        return -1
    return sum(video.duration >= edge for edge in DURATION_EDGES)


def views_bucket(video: Video) -> int:
    return min(int(math.log10(max(video.view, 0) + 1) / VIEW_BUCKET_STEP), 16)


def video_numbers(video: Video) -> tuple[float, float, float, float, float]:
    """ln duration, ln views and like/coin/favourite per view, each scaled to about
    [0, 1]: what quality and popularity look like from outside (0 when unknown)."""
    views = max(video.view, 0)
    per_view = (lambda n: min(max(n, 0) / views * 10.0, 1.0)) if views else (lambda n: 0.0)
    return (
        math.log1p(max(video.duration, 0)) / 8.0,
        math.log1p(views) / 16.0,
        per_view(video.like),
        min(per_view(video.coin) * 2.0, 1.0),
        min(per_view(video.favorite) * 2.0, 1.0),
    )
