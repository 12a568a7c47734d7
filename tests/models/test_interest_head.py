"""The interest head: its moments solve to scikit-learn's ridge, adding rows in two
updates equals adding them in one, a score moves with it, and what it is fitted to."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from models import interest_head, layout
from models.affinity import WIDTH, faded
from models.encoding import encode
from models.entities import Event, Video
from models.interest_head import HALF_LIFE_DAYS

DAY = 86400


def _rows(seed: int, n: int):
    rng = np.random.default_rng(seed)
    wide = rng.uniform(0, 1, size=(n, WIDTH))
    targets = np.clip(wide[:, 3] - 0.5 * wide[:, 11] + rng.normal(0, 0.1, n), 0, 1)
    at = 1_800_000_000 + rng.integers(0, 90 * DAY, n)
    return wide, targets, at


def test_moments_solve_to_scikit_learns_weighted_ridge_centred_on_the_record():
    wide, targets, at = _rows(0, 400)
    moments, moments_at = interest_head.accumulate(interest_head.no_moments(), 0, wide,
                                                   targets, at)
    kernel, bias = interest_head.solve(moments)
    weights = faded(at.max() - at, HALF_LIFE_DAYS)
    ridge = Ridge(alpha=interest_head.RIDGE_ALPHA).fit(wide, targets, sample_weight=weights)
    np.testing.assert_allclose(kernel, ridge.coef_, rtol=1e-4, atol=1e-5)
    assert moments_at == at.max()
    # centred: the record's weighted mean prediction adds nothing to a logit
    assert abs(np.average(wide @ kernel + bias, weights=weights)) < 1e-5
    # and it found what the targets follow
    assert kernel[3] > 0.5 and kernel[11] < -0.25


def test_two_updates_add_up_to_one_and_older_rows_fade():
    wide, targets, at = _rows(1, 300)
    order = np.argsort(at)
    wide, targets, at = wide[order], targets[order], at[order]
    once = interest_head.accumulate(interest_head.no_moments(), 0, wide, targets, at)
    first = interest_head.accumulate(interest_head.no_moments(), 0, wide[:200], targets[:200],
                                     at[:200])
    both = interest_head.accumulate(*first, wide[200:], targets[200:], at[200:])
    np.testing.assert_allclose(both[0], once[0], rtol=1e-9)
    assert both[1] == once[1]
    # the total weight is Σ faded(age): a row HALF_LIFE_DAYS old counts half
    assert once[0][-1, -2] == pytest.approx(float(np.sum(faded(at.max() - at, HALF_LIFE_DAYS))))
    assert faded(HALF_LIFE_DAYS * DAY, HALF_LIFE_DAYS) == pytest.approx(0.5)


def test_an_update_with_nothing_new_leaves_the_moments_alone():
    moments = interest_head.no_moments() + 1.0
    same, at = interest_head.accumulate(moments, 5, np.zeros((0, WIDTH)), [], [])
    assert same is moments and at == 5
    assert interest_head.solve(interest_head.no_moments())[1] == 0.0


def test_scoring_adds_the_head_to_the_logit(rec, trained, taste):
    """The head moves a score by INTEREST_SCALE × its read of the wide columns."""
    state = trained.clone()
    videos = taste.candidates[:20]
    wide = encode(videos, state, now=state.last_event_at)[2]
    kernel = layout.view(state.weights, state.capacity, "interest/kernel")
    bias = layout.view(state.weights, state.capacity, "interest/bias")
    base = rec.score(state, videos)
    head = wide @ kernel[:, 0] + bias[0]
    kernel[:] = 0.0
    kernel[0, 0] = 1.0  # quality alone
    bias[:] = 0.0
    state.token += 1_000_000  # new weights: the slot must load them
    moved = rec.score(state, videos)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    expected = logit(base) + interest_head.INTEREST_SCALE * (wide[:, 0] - head)
    np.testing.assert_allclose(logit(moved), expected, atol=2e-3)


def test_the_first_model_fits_its_head_on_every_event(trained):
    kernel = layout.view(trained.weights, trained.capacity, "interest/kernel")
    assert np.any(kernel != 0)
    total_weight = trained.head_moments[-1, -2]
    assert 1.0 <= total_weight <= trained.examples_seen


def test_a_video_opened_and_left_counts_below_one_passed_by():
    video = Video("BV1", "t", ("游戏",), 7, "up", 600, 1000, 10, 0, 0)  # 10 minutes
    seen = lambda **kw: interest_head.enjoyment(Event("BV1", at=1, **kw), video)  # noqa: E731
    left = seen(progress=30)  # 5 % of the video
    passed = seen(passed=True)
    half = seen(progress=300)
    assert left < passed == 0.0 < half < seen(progress=-1) == 1.0
    assert left == pytest.approx((1 + interest_head.LEFT_PENALTY) * 0.05
                                 - interest_head.LEFT_PENALTY)
    assert seen(progress=30, liked=True) == 1.0
    assert seen(progress=-1, disliked=True) == 0.0
