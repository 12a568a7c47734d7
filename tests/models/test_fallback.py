import pytest

from models.entities import Video
from models.fallback import partition_counts, popularity_rank
from models.features import quality_score


def v(bvid, partition, view=10_000, like=300, favorite=50):
    return Video(bvid, "t", (), 1, "u", 100, view, like, 0, favorite, partition)


def test_quality_alone_without_counts():
    good, poor = v("a", 1, like=2000, favorite=800), v("b", 1, like=1, favorite=0)
    scores = popularity_rank([poor, good])
    assert scores[1] > scores[0]
    assert scores[0] == pytest.approx(0.6 * quality_score(poor))


def test_partition_popularity_reorders_similar_quality():
    counts = partition_counts([v("w1", 3), v("w2", 3), v("w3", 5)])
    assert counts == {3: 2, 5: 1}
    scores = popularity_rank([v("x", 5), v("y", 3), v("z", None), v("q", 9)], counts)
    assert scores[1] > scores[0] > scores[2] == scores[3]
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_empty_inputs():
    assert popularity_rank([], {1: 3}) == []
    assert partition_counts([]) == {}
