"""Micro-benchmarks of ``models/`` (no Redis): ``python -m bench.bench_models``.

Every figure is measured in this one process and run, after a warm-up that is not
counted, as the median over repeats; ``--quick`` uses fewer repeats and users. The data
come from the synthetic taste world (models.synthetic), so quality figures are measured
against users whose tastes are known.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from models.encoding import encode  # noqa: E402
from models.entities import Event, Video  # noqa: E402
from models.features import label  # noqa: E402
from models.metrics import ndcg_at_k, tag_count_scores  # noqa: E402
from models.recommender import Recommender  # noqa: E402
from models.synthetic import (  # noqa: E402
    World,
    exposure,
    make_user,
    make_world,
    scenario,
    simulate_events,
)
from models.training import select_replay  # noqa: E402

Pairs = list[tuple[Event, Video]]


def figure(name: str, value: float | int, unit: str = "", note: str = "") -> None:
    text = f"{value:.3g}" if isinstance(value, float) else str(value)
    line = f"{name}: {text}" + (f" {unit}" if unit else "")
    print(line + (f"  # {note}" if note else ""), flush=True)


def median_ms(fn: Callable[[], object], repeats: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class UserPool:
    """Trained synthetic users as stored bytes, each with fresh events for one update."""

    def __init__(self, rec: Recommender, world: World, seeds: range, n_history: int) -> None:
        self.world = world
        self.blobs: list[bytes] = []
        self.histories: list[Pairs] = []
        self.users = []
        for seed in seeds:
            rng = np.random.default_rng(seed)
            user = make_user(world, seed)
            shown = rng.choice(
                len(world.videos), size=n_history, replace=False, p=exposure(world, user)
            )
            history = simulate_events(world, user, shown, rng)
            state = rec.new_state()
            report = rec.update(state, history, [])
            if not report.accepted:
                continue
            self.blobs.append(rec.dump(state))
            self.histories.append(history)
            self.users.append(user)

    def new_events(self, i: int, n: int, salt: int) -> tuple[Pairs, Pairs]:
        k = i % len(self.blobs)
        rng = np.random.default_rng([k, salt])
        shown = rng.choice(
            len(self.world.videos), size=n, replace=False, p=exposure(self.world, self.users[k])
        )
        start = self.histories[k][-1][0].at + 60
        new = simulate_events(self.world, self.users[k], shown, rng, start=start)
        return new, select_replay(self.histories[k], seed=salt)


def bench_scoring(rec: Recommender, pool: UserPool, repeats: int) -> None:
    state = rec.load(pool.blobs[0])
    videos = list(pool.world.videos[:1000])
    prepared = rec.prepare(videos)
    compiled = median_ms(lambda: rec.score(state, prepared), repeats)
    from_list = median_ms(lambda: rec.score(state, videos), repeats)
    slot = rec.slot(state.capacity)
    slot.load(state.token, state.weights)

    def eager():
        inputs = encode(prepared, state, now=state.last_event_at)
        logits, _ = slot.model(inputs)
        return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))

    eager_ms = median_ms(eager, repeats)
    np.testing.assert_allclose(eager(), rec.score(state, prepared), rtol=1e-4, atol=1e-6)
    figure("score_1000_ms", compiled, "ms", "rec.score on a prepared pool, XLA-compiled")
    figure("score_1000_eager_ms", eager_ms, "ms", "same encoding, plain eager model(x)")
    figure("score_1000_speedup", eager_ms / compiled, "x")
    figure("score_1000_list_ms", from_list, "ms", "rec.score on a plain list of Video")


def bench_update(rec: Recommender, pool: UserPool, repeats: int) -> None:
    jobs = [pool.new_events(i, 50, salt=1) for i in range(repeats + 3)]
    states = [rec.load(pool.blobs[i % len(pool.blobs)]) for i in range(repeats + 3)]
    times = []
    for i, (state, (new, replay)) in enumerate(zip(states, jobs, strict=True)):
        start = time.perf_counter()
        rec.update(state, new, replay)
        if i >= 3:
            times.append(time.perf_counter() - start)
    figure(
        "update_50_ms",
        1000 * statistics.median(times),
        "ms",
        f"50 new events + {len(jobs[0][1])} replayed, warm process, state already loaded",
    )


def cycle(rec: Recommender, blob: bytes, new: Pairs, replay: Pairs, pool) -> bytes:
    state = rec.load(blob)
    rec.update(state, new, replay)
    rec.score(state, pool)
    return rec.dump(state)


def bench_cycle(rec: Recommender, pool: UserPool, repeats: int, name: str, note: str) -> None:
    candidates = rec.prepare(pool.world.videos[-1000:])
    jobs = [pool.new_events(i, 50, salt=2) for i in range(repeats + 3)]
    times = []
    for i, (new, replay) in enumerate(jobs):
        blob = pool.blobs[i % len(pool.blobs)]
        start = time.perf_counter()
        cycle(rec, blob, new, replay, candidates)
        if i >= 3:
            times.append(time.perf_counter() - start)
    figure(name, 1000 * statistics.median(times), "ms", note)


def bench_full_retrain_eager(rec: Recommender, pool: UserPool, repeats: int) -> None:
    """What the original did: a fresh model, 30 epochs of eager GradientTape on 300 samples."""
    import keras
    import tensorflow as tf

    from models.network import WideDeepAttention

    state = rec.load(pool.blobs[0])
    pairs = [(e, v) for e, v in pool.histories[0] if label(e, v) is not None][:300]
    tag_ids, author_ids, wide = encode([v for _, v in pairs], state, now=state.last_event_at)
    y = np.array([label(e, v) for e, v in pairs], dtype=np.float32)

    def retrain():
        model = WideDeepAttention(state.capacity)
        optimizer = keras.optimizers.Adam(0.005)
        for _ in range(30):
            for s in range(0, len(y), 32):
                batch = (tag_ids[s : s + 32], author_ids[s : s + 32], wide[s : s + 32])
                with tf.GradientTape() as tape:
                    logits, _ = model(batch)
                    loss = tf.reduce_mean(
                        tf.nn.sigmoid_cross_entropy_with_logits(labels=y[s : s + 32], logits=logits)
                    )
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))

    ms = median_ms(retrain, repeats, warmup=0)
    figure("full_retrain_eager_ms", ms, "ms", f"{len(y)} samples, batch 32, {repeats} run(s)")


def bench_rss(rec: Recommender, pool: UserPool, users: int) -> None:
    candidates = rec.prepare(pool.world.videos[-1000:])
    figure("rss_mb_before_users", rss_mb(), "MB")
    start = time.perf_counter()
    for i in range(users):
        new, replay = pool.new_events(i, 50, salt=1000 + i)
        cycle(rec, pool.blobs[i % len(pool.blobs)], new, replay, candidates)
        if i + 1 == 100:
            figure("rss_mb_after_100_users", rss_mb(), "MB")
    elapsed = time.perf_counter() - start
    figure(f"rss_mb_after_{users}_users", rss_mb(), "MB", "load → update 50 → score 1000 → dump")
    figure("cycle_ms_mean_over_users", 1000 * elapsed / users, "ms", "incl. event simulation")


def bench_quality(rec: Recommender, world: World, users: int) -> None:
    """Hot-pool NDCG@10 against the users' true interest, and the label policy's effect."""
    variants: dict[str, Callable[[Pairs], Pairs]] = {
        "": lambda h: h,
        "_no_ignored_negatives": lambda h: [(e, v) for e, v in h if not e.shown_ignored],
        "_no_short_view_negatives": lambda h: [
            (e, v) for e, v in h if e.shown_ignored or e.disliked or label(e, v) != 0
        ],
        "_no_dislikes": lambda h: [(e, v) for e, v in h if not e.disliked],
    }
    scores: dict[str, list[float]] = {}
    rng = np.random.default_rng(0)
    for seed in range(500, 500 + users):
        sc = scenario(world, seed=seed, n_history=300)
        gains = sc.gains
        positives = [v for e, v in sc.history if label(e, v) == 1]
        scores.setdefault("by_views", []).append(ndcg_at_k([v.view for v in sc.candidates], gains))
        scores.setdefault("tag_count", []).append(
            ndcg_at_k(tag_count_scores(positives, sc.candidates), gains)
        )
        scores.setdefault("random", []).append(ndcg_at_k(rng.random(len(gains)), gains))
        for suffix, keep in variants.items():
            state = rec.new_state()
            report = rec.update(state, keep(sc.history), [])
            if not report.accepted:
                continue
            probs = rec.score(state, sc.candidates)
            scores.setdefault(f"model{suffix}", []).append(ndcg_at_k(probs, gains))
    note = f"{users} synthetic users, 300 events each, 200 popularity-drawn candidates"
    figure("synthetic_ndcg10", float(np.mean(scores["model"])), "", note)
    for key in ("by_views", "tag_count", "random"):
        figure(f"synthetic_ndcg10_{key}", float(np.mean(scores[key])))
    for suffix in list(variants)[1:]:
        figure(f"synthetic_ndcg10{suffix}", float(np.mean(scores[f"model{suffix}"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and users")
    args = parser.parse_args()
    repeats = 10 if args.quick else 30
    users = 200 if args.quick else 1000

    start = time.perf_counter()
    rec = Recommender(seed=0)
    rec.warm_up((256, 512, 4096))
    figure("warm_up_s", time.perf_counter() - start, "s", "build + trace + XLA, once per process")

    world = make_world(seed=0)
    pool = UserPool(rec, world, range(1, 41), n_history=300)
    bench_scoring(rec, pool, repeats)
    bench_update(rec, pool, repeats)
    bench_cycle(
        rec, pool, repeats, "model_cycle_ms", "bytes → load → update 50 → score 1000 → dump"
    )

    big_world = make_world(seed=1, n_videos=14_000, tags_per_topic=150, authors_per_topic=60)
    heavy = UserPool(rec, big_world, range(1, 4), n_history=10_000)
    state = rec.load(heavy.blobs[0])
    bench_cycle(
        rec,
        heavy,
        max(repeats // 3, 5),
        "model_cycle_ms_at_10k_events",
        f"user with 10k events, {len(state.tags)} tags, capacity {state.capacity}",
    )
    bench_full_retrain_eager(rec, pool, 1 if args.quick else 3)
    bench_quality(rec, world, 6 if args.quick else 20)
    bench_rss(rec, pool, users)


if __name__ == "__main__":
    main()
