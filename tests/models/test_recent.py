"""Interests drift: the recent counts (``models.affinity`` columns tag_recent and
author_recent) and the example weights (``models.training.recency``) halve with age, so a
long history's older part, under interests the user has left, weighs less than the last
weeks."""

from __future__ import annotations

import numpy as np
import pytest

from models.affinity import COLUMNS, COUNT_SCALE, DAY, RECENT_HALF_LIFE
from models.encoding import encode
from models.entities import Event, Video
from models.state import TasteStats
from models.training import RECENCY_FLOOR, encode_examples, labelled, recency, record_facts
from models.vocab import Vocab

NOW = 1_800_000_000
HALF = int(RECENT_HALF_LIFE * DAY)
TAG_RECENT = COLUMNS.index("tag_recent")
AUTHOR_RECENT = COLUMNS.index("author_recent")


def _video(n: int, tags: tuple[str, ...], author: int = 7) -> Video:
    return Video(f"BV1re{n:07d}", f"视频{n}", tags, author, f"UP{author}", 300, 10_000,
                 300, 50, 100, partition=None, pubdate=0)


def _finished(video: Video, at: int) -> tuple[Event, Video]:
    return Event(video.bvid, at, progress=-1, duration=300), video


class _State:
    """What ``record_facts`` and ``encode`` read of a user's state, without TensorFlow."""

    def __init__(self) -> None:
        self.stats = TasteStats()
        self.tags: Vocab[str] = Vocab()
        self.authors: Vocab[int] = Vocab()
        self.last_event_at = 0
        self.examples_seen = 0


def test_a_positive_counts_half_as_much_every_half_life_older():
    state = _State()
    record_facts(state, labelled([_finished(_video(1, ("旧",)), NOW - HALF),
                                  _finished(_video(2, ("新",)), NOW)]))
    stats = state.stats
    assert stats.recent_at == NOW
    assert stats.recent_tag == pytest.approx({"旧": 0.5, "新": 1.0})
    assert stats.recent_author == pytest.approx({7: 1.5})
    # a later positive moves the reference: everything on record ages by one half-life
    record_facts(state, labelled([_finished(_video(3, ("新",)), NOW + HALF)]))
    assert stats.recent_at == NOW + HALF
    assert stats.recent_tag == pytest.approx({"旧": 0.25, "新": 1.5})
    # the plain counts do not age
    assert stats.tag_pos == {"旧": 1, "新": 2}


def test_an_older_event_arriving_late_counts_at_its_own_age():
    state = _State()
    record_facts(state, labelled([_finished(_video(1, ("新",)), NOW)]))
    record_facts(state, labelled([_finished(_video(2, ("旧",)), NOW - 2 * HALF)]))
    assert state.stats.recent_at == NOW
    assert state.stats.recent_tag == pytest.approx({"新": 1.0, "旧": 0.25})


def test_a_training_example_does_not_see_its_own_recent_count():
    state = _State()
    examples = labelled([_finished(_video(1, ("独有",), author=9), NOW - HALF),
                         _finished(_video(2, ("别的",)), NOW)])
    record_facts(state, examples)
    own = encode_examples(state, examples, counted=True)[2]
    assert own[0, TAG_RECENT] == 0.0 and own[0, AUTHOR_RECENT] == 0.0
    # a candidate with the same tag and UP主 does see it, at its age (0.5)
    wide = encode([_video(3, ("独有",), author=9)], state, now=NOW)[2]
    assert wide[0, TAG_RECENT] == pytest.approx(np.log1p(0.5) / COUNT_SCALE)
    assert wide[0, AUTHOR_RECENT] == pytest.approx(np.log1p(0.5) / COUNT_SCALE)


def test_example_weights_halve_with_age_down_to_a_floor():
    ages = [0, 1, 3, 10]  # in half-lives before the newest
    examples = labelled([_finished(_video(i, ("某",)), NOW - a * HALF) for i, a in
                         enumerate(ages)])
    by_age = dict(zip(sorted(ages, reverse=True), recency(examples), strict=True))
    assert by_age == pytest.approx({0: 1.0, 1: 0.5, 3: max(0.125, RECENCY_FLOOR),
                                    10: RECENCY_FLOOR})

