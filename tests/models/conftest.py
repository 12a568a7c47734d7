"""Shared fixtures: one Recommender (and one trained synthetic user) for the whole run,
as a worker would hold them; tests that change a state work on a clone."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from models.synthetic import Scenario, make_world, scenario  # noqa: E402


@pytest.fixture(scope="session")
def rec():
    from models.recommender import Recommender

    rec = Recommender(seed=0)
    rec.warm_up()  # as a worker would at start: the tests then exercise the warm path
    return rec


@pytest.fixture(scope="session")
def world():
    return make_world(seed=0)


@pytest.fixture(scope="session")
def taste(world) -> Scenario:
    return scenario(world, seed=101, n_history=300)


@pytest.fixture(scope="session")
def trained(rec, taste):
    """A model trained from scratch on the synthetic user's history (never mutate it)."""
    state = rec.new_state()
    report = rec.update(state, taste.history, [])
    assert report.accepted, report.reason
    return state
