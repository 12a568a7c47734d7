"""Cold-start ranking for users without a usable model (no TensorFlow).

Used when the history is too short, hidden (bilibili code 53013) or one-sided: candidates
are ranked by their quality score and by how popular their partition is — with the user
if they watched anything, otherwise across all users (the caller chooses the counts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from models.entities import Video
from models.features import quality_score

# Quality dominates: partition popularity only reorders videos of similar quality.
QUALITY_SHARE = 0.6


def popularity_rank(
    candidates: Sequence[Video], partition_counts: Mapping[int, int] | None = None
) -> list[float]:
    """A score in [0, 1] per candidate (same order): 0.6·quality + 0.4·partition share,
    where partition share = count of the candidate's partition / the largest count.
    Without counts (or for unknown partitions) the share is 0 and quality alone decides.
    """
    counts = dict(partition_counts or {})
    top = max(counts.values(), default=0)
    scores: list[float] = []
    for video in candidates:
        share = 0.0
        if top > 0 and video.partition is not None:
            share = max(counts.get(video.partition, 0), 0) / top
        scores.append(QUALITY_SHARE * quality_score(video) + (1 - QUALITY_SHARE) * share)
    return scores


def partition_counts(videos: Sequence[Video]) -> dict[int, int]:
    """How many of ``videos`` fall in each partition (e.g. the user's watched videos)."""
    counts: dict[int, int] = {}
    for video in videos:
        if video.partition is not None:
            counts[video.partition] = counts.get(video.partition, 0) + 1
    return counts
