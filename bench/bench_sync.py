"""Requests to bilibili (the simulator counts them) for a user's first and daily sync,
the shared hot refresh with 1 and 10 users, and how long a new user waits at 1 rps.

    python -m bench.bench_sync
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from bench.harness import bench_world, figure
from worker.candidates import refresh_hot
from worker.context import context_for
from worker.refresh import sync_user

FIRST_MID = 10001


def _complete(ctx, mid: int) -> int:  # noqa: ANN001
    runs, report = 1, sync_user(ctx, mid)
    while report.backfill_pending or report.metadata_missing:
        report = sync_user(ctx, mid)
        runs += 1
    return runs


def sync_figures() -> None:
    with bench_world(bilibili_rps=1000.0) as b:
        b.log_in(FIRST_MID)
        ctx = context_for(b.settings)
        refresh_hot(ctx.store, ctx.client, ctx.limits)  # shared pools exist in a running system
        hot_cached = set(ctx.store.videos.get_many(
            [r.bvid for s in ("hot", "weekly", "ranking") for r in ctx.store.pools.hot(s)]
        ))
        b.reset_counters()
        runs = _complete(ctx, FIRST_MID)
        first = b.requests_made()
        bvids = {e.bvid for e in ctx.store.events.all(FIRST_MID)}
        uncached = len(bvids - hot_cached)
        figure("sync_first_requests", first, "requests",
               f"{runs} runs; goal <= 1.2 x {uncached} uncached videos + 30 = "
               f"{1.2 * uncached + 30:.0f}")
        before = ctx.store.events.count(FIRST_MID)
        b.control("POST", "/advance_day", json={"days": 1})
        b.reset_counters()
        _complete(ctx, FIRST_MID)
        daily = b.requests_made()
        new = ctx.store.events.count(FIRST_MID) - before
        figure("sync_daily_requests", daily, "requests",
               f"{new} new items; goal <= {new} + 15 = {new + 15}")
        context_for.cache_clear()


def hot_figures() -> None:
    for n in (1, 10):
        with bench_world(n_users=10, bilibili_rps=1000.0) as b:
            for mid in range(FIRST_MID, FIRST_MID + n):
                b.log_in(mid)
            ctx = context_for(b.settings)
            b.reset_counters()
            refresh_hot(ctx.store, ctx.client, ctx.limits)
            figure(f"hot_refresh_requests_{n}_users", b.requests_made(), "requests",
                   "shared pools: must not grow with users")
            context_for.cache_clear()


def first_wait_figure() -> None:
    """The first pass of a new user at the default 1 request/s, hot pools already there."""
    with bench_world() as b:
        fast = context_for(replace(b.settings, bilibili_rps=1000.0))
        refresh_hot(fast.store, fast.client, fast.limits)  # beat's job, not the user's wait
        ctx = context_for(b.settings)
        b.log_in(FIRST_MID)
        b.reset_counters()
        started = time.monotonic()
        report = sync_user(ctx, FIRST_MID)
        seconds = time.monotonic() - started
        figure("sync_first_seconds", seconds, "s",
               f"first pass at {b.settings.bilibili_rps:g} rps: {b.requests_made()} requests, "
               f"{report.new_events} events; older history follows in later runs")
        context_for.cache_clear()


if __name__ == "__main__":
    logging.disable(logging.WARNING)
    sync_figures()
    hot_figures()
    first_wait_figure()
