"""Requests to bilibili per user per day with the followings signal and the "new from
UP主 you follow" source on, beside the same days without them (the simulator counts
every request; only this user's sync runs). A day = the complete daily sync (backfill
runs included) after one simulated day, with the project's clock on the simulator's.

    python -m bench.bench_following
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from unittest import mock

from bench.harness import bench_world, figure
from bench.week import week_context
from worker import refresh as refresh_module
from worker.candidates import refresh_hot
from worker.context import context_for
from worker.follows import FollowingReport
from worker.refresh import sync_user

FIRST_MID = 10001
DAYS = 3
FOLLOWINGS = "/x/relation/followings"
ARC = "/x/space/wbi/arc/search"


def _complete(ctx, mid: int) -> None:
    report = sync_user(ctx, mid)
    while report.backfill_pending or report.metadata_missing:
        report = sync_user(ctx, mid)


def _days(on: bool) -> tuple[list[int], list[int], list[int], int]:
    """(requests per day, followings requests per day, arc/search per day, pool size of
    the source at the end)."""
    with ExitStack() as stack:
        if not on:  # the code as it was: no followings read, no uploads source
            stack.enter_context(mock.patch.object(
                refresh_module, "_followings", lambda *a, **k: FollowingReport()))
        b = stack.enter_context(bench_world(bilibili_rps=1000.0))
        b.log_in(FIRST_MID)
        ctx, clock = week_context(context_for(b.settings), b.control)
        refresh_hot(ctx.store, ctx.client, ctx.settings)  # shared, not the user's
        _complete(ctx, FIRST_MID)  # day 0: the first sync (bench_sync's figure)
        total, follows, arc = [], [], []
        for _ in range(DAYS):
            b.control("POST", "/advance_day", json={"days": 1})
            clock.follow(b.control)
            b.reset_counters()
            _complete(ctx, FIRST_MID)
            counters = b.control("GET", "/counters").json()
            # Every request of the day: the user's sync is all that runs (video details
            # and tags go out without the user's cookies, and count too).
            total.append(int(counters["total"]))
            follows.append(int(counters["by_path"].get(FOLLOWINGS, 0)))
            arc.append(int(counters["by_path"].get(ARC, 0)))
        pool = sum(r.source == "following" for r in ctx.store.pools.user(FIRST_MID))
        context_for.cache_clear()
        return total, follows, arc, pool


def main() -> None:
    off, _, _, _ = _days(on=False)
    on, follows, arc, pool = _days(on=True)
    budget = 10  # the default BILIREC_FOLLOWING_REQUESTS_PER_DAY
    figure("requests_per_user_day_following_off", sum(off) / DAYS, "requests",
           f"daily syncs over {DAYS} simulated days: {off}")
    figure("requests_per_user_day_following_on", sum(on) / DAYS, "requests",
           f"the same days: {on}; goal <= off + 1 + {budget}")
    figure("followings_requests_per_user_day", sum(follows) / DAYS, "requests",
           f"{follows}: the list read once a day, page 1 only when unchanged")
    figure("arc_search_requests_per_user_day", sum(arc) / DAYS, "requests",
           f"{arc}; budget {budget} a day")
    figure("following_candidates_in_pool", pool, "videos",
           f"new uploads of followed UP主 in the user's pool after {DAYS} days")


if __name__ == "__main__":
    logging.disable(logging.WARNING)
    main()
