"""The model against every simple baseline, by day, on both taste settings of the
simulator, with the hot pool's tags known (every candidate's tags fetched).

For each setting (``topic``: the original world, taste nearly pure topic; ``rich``: UP主,
quality, popularity, duration and drifting interests matter too — ``simulator.tastes``)
a simulated week of daily refreshes as ``bench.week`` runs them, and per day the mean
NDCG@10 over users of the hot pool (not watched, earlier picks included) ranked by the
model and by each baseline of ``bench.baselines``, the pool oracle included. Then:

  shortfall_ratio  (oracle − model) / (oracle − tag counter), worst day (goal ≤ 0.6)
  tag_vs_oracle    tag counter / oracle, mean over the days (goal on ``rich`` ≤ 0.6)

    python -m bench.bench_taste [--users N] [--days D] [--settings topic,rich] [--world 11]
"""

from __future__ import annotations

import argparse
import logging
import statistics
from typing import TYPE_CHECKING

from bench.harness import bench_world, figure
from bench.week import DayFigures, simulate_days, week_context
from worker.context import context_for

if TYPE_CHECKING:
    from bench.taste_replay import Recording

RANKERS = ("model", "tag_count", "author_count", "logreg", "hgb", "oracle")
FIRST_MID = 10001
WORLD = 11  # the simulated world's seed unless asked for another (``--world``)


def simulate_week(taste: str, n_users: int, days: int, seed: int = WORLD,
                  recorder: Recording | None = None) -> list[DayFigures]:
    """The users' days on a world of the ``taste`` setting, every hot candidate's tags
    known, with the baselines' figures (``bench.week``'s diagnostics)."""
    with bench_world(n_users=n_users, seed=seed, bilibili_rps=1000.0, taste=taste,
                     tag_fetch_per_pool=100_000) as b:
        ctx, clock = week_context(context_for(b.settings), b.control)
        mids = list(range(FIRST_MID, FIRST_MID + n_users))
        for mid in mids:
            b.log_in(mid)
        return simulate_days(ctx, b.control, mids, days, clock, diagnostics=True,
                             recorder=recorder)


def run(taste: str, n_users: int, days: int, seed: int = WORLD) -> dict[str, list[float]]:
    """Per ranker, the mean NDCG@10 of each day."""
    out = simulate_week(taste, n_users, days, seed)
    return {name: [statistics.mean(d.ndcg.get(f"{name}_all") or [float("nan")]) for d in out]
            for name in RANKERS}


def report(taste: str, per_day: dict[str, list[float]]) -> None:
    for name, values in per_day.items():
        figure(f"taste_{taste}_{name}_ndcg10", statistics.mean(values), "",
               "mean over days; by day: " + " ".join(f"{v:.3f}" for v in values))
    oracle, model, tag = per_day["oracle"], per_day["model"], per_day["tag_count"]
    ratios = [(o - m) / max(o - t, 1e-9) for o, m, t in zip(oracle, model, tag, strict=True)]
    figure(f"taste_{taste}_shortfall_ratio", max(ratios), "",
           "(oracle − model)/(oracle − tag counter), worst day; by day: "
           + " ".join(f"{v:.2f}" for v in ratios))
    best = [max(per_day[n][i] for n in RANKERS if n not in ("model", "oracle"))
            for i in range(len(model))]
    figure(f"taste_{taste}_model_lead_days", sum(m > b for m, b in zip(model, best, strict=True)),
           "", f"days the model beats every baseline, of {len(model)}")
    figure(f"taste_{taste}_tag_vs_oracle",
           statistics.mean(t / o for t, o in zip(tag, oracle, strict=True)), "",
           "tag counter / oracle NDCG@10, mean over the days")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=6)
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--settings", default="topic,rich")
    parser.add_argument("--world", type=int, default=WORLD, help="the simulated world's seed")
    args = parser.parse_args()
    for taste in args.settings.split(","):
        report(taste, run(taste, args.users, args.days, args.world))


if __name__ == "__main__":
    logging.disable(logging.WARNING)
    main()
