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
(relevance ≥ the simulator's "enjoy" threshold); picks_p10_merged: the same for the ten
best-rated of both lists together. auc: the stored models' held-out AUC over the week.

Then a simulated week of daily refreshes (``bench.week``: the project's clock moves a day
per simulated day): hot_ndcg10_day7 against the tag counter on the same day, and
repeat_share_7d, the share of a day's picks already picked in the 7 days before (the
worst day of the week).

    python -m bench.bench_quality
"""

from __future__ import annotations

import logging
import statistics

from bench.harness import bench_world, figure
from bench.week import DayFigures, simulate_days, week_context
from worker.context import context_for

N_USERS = 10
FIRST_MID = 10001
DAYS = 7


def main() -> None:
    with bench_world(n_users=N_USERS, bilibili_rps=1000.0) as b:
        ctx, clock = week_context(context_for(b.settings), b.control)
        mids = list(range(FIRST_MID, FIRST_MID + N_USERS))
        for mid in mids:
            b.log_in(mid)
        days = simulate_days(ctx, b.control, mids, DAYS, clock, diagnostics=True)
    first, last = days[0], days[-1]
    n = f"mean over {N_USERS} simulated users"
    mean = {k: statistics.mean(v) for k, v in first.ndcg.items()}
    figure("hot_ndcg10", mean["model"], "", n + "; first picks")
    figure("hot_ndcg10_by_views", mean["by_views"], "", n)
    figure("hot_ndcg10_quality_baseline", mean["quality_baseline"], "", n)
    figure("hot_ndcg10_tag_count", mean["tag_count"], "", n)
    figure("picks_p10", statistics.mean(first.p10), "", "top 10 of each list; relevance ≥ enjoy")
    figure("picks_p10_merged", statistics.mean(first.p10_merged), "",
           "ten best-rated of hot + explore; relevance ≥ enjoy")
    aucs = [a for d in days for a in d.aucs]
    figure("heldout_auc", statistics.mean(aucs) if aucs else float("nan"), "",
           f"the stored models over the {DAYS} days, {len(aucs)} user-days with one (a "
           "first model trains on every event and has none)")
    per_day = [statistics.mean(d.ndcg["model"]) for d in days]
    figure(f"hot_ndcg10_day{DAYS}", per_day[-1], "",
           "by day: " + " ".join(f"{v:.3f}" for v in per_day))
    figure(f"hot_ndcg10_tag_count_day{DAYS}", statistics.mean(last.ndcg["tag_count"]), "",
           "by day: " + " ".join(f"{statistics.mean(d.ndcg['tag_count']):.3f}" for d in days))
    for name in ("model_all", "tag_count_all", "author_count_all", "logreg_all", "hgb_all",
                 "oracle_all"):  # diagnostics: no 7-day rule; baselines: bench.baselines
        if all(d.ndcg.get(name) for d in days):
            per = [statistics.mean(d.ndcg[name]) for d in days]
            figure(f"hot_ndcg10_{name}_day{DAYS}", per[-1], "",
                   "not-watched pool, earlier picks included; by day: "
                   + " ".join(f"{v:.3f}" for v in per))
    figure("hot_untagged_share", statistics.mean(first.untagged), "",
           "share of the ranked hot pool without tags; by day: "
           + " ".join(f"{statistics.mean(d.untagged):.3f}" for d in days))
    figure(f"picks_p10_merged_day{DAYS}", statistics.mean(last.p10_merged), "",
           "by day: " + " ".join(f"{statistics.mean(d.p10_merged):.3f}" for d in days))
    repeats = [_share(d) for d in days[1:]]
    figure("repeat_share_7d", max(repeats), "",
           "worst day; by day: " + " ".join(f"{v:.3f}" for v in repeats)
           + f"; lists out of order: {sum(d.out_of_order for d in days)}"
           + f"; short lists: {sum(d.short_lists for d in days)}")


def _share(day: DayFigures) -> float:
    return statistics.mean(day.repeats) if day.repeats else 0.0


if __name__ == "__main__":
    logging.disable(logging.WARNING)
    main()
