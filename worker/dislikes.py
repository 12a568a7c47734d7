"""What the reasons given with 不感兴趣 change in scoring, each only what it says:

- 不想看这类内容 (topic): candidates sharing the disliked video's tags score lower; its
  UP主 is not blamed (their videos with other tags keep their score);
- 标题党 (clickbait): this UP主's videos score lower from then on, those published later
  included (the video itself is a dislike event, so the model learns it as any dislike);
- 太短了 / 太长了: candidates at or beyond the moved duration bound score lower.

不看这个UP主 is a rule (``worker.filters``) and 看过了 an event that excludes the video;
neither touches scores. Scores are multiplied, so the order within what is untouched
stays the model's.
"""

from __future__ import annotations

from collections.abc import Iterable

from store import VideoRecord
from store.feedback import DislikeReasons

TOPIC_FACTOR = (1.0, 0.5, 0.3)  # by how many disliked-topic tags a candidate carries
CLICKBAIT_FACTOR = 0.5
DURATION_FACTOR = 0.5


def factor(record: VideoRecord, reasons: DislikeReasons) -> float:
    """The multiplier of one candidate's score (1.0: nothing said about it)."""
    out = 1.0
    if reasons.topic_tags and record.tags:
        hits = sum(1 for t in dict.fromkeys(record.tags) if t in reasons.topic_tags)
        out *= TOPIC_FACTOR[min(hits, len(TOPIC_FACTOR) - 1)]
    if record.owner_mid and record.owner_mid in reasons.clickbait:
        out *= CLICKBAIT_FACTOR
    d = record.duration
    if d > 0 and ((reasons.shorter_than is not None and d <= reasons.shorter_than)
                  or (reasons.longer_than is not None and d >= reasons.longer_than)):
        out *= DURATION_FACTOR
    return out


def adjust(scores: dict[str, float], records: Iterable[VideoRecord],
           reasons: DislikeReasons) -> None:
    """Lower ``scores`` (in place) of the candidates the reasons speak about."""
    if not (reasons.topic_tags or reasons.clickbait or reasons.shorter_than
            or reasons.longer_than):
        return
    for record in records:
        if record.bvid in scores:
            scores[record.bvid] *= factor(record, reasons)
