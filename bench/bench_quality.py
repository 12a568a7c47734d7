"""Recommendation quality on the simulator, whose users' tastes are known (hidden topics,
favourite UP主, a taste for quality; never read by the model).

For each simulated user: a complete sync, the model trained as the worker trains it, then
today's picks. The hot picks are compared by NDCG@10 (graded relevance from the
simulator's oracle, ideal = the same pool ordered by true relevance) with three rankers of
the same pool under the same rules (nothing watched, ≤ 2 per UP主):
  by_views          the pool ordered by views
  quality_baseline  the stand-in ranker of the sync issue: quality score alone
  tag_count         how often a candidate's tags, and 3× its UP主, occur among the
                    user's positives (liked, coined, favourited, finished)
picks_p10: share of the top 10 of each list (热门精选, 兴趣探索) the user would enjoy
(relevance ≥ the simulator's "enjoy" threshold). auc: held-out AUC of the training run.

    python -m bench.bench_quality
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics

from bench.harness import bench_world, figure
from models.features import label, quality_score
from models.metrics import ndcg_of_list, tag_count_scores
from store import Store
from worker import ml
from worker.candidates import refresh_hot
from worker.context import context_for
from worker.convert import merge_events, model_video
from worker.picks import select, split_candidates
from worker.refresh import sync_user

N_USERS = 10
FIRST_MID = 10001
TODAY = dt.date(2026, 11, 28)


def tag_count(store: Store, mid: int, pool) -> dict[str, float]:  # noqa: ANN001
    """DESIGN.md's plain baseline, fed with the user's positives as the model sees them."""
    merged = merge_events(store.events.all(mid))
    records = store.videos.get_many(list(merged))
    positives = [model_video(records[b]) for b, e in merged.items()
                 if b in records and label(e, model_video(records[b])) == 1]
    scores = tag_count_scores(positives, [model_video(c) for c in pool])
    return {c.bvid: float(s) for c, s in zip(pool, scores, strict=True)}


def main() -> None:
    per_ranker: dict[str, list[float]] = {}
    p10: list[float] = []
    aucs: list[float] = []
    with bench_world(n_users=N_USERS, bilibili_rps=1000.0) as b:
        ctx = context_for(b.settings)
        refresh_hot(ctx.store, ctx.client, ctx.limits)
        for mid in range(FIRST_MID, FIRST_MID + N_USERS):
            b.log_in(mid)
            report = sync_user(ctx, mid)
            while report.backfill_pending or report.metadata_missing:
                report = sync_user(ctx, mid)
            state, outcome = ml.train(ctx.store, mid)
            if outcome.auc is not None:
                aucs.append(outcome.auc)
            doc = ml.score(ctx.store, mid, state, today=TODAY, per_list=20)
            hot_pools = {s: ctx.store.pools.hot(s) for s in ("hot", "weekly", "ranking")}
            hot, explore = split_candidates(hot_pools, ctx.store.pools.user(mid))
            seen = {e.bvid for e in ctx.store.events.all(mid)}
            pool = [c for c in hot if c.bvid not in seen]
            truth = b.control("POST", f"/truth/{mid}/relevance",
                              json={"bvids": [c.bvid for c in hot + explore]}).json()
            relevance = truth["relevance"]
            gains = {c.bvid: relevance.get(c.bvid) or 0.0 for c in pool}
            rankers = {
                "model": [p["bvid"] for p in doc["hot"]],
                "by_views": {c.bvid: float(c.view) for c in pool},
                "quality_baseline": {c.bvid: quality_score(model_video(c)) for c in pool},
                "tag_count": tag_count(ctx.store, mid, pool),
            }
            for name, ranking in rankers.items():
                if isinstance(ranking, dict):
                    chosen = select(pool, ranking, n=10, exclude=seen, recent=set())
                    ranking = [c.bvid for c in chosen]
                per_ranker.setdefault(name, []).append(ndcg_of_list(ranking, gains))
            enjoy = b.control("GET", f"/truth/{mid}").json().get("future_min_relevance", 0.35)
            top = [p["bvid"] for p in doc["hot"][:10]] + [p["bvid"] for p in doc["explore"][:10]]
            if top:
                p10.append(sum((relevance.get(x) or 0) >= enjoy for x in top) / len(top))
    mean = {k: statistics.mean(v) for k, v in per_ranker.items()}
    n = f"mean over {N_USERS} simulated users"
    figure("hot_ndcg10", mean["model"], "", n)
    figure("hot_ndcg10_by_views", mean["by_views"], "", n)
    figure("hot_ndcg10_quality_baseline", mean["quality_baseline"], "", n)
    figure("hot_ndcg10_tag_count", mean["tag_count"], "", n)
    figure("picks_p10", statistics.mean(p10), "", "top 10 of each list; relevance ≥ enjoy")
    figure("heldout_auc", statistics.mean(aucs) if aucs else float("nan"), "",
           f"{len(aucs)} users with a held-out slice of both classes")


if __name__ == "__main__":
    logging.disable(logging.WARNING)
    main()
