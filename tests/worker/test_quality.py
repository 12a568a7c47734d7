"""A metric floor on the simulator, whose users' tastes are known: the model's hot picks
must beat ordering the same pool by views by a wide margin (a random model would not).
The full comparison with the other baselines is `python -m bench.bench_quality`."""

import datetime as dt
import statistics

from models.metrics import ndcg_of_list
from tests.conftest import log_in_directly
from worker import ml
from worker.candidates import refresh_hot
from worker.context import context_for
from worker.picks import select, split_candidates
from worker.refresh import sync_user


def test_hot_picks_beat_views_on_simulated_users(world, store):
    settings, control = world
    ctx = context_for(settings)
    refresh_hot(ctx.store, ctx.client, ctx.limits)
    model, views = [], []
    for mid in (10001, 10002, 10003):
        log_in_directly(settings, control, store, mid)
        report = sync_user(ctx, mid)
        while report.backfill_pending or report.metadata_missing:
            report = sync_user(ctx, mid)
        state, outcome = ml.train(store, mid)
        assert outcome.trained
        doc = ml.score(store, mid, state, today=dt.date(2026, 11, 28), per_list=20)
        hot, _ = split_candidates({s: store.pools.hot(s) for s in ("hot", "weekly", "ranking")},
                                  [])
        seen = store.events.touched(mid)
        pool = [c for c in hot if c.bvid not in seen]
        truth = control("POST", f"/truth/{mid}/relevance",
                        json={"bvids": [c.bvid for c in pool]}).json()["relevance"]
        gains = {c.bvid: truth.get(c.bvid) or 0.0 for c in pool}
        model.append(ndcg_of_list([p["bvid"] for p in doc["hot"]], gains))
        by_views = select(pool, {c.bvid: float(c.view) for c in pool}, n=10, exclude=seen,
                          recent=set())
        views.append(ndcg_of_list([c.bvid for c in by_views], gains))
    assert statistics.mean(model) > 2 * statistics.mean(views)
    assert statistics.mean(model) > 0.3
