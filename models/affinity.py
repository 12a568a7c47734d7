"""The wide part's inputs: what a tag counter knows about a candidate, and more (no
TensorFlow).

Per candidate, from the user's own record (``TasteStats``) and the video's numbers::

    0 quality            quality_score (models.features)
    1 author_pos         ln(1 + positives of this UP主) / COUNT_SCALE
    2 author_neg         ln(1 + negatives of this UP主) / COUNT_SCALE
    3 tag_pos            mean over the video's tags of ln(1 + positives with the tag) / COUNT_SCALE
    4 tag_neg            the same for negatives
    5 tag_precision      Σ positives / (Σ positives + Σ negatives + 1) over the tags
    6 tag_count          ln(1 + Σ tag positives + 3 · UP主 positives) / COUNT_SCALE — the
                         plain tag counter of docs/model.md, so the model can never know less
    7 partition_share    the partition's share of the user's positives
    8 age                ln(1 + days since upload) / AGE_SCALE, 0 when unknown
    9 follows            1 when the user follows the UP主 on bilibili (关注), else 0; a fact
                         from outside the labelled record, so nothing to leave out. Its
                         weight starts at 0: what following predicts is learned per user
   10-14 duration, views, like_rate, coin_rate, fav_rate   the video's own numbers
                         (``features.video_numbers``): quality and popularity from outside
   15 author_precision   UP主 positives / (positives + negatives + 1): an UP主 the user
                         watches in their topics but leaves is not a favourite
   16 duration_precision positives / (positives + negatives + 1) of the user's record in
                         the video's duration bucket; 17 the same for its views bucket
   18 duration_share     the bucket's share of the user's positives; 19 the same for views
   20 tag_recent         ln(1 + Σ over the tags of recent positives) / COUNT_SCALE, where a
                         positive counts 1 when it is the newest on record and half as much
                         every RECENT_HALF_LIFE days older: interests drift, and the older
                         part of a long history may follow topics the user has left
   21 author_recent      the same for the UP主
   22 tag_enjoyed        the mean of the video's two best tags' enjoyment rates, less the
                         user's own rate: per tag, how much the user enjoyed what they met
                         with it (``TasteStats.tag_enjoyed`` / ``tag_seen``, shrunk towards
                         their usual by ENJOYED_PRIOR examples). Two, not all: a video
                         mostly of a topic the user passes by, with a second one they
                         love, is enjoyed for the second (the counts above average it
                         away), and one tag alone is too often a stray

Training examples are already in the counts they are scored with: ``counted`` (their
labels) takes each one's own contribution out again (leave-one-out). Without that the
wide part would learn "a video whose UP主 has one positive is a positive" from the very
example that made the count, and rank new candidates on noise.

Counts are looked up through process-wide global ids (``models.encoding``), so a pool of
a thousand candidates costs a few numpy gathers per user, not a dictionary lookup per tag.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # models.state imports models.layout, which needs WIDTH from here
    from models.state import TasteStats

COLUMNS = (
    "quality", "author_pos", "author_neg", "tag_pos", "tag_neg", "tag_precision",
    "tag_count", "partition_share", "age", "follows",
    "duration", "views", "like_rate", "coin_rate", "fav_rate", "author_precision",
    "duration_precision", "views_precision", "duration_share", "views_share",
    "tag_recent", "author_recent", "tag_enjoyed",
)
WIDTH = len(COLUMNS)
COUNT_SCALE = 4.0  # ln(1 + 50) ≈ 4: fifty positives of one tag is a strong taste
AGE_SCALE = math.log1p(3 * 365)
AUTHOR_WEIGHT_IN_COUNT = 3.0  # as the tag counter weighs the UP主
# The wide kernel's starting point: a new model begins as a tag counter that also minds
# negatives and partitions, and training moves it from there. A first model has a few
# dozen optimizer steps only, and from zeros it ended up below the plain counter.
PRIOR = {
    "author_pos": 1.0, "author_neg": -1.0, "tag_pos": 1.0, "tag_neg": -0.5,
    "tag_precision": 1.0, "tag_count": 2.0, "partition_share": 1.0,
}
DAY = 86400
RECENT_HALF_LIFE = 20.0  # days
RECENT_MIN = 1e-3  # a recent count that has faded below this is dropped
ENJOYED_PRIOR = 2.0  # examples at the user's own rate that every tag's rate starts from


def faded(age_s: np.ndarray | float, half_life: float = RECENT_HALF_LIFE) -> np.ndarray | float:
    """What something ``age_s`` seconds old still weighs: 1, halved every ``half_life``
    days."""
    return 0.5 ** (np.maximum(age_s, 0) / DAY / half_life)


def recent_weight(stats: TasteStats, at: np.ndarray | int) -> np.ndarray | float:
    """What a positive at ``at`` counts in the recent counts (``stats.recent_at`` = 1)."""
    return faded(stats.recent_at - np.asarray(at, np.float64))


def age_recent(stats: TasteStats, newest: int) -> None:
    """Move the recent counts' reference to ``newest`` (later than the current one)."""
    if stats.recent_at:
        factor = float(faded(newest - stats.recent_at))
        for counts in (stats.recent_tag, stats.recent_author, stats.tag_seen):
            for key in list(counts):
                counts[key] *= factor
                if counts[key] < RECENT_MIN:
                    del counts[key]
        stats.tag_enjoyed = {key: value * factor for key, value in stats.tag_enjoyed.items()
                             if key in stats.tag_seen}
        stats.enjoyed *= factor
        stats.seen *= factor
    stats.recent_at = newest


