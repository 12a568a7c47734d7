import numpy as np
import pytest

from models.entities import Video
from models.state import UntrainedModelError


def _novel(n: int) -> list[Video]:
    return [
        Video(
            f"Z{i}", "?", (f"从没见过{i}", "另一个新标签"), 10**9 + i, "新人", 60, 100 + i, 1, 0, 0
        )
        for i in range(n)
    ]


def test_unseen_tags_and_authors_are_scored_not_dropped(rec, trained, taste):
    videos = taste.candidates[:5] + _novel(3)
    videos.append(Video("Y", "no tags", (), 10**9, "新人", 60, 100, 1, 0, 0))
    probs = rec.score(trained, videos)
    assert probs.shape == (len(videos),)
    assert np.all((probs > 0) & (probs < 1))


def test_scores_depend_on_position_only_through_the_video(rec, trained, taste):
    videos = taste.candidates[:30]
    forward = rec.score(trained, videos)
    backward = rec.score(trained, videos[::-1])[::-1]
    np.testing.assert_allclose(forward, backward, rtol=1e-6)


def test_prepared_pool_scores_like_the_list(rec, trained, taste):
    pool = rec.prepare(taste.candidates)
    np.testing.assert_array_equal(rec.score(trained, pool), rec.score(trained, taste.candidates))


def test_empty_and_large_candidate_lists(rec, trained, taste):
    assert rec.score(trained, []).shape == (0,)
    many = (taste.candidates * 21)[:4100]  # beyond the largest bucket: chunked
    probs = rec.score(trained, many)
    assert probs.shape == (4100,)
    # float32 sums in another batch shape: equal to a few ulps, not bit for bit
    np.testing.assert_allclose(probs[:200], rec.score(trained, taste.candidates), rtol=1e-5)


def test_untrained_state_refuses_to_score(rec, taste):
    with pytest.raises(UntrainedModelError):
        rec.score(rec.new_state(), taste.candidates[:3])


def test_a_new_user_is_served_without_retracing(rec, world, trained, taste):
    from models.synthetic import scenario

    other = scenario(world, seed=303, n_history=120)
    warm = rec.load(rec.dump(trained))
    rec.update(warm, taste.history[-40:], taste.history[:100])
    rec.score(warm, taste.candidates)
    slot = rec.slot(trained.capacity)
    functions = (slot._update, slot._forward, slot._assign, slot._read)
    before = [f.experimental_get_tracing_count() for f in functions]
    fresh = rec.new_state()
    rec.update(fresh, other.history, [])
    stranger = rec.load(rec.dump(fresh))
    rec.update(stranger, other.history[-40:], other.history[:100])
    rec.score(stranger, other.candidates)
    rec.explain_many(stranger, other.candidates[:5])
    assert [f.experimental_get_tracing_count() for f in functions] == before
