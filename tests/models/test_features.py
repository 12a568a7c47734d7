import math

import numpy as np
import pytest

from models.encoding import encode, prepare
from models.entities import Event, Video
from models.features import (
    IGNORED_WEIGHT,
    MAX_TAGS,
    QUALITY_SCALE,
    example_weight,
    interest,
    label,
    quality_score,
    rating,
    video_tags,
)
from models.vocab import OOV, PAD, Vocab


def video(**kw) -> Video:
    base = dict(
        bvid="BV1", title="t", tags=("原神", "攻略"), author_mid=7, author_name="UP",
        duration=600, view=10_000, like=500, coin=100, favorite=200, partition=4,
    )  # fmt: skip
    base.update(kw)
    return Video(**base)


def event(**kw) -> Event:
    return Event(bvid="BV1", at=0, **kw)


# -- quality ---------------------------------------------------------------------------
def test_quality_matches_formula():
    v = video(view=10_000, like=500, favorite=200)
    lv = math.log(10_001)
    raw = 1.0 * 500 / lv + 2.0 * 200 / lv + 1.0 * lv
    assert quality_score(v) == pytest.approx(math.log1p(raw) / QUALITY_SCALE)


def test_quality_zero_views_is_zero_not_a_division_error():
    assert quality_score(video(view=0, like=5, favorite=3)) == 0.0


def test_quality_stays_in_unit_range_and_grows_with_likes():
    huge = video(view=10**9, like=10**8, favorite=10**8)
    assert 0.0 <= quality_score(video(view=1, like=0, favorite=0)) <= 1.0
    assert quality_score(huge) == 1.0
    assert quality_score(video(like=2000)) > quality_score(video(like=10))


def test_quality_ignores_negative_counts():
    assert quality_score(video(like=-5, favorite=-1)) == quality_score(video(like=0, favorite=0))


# -- interest ----------------------------------------------------------------------------
def test_interest_progress_minus_one_means_finished():
    assert interest(event(progress=-1, duration=0)) == 1.0


def test_interest_is_watch_ratio_clipped():
    assert interest(event(progress=150, duration=600)) == pytest.approx(0.25)
    assert interest(event(progress=900, duration=600)) == 1.0


def test_interest_duration_zero_falls_back_to_video_then_to_flags():
    assert interest(event(progress=300, duration=0), video(duration=600)) == pytest.approx(0.5)
    assert interest(event(progress=300, duration=0), video(duration=0)) == 0.0
    assert interest(event(progress=300, duration=0)) == 0.0
    assert interest(event(progress=300, duration=0, liked=True)) == 1.0


def test_interest_coins_count_like_likes_and_sum_is_clipped():
    assert interest(event(coined=True)) == 1.0
    assert interest(event(liked=True, faved=True, coined=True)) == 1.0


# -- label -------------------------------------------------------------------------------
def test_favourites_are_positives_even_without_progress():
    # The original gave favourites progress = duration/2 → interest 0.5 → negative.
    assert label(event(faved=True, progress=0, duration=600)) == 1
    assert label(event(faved=True, progress=300, duration=600)) == 1


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        (dict(liked=True), 1),
        (dict(coined=True), 1),
        (dict(progress=-1), 1),
        (dict(progress=300, duration=600), 1),  # exactly the 50 % threshold
        (dict(progress=299, duration=600), None),  # ambiguous middle
        (dict(progress=100, duration=600), 0),  # short view
        (dict(progress=0, duration=600), 0),
        (dict(shown_ignored=True), 0),
        (dict(disliked=True, liked=True, progress=-1), 0),  # explicit dislike wins
        (dict(progress=100, duration=0), None),  # unknown duration, no flags
    ],
)
def test_label_rules(kw, expected):
    assert label(event(**kw)) == expected


def test_ignored_picks_weigh_half_other_examples_full():
    assert example_weight(event(shown_ignored=True)) == IGNORED_WEIGHT
    assert example_weight(event(progress=10, duration=600)) == 1.0
    assert example_weight(event(disliked=True, shown_ignored=True)) == 1.0
    assert example_weight(event(liked=True)) == 1.0


# -- tags and encoding -------------------------------------------------------------------
def test_video_tags_normalise_deduplicate_and_cap():
    v = video(tags=(" 原神 ", "原神", "Genshin", "genshin", "") + tuple(f"t{i}" for i in range(20)))
    tags = video_tags(v)
    assert [k for k, _ in tags][:2] == ["原神", "genshin"]
    assert tags[0][1] == "原神"
    assert len(tags) == MAX_TAGS


def test_encode_maps_unknown_to_oov_no_tags_to_padding_and_pads_rows():
    tags, authors = Vocab(["原神"]), Vocab([7])
    videos = [video(), video(tags=(), author_mid=99)]
    tag_ids, author_ids, quality = encode(videos, tags, authors, rows=4)
    assert tag_ids.shape == (4, MAX_TAGS) and tag_ids.dtype == np.int32
    assert list(tag_ids[0, :3]) == [tags.lookup("原神"), OOV, PAD]
    assert (tag_ids[1] == PAD).all()  # no tags: all padding, still scored via the author
    assert list(author_ids) == [authors.lookup(7), OOV, PAD, PAD]
    assert quality[0, 0] == pytest.approx(quality_score(videos[0]))
    assert (tag_ids[2:] == PAD).all()


def test_prepared_candidates_encode_like_the_list_and_follow_vocab_growth():
    tags, authors = Vocab(["原神"]), Vocab([7])
    videos = [video(), video(tags=("攻略", "新标签"), author_mid=8)]
    batch = prepare(videos)
    for a, b in zip(encode(videos, tags, authors), encode(batch, tags, authors), strict=True):
        np.testing.assert_array_equal(a, b)
    tags.add("攻略")
    authors.add(8)
    tag_ids, author_ids, _ = encode(batch, tags, authors)
    assert tag_ids[1, 0] == tags.lookup("攻略") and tag_ids[1, 1] == OOV
    assert author_ids[1] == authors.lookup(8)


def test_rating_is_0_to_100():
    assert rating(0.0) == 0 and rating(1.0) == 100 and rating(0.734) == 73
    assert rating(float("nan")) == 0 and rating(2.0) == 100


def test_web_side_modules_import_without_numpy_or_tensorflow():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "for name in ('numpy', 'sklearn', 'tensorflow', 'keras'): sys.modules[name] = None\n"
        "import models, models.entities, models.vocab, models.features, models.fallback\n"
        "from models import Video, popularity_rank, quality_score, label, rating\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