def add_enjoyment(stats: TasteStats, tag_keys: Iterable[str], enjoyment: float,
                  weight: float) -> None:
    """Count one labelled example, of these tags, in the enjoyment rates (column 22) at
    ``weight``: its ``recent_weight``, as in the recent counts."""
    stats.enjoyed += weight * enjoyment
    stats.seen += weight
    for key in tag_keys:
        stats.tag_enjoyed[key] = stats.tag_enjoyed.get(key, 0.0) + weight * enjoyment
        stats.tag_seen[key] = stats.tag_seen.get(key, 0.0) + weight


def _lookup(counts: dict, table: dict) -> np.ndarray:
    """global id + 1 → count (0 for ids the user never met)."""
    out = np.zeros(len(table) + 1, dtype=np.float32)
    for key, value in counts.items():
        gid = table.get(key)
        if gid is not None:
            out[gid + 1] = value
    return out


def wide_features(
    stats: TasteStats,
    tag_gids: np.ndarray,
    author_gids: np.ndarray,
    partitions: np.ndarray,
    pubdates: np.ndarray,
    quality: np.ndarray,
    *,
    tag_table: dict,
    author_table: dict,
    now: np.ndarray | int,
    counted: np.ndarray | None = None,
    numbers: np.ndarray | None = None,
    buckets: np.ndarray | None = None,
    enjoyed: np.ndarray | None = None,
) -> np.ndarray:
    """[n, WIDTH] float32. ``now`` is unix seconds (one for all, or one per row: an
    example's own event time); ``counted`` per row the label under which the row is
    already in ``stats`` (1 or 0), or -1 when it is not; ``enjoyed`` per row its
    enjoyment in ``stats.tag_enjoyed``, NaN when it is not there."""
    n = len(author_gids)
    out = np.zeros((n, WIDTH), dtype=np.float32)
    if n == 0:
        return out
    own = np.full(n, -1.0, np.float32) if counted is None else np.asarray(counted, np.float32)
    pos_self = (own == 1).astype(np.float32)
    neg_self = (own == 0).astype(np.float32)
    has_tag = tag_gids > 0

    a_pos = np.maximum(_lookup(stats.author_pos, author_table)[author_gids] - pos_self, 0)
    a_neg = np.maximum(_lookup(stats.author_neg, author_table)[author_gids] - neg_self, 0)
    t_pos = np.maximum(_lookup(stats.tag_pos, tag_table)[tag_gids] - pos_self[:, None], 0)
    t_neg = np.maximum(_lookup(stats.tag_neg, tag_table)[tag_gids] - neg_self[:, None], 0)
    t_pos *= has_tag
    t_neg *= has_tag
    n_tags = np.maximum(has_tag.sum(axis=1), 1)
    sum_pos, sum_neg = t_pos.sum(axis=1), t_neg.sum(axis=1)

    out[:, 0] = quality
    out[:, 1] = np.log1p(a_pos) / COUNT_SCALE
    out[:, 2] = np.log1p(a_neg) / COUNT_SCALE
    out[:, 3] = np.log1p(t_pos).sum(axis=1) / n_tags / COUNT_SCALE
    out[:, 4] = np.log1p(t_neg).sum(axis=1) / n_tags / COUNT_SCALE
    out[:, 5] = sum_pos / (sum_pos + sum_neg + 1.0)
    out[:, 6] = np.log1p(sum_pos + AUTHOR_WEIGHT_IN_COUNT * a_pos) / COUNT_SCALE
    out[:, 7] = _partition_share(stats.partitions, partitions, pos_self)
    known = pubdates > 0
    days = np.maximum(np.asarray(now, np.float64) - pubdates, 0) / DAY
    out[:, 8] = np.where(known, np.log1p(days) / AGE_SCALE, 0.0)
    if stats.follows:
        out[:, 9] = _lookup(stats.follows, author_table)[author_gids] > 0
    if numbers is not None:
        out[:, 10:15] = numbers
    out[:, 15] = a_pos / (a_pos + a_neg + 1.0)
    if buckets is not None:
        for col, (pos, neg), bucket in (
            (16, (stats.duration_pos, stats.duration_neg), buckets[:, 0]),
            (17, (stats.views_pos, stats.views_neg), buckets[:, 1]),
        ):
            b_pos = np.maximum(_bucket_counts(pos, bucket) - pos_self * (bucket >= 0), 0)
            b_neg = np.maximum(_bucket_counts(neg, bucket) - neg_self * (bucket >= 0), 0)
            out[:, col] = b_pos / (b_pos + b_neg + 1.0)
            total = max(float(sum(pos.values())) - 1.0, 1.0)
            out[:, col + 2] = b_pos / total
    own_recent = pos_self * np.asarray(recent_weight(stats, now), np.float32)
    r_tag = np.maximum(_lookup(stats.recent_tag, tag_table)[tag_gids] - own_recent[:, None], 0)
    r_author = np.maximum(_lookup(stats.recent_author, author_table)[author_gids] - own_recent,
                          0)
    out[:, 20] = np.log1p((r_tag * has_tag).sum(axis=1)) / COUNT_SCALE
    out[:, 21] = np.log1p(r_author) / COUNT_SCALE
    out[:, 22] = _tag_enjoyed(stats, tag_gids, tag_table, now, enjoyed)
    return out


