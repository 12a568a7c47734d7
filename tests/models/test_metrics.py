import pytest

from models.entities import Video
from models.metrics import ndcg_at_k, tag_count_scores


def test_ndcg_perfect_reversed_and_empty():
    gains = [3, 2, 1, 0]
    assert ndcg_at_k([4, 3, 2, 1], gains, k=3) == pytest.approx(1.0)
    assert ndcg_at_k([1, 2, 3, 4], gains, k=3) < 0.5
    assert ndcg_at_k([1, 2], [0, 0]) == 0.0


def test_tag_count_baseline_counts_tags_and_three_times_the_author():
    pos = [
        Video("a", "", ("x", "y"), 1, "", 1, 1, 0, 0, 0),
        Video("b", "", ("x",), 2, "", 1, 1, 0, 0, 0),
    ]
    cands = [
        Video("c", "", ("x",), 9, "", 1, 1, 0, 0, 0),
        Video("d", "", ("z",), 1, "", 1, 1, 0, 0, 0),
    ]
    assert list(tag_count_scores(pos, cands)) == [2.0, 3.0]


def test_roc_auc_equals_scikit_learn_including_ties():
    import numpy as np
    from sklearn.metrics import roc_auc_score

    from models.metrics import roc_auc

    rng = np.random.default_rng(0)
    for _ in range(20):
        n = int(rng.integers(4, 60))
        y = rng.integers(0, 2, n)
        y[:2] = [0, 1]
        scores = rng.integers(0, 5, n) / 4.0  # many ties
        assert roc_auc(y, scores) == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
    with pytest.raises(ValueError):
        roc_auc([1, 1], [0.2, 0.3])


def test_ndcg_of_list_matches_ndcg_at_k_on_the_same_order():
    from models.metrics import ndcg_at_k, ndcg_of_list

    gains = {"a": 1.0, "b": 0.0, "c": 0.5, "d": 0.2}
    assert ndcg_of_list(["a", "c", "d"], gains, k=3) == 1.0
    assert ndcg_of_list(["b", "d"], gains, k=2) == ndcg_at_k([0, 4, 0, 3], [1, 0, 0.5, 0.2], 2)
