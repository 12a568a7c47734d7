"""bench.taste_replay on a recording made by hand from the synthetic world: what it replays
is what was recorded, and the same seed gives the same figures (the point of a replay)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench.taste_replay import Recording, replay  # noqa: E402
from models.synthetic import make_world, scenario  # noqa: E402
from store import VideoRecord  # noqa: E402

MID = 7


def record_of(video) -> VideoRecord:
    return VideoRecord(video.bvid, owner_mid=video.author_mid, owner_name=video.author_name,
                       duration=video.duration, view=video.view, like=video.like,
                       coin=video.coin, favorite=video.favorite, tid=video.partition,
                       pubdate=video.pubdate, tags=tuple(video.tags))


@pytest.fixture(scope="module")
def recording() -> Recording:
    world = make_world(seed=0)
    user = scenario(world, seed=101, n_history=300)
    recording = Recording()
    half = len(user.history) // 2
    recording.train(0, MID, {}, user.history[:half], [])
    recording.train(1, MID, {}, user.history[half:], user.history[:half])
    pool = [record_of(v) for v in user.candidates]
    gains = {v.bvid: float(g) for v, g in zip(user.candidates, user.gains, strict=True)}
    now = max(e.at for e, _ in user.history)
    for day in (0, 1):
        recording.pool(day, MID, pool, gains, now, {}, {})
    return recording


def test_a_replay_ranks_each_recorded_day_with_the_recorded_updates(recording):
    figures = replay(recording, seed=0, days=2)
    assert set(figures) == {(0, MID), (1, MID)}
    # the synthetic taste is learnable: ranked at random the pool scores about 0.15
    assert all(0.5 < v <= 1.0 for v in figures.values()), figures


def test_the_same_seed_gives_the_same_figures(recording):
    assert replay(recording, seed=0, days=2) == replay(recording, seed=0, days=2)


def test_days_after_the_asked_number_are_left_out(recording):
    assert set(replay(recording, seed=0, days=1)) == {(0, MID)}
