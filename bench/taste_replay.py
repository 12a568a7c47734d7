"""A training change judged in minutes, over several seeds: record ``bench.bench_taste``'s
simulated week once (each update's examples exactly as the worker handed them over, each
day's pool with its true relevance and the baselines' NDCG@10), then replay the updates
with the model code of the working tree and rank the recorded pools.

Why: one ``bench_taste`` run takes about 8 minutes a setting, and the same code with
another seed (another initialisation of the first model) moves a day's figure by ±0.02,
so a change worth 0.01 cannot be told from a lucky seed in one run. A replay takes about
half a minute a seed and setting (12 users × 8 days), and the mean over seeds (the range
is printed) takes the seed's luck out.

    python -m bench.taste_replay record DIR [--users 12] [--days 8] [--settings topic,rich]
                                            [--world 11]
    python -m bench.taste_replay replay DIR [--seeds 0,1,2] [--days 8]

Seed 0 is the worker's own, so with unchanged code it gives the recorded run's figure to
the last digit: the check that a recording and the code still agree. What a replay does
not redo: the simulated users' behaviour (a change that would have shown other picks, and
so made other 'shown' negatives the next day, is replayed against the recorded ones), and
the baselines (they do not depend on the model).
"""

from __future__ import annotations

import argparse
import logging
import pickle
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from bench.bench_taste import WORLD, simulate_week
from bench.harness import figure
from models.metrics import ndcg_of_list
from store import VideoRecord
from worker.convert import model_video
from worker.picks import select

BASELINES = ("tag_count", "author_count", "logreg", "hgb")


@dataclass
class Recording:
    """One setting's week: per (day, mid) the updates' inputs and the day's pool."""

    updates: dict[tuple[int, int], list[tuple[dict, list, list]]] = field(default_factory=dict)
    pools: dict[tuple[int, int], dict] = field(default_factory=dict)

    def train(self, day: int, mid: int, follows: dict[int, int], new: list,
              replay: list) -> None:
        self.updates.setdefault((day, mid), []).append((dict(follows), list(new), list(replay)))

    def pool(self, day: int, mid: int, records: list[VideoRecord], gains: dict[str, float],
             now: int, follows: dict[int, int], figures: dict[str, float]) -> None:
        self.pools[(day, mid)] = dict(records=records, gains=gains, now=now, follows=follows,
                                      figures=figures)


def record(directory: Path, taste: str, n_users: int, days: int, seed: int = WORLD) -> None:
    recording = Recording()
    simulate_week(taste, n_users, days, seed, recorder=recording)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f"{taste}.pickle", "wb") as f:
        # plain dicts: the class is ``__main__.Recording`` under ``python -m``
        pickle.dump(vars(recording), f)


def replay(recording: Recording, seed: int, days: int) -> dict[tuple[int, int], float]:
    """NDCG@10 of the replayed model on each recorded pool (days after ``days`` left out;
    pools before a first model are skipped, as in ``bench_taste``)."""
    from models.recommender import Recommender  # noqa: PLC0415 - TensorFlow loads here

    rec = Recommender(seed=seed, threads=1)
    out = {}
    for mid in sorted({m for _, m in recording.pools}):
        state = rec.new_state()
        for day in range(days):
            for follows, new, old in recording.updates.get((day, mid), []):
                state.set_follows(follows)
                rec.update(state, new, old)
            pool = recording.pools.get((day, mid))
            if pool is None or not state.trained:
                continue
            state.set_follows(pool["follows"])
            records = pool["records"]
            probs = rec.score(state, [model_video(r) for r in records], now=pool["now"])
            scores = {r.bvid: float(p) for r, p in zip(records, probs, strict=True)}
            ranking = select(records, scores, n=10, exclude=set(), recent=set())
            out[(day, mid)] = ndcg_of_list([r.bvid for r in ranking], pool["gains"])
    return out


def report(taste: str, recording: Recording, seeds: list[int], days: int) -> None:
    runs = [replay(recording, seed, days) for seed in seeds]
    model, best_by_day, ratios = [], [], []
    for day in range(days):
        keys = [k for k in runs[0] if k[0] == day]
        if not keys:
            continue
        per_seed = [statistics.mean(run[k] for k in keys) for run in runs]
        base = {n: statistics.mean(recording.pools[k]["figures"][n] for k in keys)
                for n in (*BASELINES, "model", "oracle")}
        best = max(BASELINES, key=base.__getitem__)
        mean = statistics.mean(per_seed)
        model.append(mean)
        best_by_day.append(base[best])
        ratio = (base["oracle"] - mean) / max(base["oracle"] - base["tag_count"], 1e-9)
        ratios.append(ratio)
        print(f"# {taste} day {day}: model {mean:.3f} (seeds {min(per_seed):.3f}–"
              f"{max(per_seed):.3f}; recorded run {base['model']:.3f})  best baseline "
              f"{base[best]:.3f} ({best})  tag counter {base['tag_count']:.3f}  "
              f"shortfall ratio {ratio:.2f}", flush=True)
    figure(f"replay_{taste}_model_ndcg10", statistics.mean(model), "",
           f"mean over days and seeds {seeds}")
    figure(f"replay_{taste}_shortfall_ratio", max(ratios), "", "worst day (goal ≤ 0.6)")
    figure(f"replay_{taste}_model_lead_days",
           sum(m > b for m, b in zip(model, best_by_day, strict=True)), "",
           f"days the model beats every baseline, of {len(model)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=("record", "replay"))
    parser.add_argument("directory", type=Path)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--settings", default="topic,rich")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--world", type=int, default=WORLD,
                        help="the simulated world's seed (record): judge on a second world too")
    args = parser.parse_args()
    for taste in args.settings.split(","):
        if args.command == "record":
            record(args.directory, taste, args.users, args.days, args.world)
            continue
        with open(args.directory / f"{taste}.pickle", "rb") as f:
            recording = Recording(**pickle.load(f))  # noqa: S301 - a file this command wrote
        report(taste, recording, [int(s) for s in args.seeds.split(",")], args.days)


if __name__ == "__main__":
    logging.disable(logging.WARNING)
    main()
