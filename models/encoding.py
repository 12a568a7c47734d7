"""Videos → network inputs for one user (no TensorFlow): tag ids, author id and the wide
part's columns (``models.affinity``).

Tag keys and author mids are interned to process-wide ids, and each video is prepared once
per process (its global ids and quality). Encoding for a user is then two numpy gathers
through per-user maps (global id → the user's vocabulary index, unknown → OOV) instead of
a dictionary lookup per tag per user. A worker that scores one shared pool for many users
can ``prepare`` the pool once and pass the ``Candidates`` to every user's scoring.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from models.affinity import WIDTH, wide_features
from models.entities import Video
from models.features import (
    MAX_TAGS,
    duration_bucket,
    quality_score,
    video_numbers,
    video_tag_keys,
    views_bucket,
)
from models.state import UserModelState
from models.vocab import OOV, PAD, RESERVED, Vocab

_TAG_IDS: dict[str, int] = {}
_AUTHOR_IDS: dict[int, int] = {}


def _intern(table: dict, key: Hashable) -> int:
    found = table.get(key)
    if found is None:
        found = table[key] = len(table)
    return found


@dataclass(frozen=True, eq=False)
class Candidates:
    """Videos prepared for scoring: global tag ids + 1 (0 = no tag) [n, MAX_TAGS], global
    author ids + 1 [n], quality [n], partition [n] (-1 = unknown), pubdate [n] (0 = unknown),
    the video's numbers [n, 5] (``features.video_numbers``) and its duration and views
    buckets [n, 2] (-1 = unknown).
    """

    videos: tuple[Video, ...]
    tag_gids: np.ndarray
    author_gids: np.ndarray
    quality: np.ndarray
    partitions: np.ndarray
    pubdates: np.ndarray
    numbers: np.ndarray
    buckets: np.ndarray

    def __len__(self) -> int:
        return len(self.videos)


@lru_cache(maxsize=1 << 16)
def _prepared(video: Video) -> tuple:
    # Pools are shared by all users of a worker: this runs once per video per process.
    tags = [_intern(_TAG_IDS, key) + 1 for key in video_tag_keys(video)]
    padded = tuple(tags + [0] * (MAX_TAGS - len(tags)))
    return (padded, _intern(_AUTHOR_IDS, video.author_mid) + 1, quality_score(video),
            video_numbers(video), (duration_bucket(video), views_bucket(video)))


def prepare(videos: Sequence[Video] | Candidates) -> Candidates:
    if isinstance(videos, Candidates):
        return videos
    rows = [_prepared(video) for video in videos]
    tag_gids = np.array([r[0] for r in rows], dtype=np.int64).reshape(len(rows), MAX_TAGS)
    author_gids = np.array([r[1] for r in rows], dtype=np.int64)
    quality = np.array([r[2] for r in rows], dtype=np.float32)
    partitions = np.array(
        [-1 if v.partition is None else v.partition for v in videos], dtype=np.int64
    )
    pubdates = np.array([v.pubdate for v in videos], dtype=np.float64)
    numbers = np.array([r[3] for r in rows], dtype=np.float32).reshape(len(rows), 5)
    buckets = np.array([r[4] for r in rows], dtype=np.int64).reshape(len(rows), 2)
    return Candidates(tuple(videos), tag_gids, author_gids, quality, partitions, pubdates,
                      numbers, buckets)


def join(first: Candidates, second: Candidates) -> Candidates:
    """Both prepared batches as one (a shared pool and a user's own, scored in one pass)."""
    return Candidates(
        first.videos + second.videos,
        *(np.concatenate([getattr(first, name), getattr(second, name)])
          for name in ("tag_gids", "author_gids", "quality", "partitions", "pubdates",
                       "numbers", "buckets")),
    )


def _id_map(vocab: Vocab, table: dict, name: str) -> np.ndarray:
    """global id + 1 → the user's index (0 → PAD, unknown → OOV); cached on the vocab
    until it or the global table grows."""
    key = (len(vocab), len(table))
    cached = vocab.cache.get(name)
    if cached is not None and cached[0] == key:
        return cached[1]
    mapping = np.full(len(table) + 1, OOV, dtype=np.int32)
    mapping[0] = PAD
    for index, token in enumerate(vocab.tokens, start=RESERVED):
        gid = table.get(token)
        if gid is not None:
            mapping[gid + 1] = index
    vocab.cache[name] = (key, mapping)
    return mapping


def encode(
    videos: Sequence[Video] | Candidates,
    state: UserModelState,
    rows: int | None = None,
    *,
    now: np.ndarray | int,
    counted: np.ndarray | None = None,
    enjoyed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Network inputs: tag ids [rows, MAX_TAGS], author ids [rows], wide [rows, WIDTH].
    Unknown tags/authors map to OOV (scored, not dropped); rows beyond the videos are
    padding (all PAD) so batch shapes can be bucketed. ``now``, ``counted`` and ``enjoyed`` are
    as in ``models.affinity.wide_features``."""
    batch = prepare(videos)
    n = len(batch) if rows is None else rows
    tag_ids = np.full((n, MAX_TAGS), PAD, dtype=np.int32)
    author_ids = np.full(n, PAD, dtype=np.int32)
    wide = np.zeros((n, WIDTH), dtype=np.float32)
    if len(batch):
        tag_ids[: len(batch)] = _id_map(state.tags, _TAG_IDS, "tags")[batch.tag_gids]
        author_ids[: len(batch)] = _id_map(state.authors, _AUTHOR_IDS, "authors")[
            batch.author_gids
        ]
        wide[: len(batch)] = wide_features(
            state.stats, batch.tag_gids, batch.author_gids, batch.partitions, batch.pubdates,
            batch.quality, tag_table=_TAG_IDS, author_table=_AUTHOR_IDS, now=now,
            counted=counted, numbers=batch.numbers, buckets=batch.buckets, enjoyed=enjoyed,
        )
    return tag_ids, author_ids, wide
