"""A metric floor on the simulator's rich tastes (UP主, quality, popularity, length and
drifting interests as well as topic), whose truth is known: the model must lead what a
counter or a plain learner makes of the same events. The published picks' lead over tag
counting on the topic world is held in ``tests/worker/test_week.py``; the whole comparison
is ``python -m bench.bench_taste``."""

import statistics
from dataclasses import replace

import pytest
import requests

from bench.week import simulate_days, week_context
from settings import Settings
from tests.support import ServerThread, log_in_directly
from worker.context import context_for

RICH_MIDS = (10001, 10002, 10003)


@pytest.fixture
def rich_world(fast_settings: Settings):  # (settings, control)
    """A world of the rich taste setting (simulator.tastes): UP主, quality, popularity,
    length and drifting interests matter as well as topic."""
    from simulator.app import create_app

    server = ServerThread(create_app(seed=11, taste="rich"))
    settings = replace(fast_settings, api_base=server.url, passport_base=server.url,
                       www_base=server.url, tag_fetch_per_pool=100_000)

    def control(method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{server.url}/_sim{path}", timeout=60, **kwargs)

    yield settings, control
    context_for.cache_clear()
    server.stop()


def test_model_beats_every_baseline_on_a_rich_week(rich_world, store):
    """Two simulated days with every hot candidate's tags known: on the whole not-watched
    hot pool the model ranks better each day than the tag counter and scikit-learn's
    HistGradientBoostingClassifier, and over the two days than the UP主 counter (the best
    baseline on this setting) and its LogisticRegression, both learners trained on the
    same columns and events."""
    settings, control = rich_world
    ctx, clock = week_context(context_for(settings), control)
    for mid in RICH_MIDS:
        log_in_directly(settings, control, store, mid)
    days = simulate_days(ctx, control, list(RICH_MIDS), 2, clock, diagnostics=True)
    means = []
    for n, day in enumerate(days):
        mean = {name: statistics.mean(v) for name, v in day.ndcg.items() if name.endswith("_all")}
        assert len(day.ndcg["hgb_all"]) == len(RICH_MIDS), (n, mean)
        assert mean["model_all"] > mean["tag_count_all"], (n, mean)
        assert mean["model_all"] > mean["hgb_all"], (n, mean)
        assert mean["oracle_all"] > mean["model_all"], (n, mean)
        means.append(mean)
    # by a margin over the two days (training is not bit-for-bit repeatable: ±0.03 a day)
    model = statistics.mean(m["model_all"] for m in means)
    assert model > statistics.mean(m["tag_count_all"] for m in means) + 0.05, means
    # the UP主 counter, the best baseline here: 0.68–0.73 against 0.61 over the two days in
    # four runs (a day alone went as low as 0.62)
    assert model > statistics.mean(m["author_count_all"] for m in means) + 0.03, means
    # logistic regression on the same columns misses what drifted and who is avoided
    # (0.53 against the model's 0.70 on bench_taste's 6 users × 8 days)
    assert model > statistics.mean(m["logreg_all"] for m in means) + 0.05, means
