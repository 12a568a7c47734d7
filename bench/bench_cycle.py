"""The ml worker's per-user cycle as it runs in production: stored model bytes and events
from Redis → incremental update on 50 new events (+ replay) → score 1,000 candidates →
picks stored — for users this process has not served before, in one warm process.

    python -m bench.bench_cycle [--users 1000]

user_cycle_ms: median over users with ~300 events; user_cycle_ms_at_10k_events: the same
for users with 10,000 stored events (the cost should follow what is new, not the
history); ml_worker_rss_mb_after_N_users: resident memory after cycling N different users.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import resource
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from bench.harness import bench_world, figure  # noqa: E402
from models.synthetic import exposure, make_user, make_world, simulate_events  # noqa: E402
from store import BehaviourEvent, Store, VideoRecord  # noqa: E402
from worker import ml  # noqa: E402

TODAY = dt.date(2026, 11, 28)


def _record(video, source: str = "") -> VideoRecord:
    return VideoRecord(
        bvid=video.bvid, title=video.title, tid=video.partition, duration=video.duration,
        owner_mid=video.author_mid, owner_name=video.author_name, view=video.view,
        like=video.like, coin=video.coin, favorite=video.favorite, tags=video.tags,
        source=source,
    )


def _behaviour(event, n: int) -> list[BehaviourEvent]:
    out = [BehaviourEvent("watch", event.bvid, event.at + n, progress=event.progress,
                          duration=event.duration)]
    for flag, kind in ((event.liked, "like"), (event.faved, "fav"), (event.coined, "coin"),
                       (event.disliked, "feedback_dislike")):
        if flag:
            out.append(BehaviourEvent(kind, event.bvid, event.at + n, source="1"))
    return out


class Population:
    """Synthetic users written into Redis the way the sync step writes them."""

    def __init__(self, store: Store, seed: int = 0) -> None:
        self.store = store
        self.world = make_world(seed=seed, n_videos=4000)
        store.videos.put([_record(v) for v in self.world.videos])
        rng = np.random.default_rng(seed)
        pool = rng.choice(len(self.world.videos), size=1000, replace=False)
        store.pools.put_hot("hot", [_record(self.world.videos[i], "hot") for i in pool[:500]])
        self.user_pool = [_record(self.world.videos[i], "related") for i in pool[500:]]

    def add_events(self, mid: int, n: int, seed: int, start: int = 0) -> None:
        user = make_user(self.world, seed)
        rng = np.random.default_rng(seed + start)
        shown = rng.choice(len(self.world.videos), size=n, p=exposure(self.world, user))
        events = simulate_events(self.world, user, shown, rng, start=start)
        batch: list[BehaviourEvent] = []
        for i, (event, _) in enumerate(events):
            batch += _behaviour(event, i)
        for chunk in range(0, len(batch), 2000):
            self.store.events.append(mid, batch[chunk:chunk + 2000])
        self.store.pools.put_user(mid, self.user_pool)

    def prepare(self, mid: int, history: int) -> None:
        """A user with a stored model of ``history`` events and 50 new ones since."""
        self.add_events(mid, history, seed=mid)
        ml.train(self.store, mid)
        self.add_events(mid, 50, seed=mid, start=10**7)


CPU_MS: list[float] = []


def cycle(store: Store, mid: int) -> float:
    started = time.perf_counter()
    cpu = time.process_time()
    state, _ = ml.train(store, mid)
    doc = ml.score(store, mid, state, today=TODAY, per_list=20)
    store.picks.save(mid, TODAY.isoformat(), doc)
    CPU_MS.append((time.process_time() - cpu) * 1000)
    return (time.perf_counter() - started) * 1000


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    with bench_world() as b:
        pop = Population(b.store)
        warm = 900_001
        pop.prepare(warm, 300)
        cycle(b.store, warm)  # traces the shared functions once: a warm worker
        small = list(range(1, 31))
        big = list(range(100_001, 100_011))
        for mid in small:
            pop.prepare(mid, 300)
        for mid in big:
            pop.prepare(mid, 10_000)
        small_ms = statistics.median(cycle(b.store, mid) for mid in small)
        small_cpu = statistics.median(CPU_MS)
        CPU_MS.clear()
        big_ms = statistics.median(cycle(b.store, mid) for mid in big)
        big_cpu = statistics.median(CPU_MS)
        figure("user_cycle_ms", small_ms, "ms", "median of 30 users, ~300 events, 50 new; "
               f"CPU of this process {small_cpu:.0f} ms (the machine is shared)")
        figure("user_cycle_ms_at_10k_events", big_ms, "ms",
               f"median of 10 users, 10,000 events, 50 new; ratio {big_ms / small_ms:.2f}; "
               f"CPU {big_cpu:.0f} ms")
        rss = []
        for n in range(1, args.users + 1):
            mid = 200_000 + n
            pop.prepare(mid, 100)
            cycle(b.store, mid)
            b.store.forget_user(mid)  # keeps Redis small; the process keeps what it keeps
            if n in (100, args.users):
                rss.append((n, rss_mb()))
        for n, mb in rss:
            figure(f"ml_worker_rss_mb_after_{n}_users", mb, "MB")


if __name__ == "__main__":
    logging.disable(logging.WARNING)
    main()
