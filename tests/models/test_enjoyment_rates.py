"""The wide column ``tag_enjoyed`` (``models.affinity``): per tag, how much the user
enjoyed what they met with it, hot videos passed by included, shrunk towards their usual
rate; a candidate reads the mean of its two best tags."""

from __future__ import annotations

import pytest

from models.affinity import COLUMNS, DAY, ENJOYED_PRIOR, RECENT_HALF_LIFE
from models.encoding import encode
from models.entities import Event, Video
from models.interest_head import enjoyment
from models.training import encode_examples, labelled, record_facts
from tests.models.test_recent import _State

NOW = 1_800_000_000
HALF = int(RECENT_HALF_LIFE * DAY)
TAG_ENJOYED = COLUMNS.index("tag_enjoyed")


def _video(n: int, tags: tuple[str, ...]) -> Video:
    return Video(f"BV1en{n:07d}", f"视频{n}", tags, 100 + n, f"UP{n}", 300, 10_000, 300, 50,
                 100, partition=None, pubdate=0)


def _finished(n: int, tags: tuple[str, ...], at: int = NOW) -> tuple[Event, Video]:
    return Event(f"BV1en{n:07d}", at, progress=-1, duration=300), _video(n, tags)


def _passed(n: int, tags: tuple[str, ...], at: int = NOW) -> tuple[Event, Video]:
    return Event(f"BV1en{n:07d}", at, passed=True), _video(n, tags)


def _rate(enjoyed: float, seen: float, usual: float) -> float:
    return (enjoyed + ENJOYED_PRIOR * usual) / (seen + ENJOYED_PRIOR)


def _column(state: _State, tags: tuple[str, ...]) -> float:
    return float(encode([_video(99, tags)], state, now=NOW)[2][0, TAG_ENJOYED])


def test_passed_by_videos_count_as_met_not_as_the_users_record():
    state = _State()
    record_facts(state, labelled([_finished(1, ("美食",)), _passed(2, ("数码",)),
                                  _passed(3, ("数码",)), _passed(4, ("美食",))]))
    stats = state.stats
    assert stats.tag_seen == pytest.approx({"美食": 2.0, "数码": 2.0})
    assert stats.tag_enjoyed == pytest.approx({"美食": 1.0, "数码": 0.0})
    assert (stats.enjoyed, stats.seen) == pytest.approx((1.0, 4.0))
    # a tag counter's record holds the finished video only
    assert stats.tag_pos == {"美食": 1} and stats.tag_neg == {}
    usual = 0.25
    assert _column(state, ("美食",)) == pytest.approx(_rate(1.0, 2.0, usual) - usual)
    assert _column(state, ("数码",)) == pytest.approx(_rate(0.0, 2.0, usual) - usual)
    assert _column(state, ("从未见过",)) == 0.0
    assert _column(state, ()) == 0.0


def test_a_video_is_enjoyed_for_its_two_best_tags_not_dragged_down_by_the_rest():
    state = _State()
    history = [_finished(i, ("旅行", "风景")) for i in range(4)]
    history += [_passed(10 + i, ("数码", "开箱", "测评")) for i in range(8)]
    record_facts(state, labelled(history))
    usual = 4 / 12
    travel, gadget = _rate(4.0, 4.0, usual), _rate(0.0, 8.0, usual)
    # mostly gadgets, with the travel the user loves: read for its two best tags
    mixed = _column(state, ("数码", "开箱", "测评", "旅行", "风景"))
    assert mixed == pytest.approx(travel - usual)
    one_good = _column(state, ("数码", "开箱", "旅行"))
    assert one_good == pytest.approx((travel + gadget) / 2 - usual)
    assert _column(state, ("数码", "开箱")) == pytest.approx(gadget - usual)
    assert mixed > one_good > 0 > _column(state, ("数码", "开箱"))


def test_opened_and_left_counts_below_passed_by():
    left = Event("BV1en0000001", NOW, progress=10, duration=300)
    assert enjoyment(left, _video(1, ("某",))) < 0.0
    state = _State()
    record_facts(state, labelled([(left, _video(1, ("离开",))), _passed(2, ("路过",)),
                                  _finished(3, ("看完",))]))
    assert _column(state, ("离开",)) < _column(state, ("路过",)) < _column(state, ("看完",))


def test_a_training_example_does_not_see_its_own_enjoyment():
    state = _State()
    examples = labelled([_finished(1, ("独有",)), _passed(2, ("别的",))])
    record_facts(state, examples)
    own = encode_examples(state, examples, counted=True)[2][:, TAG_ENJOYED]
    # without itself, "独有" was never met and the user's usual is the passed video's 0
    assert own[0] == 0.0
    assert own[1] == 0.0
    # a candidate of the same tag sees it
    assert _column(state, ("独有",)) == pytest.approx(_rate(1.0, 1.0, 0.5) - 0.5)


def test_the_rates_fade_as_the_recent_counts_do():
    state = _State()
    record_facts(state, labelled([_finished(1, ("旧",), NOW - HALF), _passed(2, ("旧",), NOW),
                                  _finished(3, ("新",), NOW)]))
    stats = state.stats
    assert stats.tag_seen == pytest.approx({"旧": 1.5, "新": 1.0})
    assert stats.tag_enjoyed == pytest.approx({"旧": 0.5, "新": 1.0})
    record_facts(state, labelled([_finished(4, ("新",), NOW + HALF)]))
    assert stats.tag_seen == pytest.approx({"旧": 0.75, "新": 1.5})
    assert stats.tag_enjoyed == pytest.approx({"旧": 0.25, "新": 1.5})
    assert (stats.enjoyed, stats.seen) == pytest.approx((1.75, 2.25))
