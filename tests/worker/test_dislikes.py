"""What each 不感兴趣 reason does to training and scoring, and nothing more."""

from __future__ import annotations

from models.features import label
from store import BehaviourEvent, VideoRecord
from store.feedback import DislikeReasons
from worker.convert import merge_events
from worker.dislikes import adjust, factor


def rec(bvid: str, **kw) -> VideoRecord:
    return VideoRecord(**({"bvid": bvid, "owner_mid": 1, "duration": 300,
                           "tags": ("游戏",)} | kw))


def test_seen_is_no_label_and_never_shown_ignored():
    merged = merge_events([
        BehaviourEvent("seen", "BV1xx411c7m1", 10),
        BehaviourEvent("shown", "BV1xx411c7m2", 5, source="2026-11-26"),
        BehaviourEvent("seen", "BV1xx411c7m2", 10),
        BehaviourEvent("seen", "BV1xx411c7m3", 10),
        BehaviourEvent("like", "BV1xx411c7m3", 0),
        BehaviourEvent("shown", "BV1xx411c7m4", 5, source="2026-11-26"),
    ])
    assert "BV1xx411c7m1" not in merged  # seen alone: not an example at all
    assert "BV1xx411c7m2" not in merged  # shown then seen: not a shown-ignored negative
    assert label(merged["BV1xx411c7m3"]) == 1  # other signals keep theirs
    assert label(merged["BV1xx411c7m4"]) == 0  # an ordinary shown-ignored stays one


def test_topic_lowers_the_tags_not_the_author():
    reasons = DislikeReasons(topic_tags={"游戏": 1, "攻略": 1})
    same_author_other_tags = rec("BV1xx411c7m1", owner_mid=7, tags=("美食",))
    same_tags_other_author = rec("BV1xx411c7m2", owner_mid=8, tags=("游戏",))
    both_tags = rec("BV1xx411c7m3", owner_mid=9, tags=("游戏", "攻略", "游戏"))
    untagged = rec("BV1xx411c7m4", tags=None)
    assert factor(same_author_other_tags, reasons) == 1.0
    assert factor(untagged, reasons) == 1.0
    assert factor(both_tags, reasons) < factor(same_tags_other_author, reasons) < 1.0


def test_clickbait_lowers_the_author_and_duration_bounds_lower_their_side():
    reasons = DislikeReasons(clickbait={7: 100}, shorter_than=60, longer_than=1200)
    assert factor(rec("BV1xx411c7m1", owner_mid=7), reasons) == 0.5
    assert factor(rec("BV1xx411c7m1", owner_mid=8), reasons) == 1.0
    assert factor(rec("BV1xx411c7m1", duration=60), reasons) == 0.5
    assert factor(rec("BV1xx411c7m1", duration=61), reasons) == 1.0
    assert factor(rec("BV1xx411c7m1", duration=1200), reasons) == 0.5
    assert factor(rec("BV1xx411c7m1", duration=0), reasons) == 1.0  # unknown length
    scores = {"BV1xx411c7m1": 0.8, "BV1xx411c7m2": 0.4}
    adjust(scores, [rec("BV1xx411c7m1", owner_mid=7), rec("BV1xx411c7m2")], reasons)
    assert scores == {"BV1xx411c7m1": 0.4, "BV1xx411c7m2": 0.4}
    untouched = {"BV1xx411c7m1": 0.8}
    adjust(untouched, [rec("BV1xx411c7m1", owner_mid=7)], DislikeReasons())
    assert untouched == {"BV1xx411c7m1": 0.8}
