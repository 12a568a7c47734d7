import math

import numpy as np
import pytest

from models.affinity import COLUMNS, COUNT_SCALE, WIDTH
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
from models.state import TasteStats, UserModelState
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


def _state(tags: Vocab, authors: Vocab, stats: TasteStats | None = None) -> UserModelState:
    # encode reads the vocabularies and the facts only, never the weights
    return UserModelState(tags, authors, 256, np.zeros(1, np.float32), stats or TasteStats())


def test_encode_maps_unknown_to_oov_no_tags_to_padding_and_pads_rows():
    tags, authors = Vocab(["原神"]), Vocab([7])
    videos = [video(), video(tags=(), author_mid=99)]
    tag_ids, author_ids, wide = encode(videos, _state(tags, authors), rows=4, now=0)
    assert tag_ids.shape == (4, MAX_TAGS) and tag_ids.dtype == np.int32
    assert list(tag_ids[0, :3]) == [tags.lookup("原神"), OOV, PAD]
    assert (tag_ids[1] == PAD).all()  # no tags: all padding, still scored via the author
    assert list(author_ids) == [authors.lookup(7), OOV, PAD, PAD]
    assert wide.shape == (4, WIDTH)
    assert wide[0, COLUMNS.index("quality")] == pytest.approx(quality_score(videos[0]))
    assert (tag_ids[2:] == PAD).all() and (wide[2:] == 0).all()


def test_prepared_candidates_encode_like_the_list_and_follow_vocab_growth():
    tags, authors = Vocab(["原神"]), Vocab([7])
    state = _state(tags, authors)
    videos = [video(), video(tags=("攻略", "新标签"), author_mid=8)]
    batch = prepare(videos)
    for a, b in zip(encode(videos, state, now=0), encode(batch, state, now=0), strict=True):
        np.testing.assert_array_equal(a, b)
    tags.add("攻略")
    authors.add(8)
    tag_ids, author_ids, _ = encode(batch, state, now=0)
    assert tag_ids[1, 0] == tags.lookup("攻略") and tag_ids[1, 1] == OOV
    assert author_ids[1] == authors.lookup(8)


def _col(wide: np.ndarray, name: str) -> np.ndarray:
    return wide[:, COLUMNS.index(name)]


def test_wide_columns_follow_the_users_record():
    stats = TasteStats(
        tag_pos={"原神": 9, "攻略": 3}, tag_neg={"攻略": 6, "鬼畜": 5},
        author_pos={7: 4}, author_neg={8: 2}, partitions={4: 6, 17: 2},
    )  # fmt: skip
    liked = video(bvid="a")
    skipped = video(bvid="b", tags=("鬼畜",), author_mid=8, partition=17)
    unknown = video(bvid="c", tags=("没见过",), author_mid=99, partition=None)
    state = _state(Vocab(), Vocab(), stats)
    wide = encode([liked, skipped, unknown], state, now=0)[2]
    for name in ("author_pos", "tag_pos", "tag_precision", "tag_count", "partition_share"):
        assert _col(wide, name)[0] > _col(wide, name)[1] >= _col(wide, name)[2] == 0, name
    assert _col(wide, "author_neg")[1] > 0 == _col(wide, "author_neg")[0]
    assert _col(wide, "tag_neg")[1] > _col(wide, "tag_neg")[0] > 0
    assert _col(wide, "partition_share")[0] == pytest.approx(6 / 8)
    # the tag counter of docs/model.md is one column: Σ tag positives + 3 × UP主 positives
    assert _col(wide, "tag_count")[0] == pytest.approx(math.log1p(12 + 3 * 4) / COUNT_SCALE)


def test_a_training_example_does_not_count_itself():
    """A video that is the only positive of its UP主 and tags looks, to the wide part,
    like one the user never met (leave-one-out), so the label cannot leak in."""
    stats = TasteStats(tag_pos={"原神": 1, "攻略": 1}, author_pos={7: 1}, partitions={4: 1})
    state = _state(Vocab(), Vocab(), stats)
    own = encode([video()], state, now=0, counted=np.array([1.0]))[2]
    for name in ("author_pos", "tag_pos", "tag_count", "partition_share"):
        assert _col(own, name)[0] == 0, name
    as_candidate = encode([video()], state, now=0)[2]
    assert _col(as_candidate, "author_pos")[0] > 0 and _col(as_candidate, "tag_pos")[0] > 0


def test_age_grows_with_days_since_upload_and_is_zero_when_unknown():
    day = 86400
    videos = [video(pubdate=100 * day), video(pubdate=99 * day), video(pubdate=0)]
    ages = _col(encode(videos, _state(Vocab(), Vocab()), now=101 * day)[2], "age")
    assert 0 < ages[0] < ages[1] <= 1 and ages[2] == 0
    per_row = _col(encode(videos[:2], _state(Vocab(), Vocab()),
                          now=np.array([100 * day, 101 * day]))[2], "age")
    assert per_row[0] == 0 and per_row[1] == pytest.approx(ages[1])


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
        "import models.signals, store  # the store reads the signals table\n"
        "from models import Video, popularity_rank, quality_score, label, rating\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