def _tag_enjoyed(stats: TasteStats, tag_gids: np.ndarray, tag_table: dict,
                 now: np.ndarray | int, enjoyed: np.ndarray | None) -> np.ndarray:
    """Column 22: the mean of the two best tags' enjoyment rates less the user's rate."""
    n = len(tag_gids)
    own_y = np.zeros(n) if enjoyed is None else np.nan_to_num(np.asarray(enjoyed, np.float64))
    own_w = np.zeros(n) if enjoyed is None else np.where(
        np.isnan(enjoyed), 0.0, recent_weight(stats, now))
    usual = (stats.enjoyed - own_y * own_w) / np.maximum(stats.seen - own_w, 1e-9)
    usual = np.where(stats.seen - own_w > RECENT_MIN, usual, 0.0)
    total = _lookup(stats.tag_enjoyed, tag_table)[tag_gids] - (own_y * own_w)[:, None]
    seen = np.maximum(_lookup(stats.tag_seen, tag_table)[tag_gids] - own_w[:, None], 0.0)
    rates = (total + ENJOYED_PRIOR * usual[:, None]) / (seen + ENJOYED_PRIOR)
    rates = np.sort(np.where(tag_gids > 0, rates, -np.inf), axis=1)[:, ::-1]
    best, second = rates[:, 0], rates[:, 1]
    two = np.where(np.isfinite(second), (best + second) / 2, best)
    return np.where(np.isfinite(best), two - usual, 0.0)


def _bucket_counts(counts: dict[int, int], bucket: np.ndarray) -> np.ndarray:
    """The user's count per row's bucket (0 for an unknown bucket, -1)."""
    table = np.zeros(32, np.float32)
    for key, value in counts.items():
        if 0 <= key < 32:
            table[key] = value
    return np.where(bucket >= 0, table[np.clip(bucket, 0, 31)], 0.0)


def _partition_share(counts: dict[int, int], partitions: np.ndarray, pos_self: np.ndarray):
    total = float(sum(counts.values()))
    if total <= 0:
        return np.zeros(len(partitions), np.float32)
    own = np.array([counts.get(int(p), 0) for p in partitions], dtype=np.float32)
    # -1 marks an unknown partition: no share, and nothing to leave out
    known = partitions >= 0
    own = np.where(known, np.maximum(own - pos_self, 0), 0)
    rest = np.maximum(total - pos_self * known, 1.0)
    return own / rest
