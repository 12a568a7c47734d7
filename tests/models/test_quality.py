"""Metric floor on the synthetic taste world: users with known latent topic tastes.

The model must rank a popularity-drawn candidate pool (a "hot list") by the user's true
interest clearly better than ordering by views — a floor that random scores and an
untrained network fail.
"""

import numpy as np
import pytest

from models.metrics import ndcg_at_k
from models.synthetic import scenario

USERS = (201, 202, 203, 204)


@pytest.fixture(scope="module")
def results(rec, world):
    rng = np.random.default_rng(0)
    out = {"model": [], "views": [], "random": [], "untrained": []}
    for seed in USERS:
        sc = scenario(world, seed=seed, n_history=300)
        state = rec.new_state()
        untrained = rec.new_state()
        untrained.grow([t for _, v in sc.history for t in v.tags], [], seed=0)
        untrained.trained = True  # score with the initial weights
        assert rec.update(state, sc.history, []).accepted
        out["model"].append(ndcg_at_k(rec.score(state, sc.candidates), sc.gains))
        out["views"].append(ndcg_at_k([v.view for v in sc.candidates], sc.gains))
        out["random"].append(ndcg_at_k(rng.random(len(sc.candidates)), sc.gains))
        out["untrained"].append(ndcg_at_k(rec.score(untrained, sc.candidates), sc.gains))
    return {k: float(np.mean(v)) for k, v in out.items()}


def floor(results) -> float:
    return max(1.5 * results["views"], results["views"] + 0.25)


def test_model_beats_ordering_by_views_by_a_clear_margin(results):
    assert results["model"] >= floor(results), results


def test_the_floor_fails_for_random_and_untrained_models(results):
    assert results["random"] < floor(results), results
    assert results["untrained"] < floor(results), results
