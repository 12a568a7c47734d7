"""The sync step of a user's refresh: login check, behaviour, candidate pool."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bilibili import errors
from worker.candidates import refresh_hot, refresh_user_pool
from worker.context import Context
from worker.cookies import daily_check, load_credentials, revive
from worker.follows import FollowingReport, sync_followings
from worker.queued import read_queued
from worker.sources import UserInputs
from worker.sync import BehaviourSync, SyncReport

log = logging.getLogger(__name__)


# A claimed first hot refresh ends (or fails and lets go) within this; a claimant killed
# mid-refresh holds the claim no longer.
HOT_CLAIM_S = 600.0
HOT_WAIT_MESSAGE = "正在获取热门榜单，完成后即生成推荐"


def sync_user(ctx: Context, mid: int,
              hot_published: Callable[[], None] | None = None) -> SyncReport:
    """Bring the user's events and candidate pool up to date.

    Raises NotLoggedIn when the login is dead even after a cookie refresh; risk control
    and transient errors propagate for the task to retry later. Events stored before an
    error stay stored (each page is appended as it arrives), and a history walk resumes
    where it stopped. ``report.listing_complete`` False: not every list was read to its
    end yet, so no picks may be made from what is stored.

    On a fresh installation the first sync fetches the shared pools (``hot_published`` is
    called once it published them, their tags still to come), and every sync that ends
    before they exist waits for them (bounded): no picks with an empty 热门精选.
    """
    store = ctx.store

    def progress(value: float, message: str) -> None:
        store.status.set(mid, "syncing", progress=value, message=message)

    _fetch_hot_if_none(ctx, progress, hot_published)
    progress(0.05, "正在检查登录状态")
    # This run's listing covers every refresh asked for until now.
    store.locks.take_wish(mid)
    creds = load_credentials(ctx, mid)
    try:
        creds = daily_check(ctx, mid, creds)
    except errors.NotLoggedIn:
        creds = revive(ctx, mid, creds)
    sync = BehaviourSync(
        store,
        ctx.client,
        metadata_cap=ctx.settings.metadata_per_sync,
        first_metadata=ctx.settings.first_sync_metadata,
    )
    try:
        report = sync.run(mid, creds.cookies, progress)
    except errors.NotLoggedIn:
        creds = revive(ctx, mid, creds)
        report = sync.run(mid, creds.cookies, progress)
    if not report.listing_complete:
        return report  # the caller continues the listing; nothing else is worth doing yet
    progress(0.5, "正在同步稍后再看")
    read_queued(store, ctx.client, mid, creds.cookies)
    progress(0.55, "正在同步关注列表")
    now = ctx.clock()
    _followings(ctx, mid, creds.cookies, now)
    progress(0.6, "正在寻找兴趣探索的候选视频")
    refresh_user_pool(store, ctx.client, ctx.settings,
                      UserInputs(mid, creds.cookies, report, now))
    log.info(
        "user %s synced: %d new events, %d videos fetched", mid, report.new_events,
        report.metadata_fetched,
    )
    _await_hot(ctx, mid, progress, hot_published)
    return report


def _fetch_hot_if_none(ctx: Context, progress: Callable[[float, str], None],
                       hot_published: Callable[[], None] | None) -> bool:
    """A fresh installation (beat's first hot refresh is a period away): the one sync
    that claims it fetches the shared pools and publishes them before their tags, which
    ``worker.candidates.tag_hot`` fetches after. True when this call published them."""
    store = ctx.store
    if store.pools.has_hot() or not store.pools.claim_hot_refresh(ttl_s=HOT_CLAIM_S):
        return False
    try:
        if store.pools.has_hot():  # published between the look and the claim
            return False
        progress(0.02, "正在获取热门榜单")
        refresh_hot(store, ctx.client, ctx.settings, tag=False)
    finally:
        store.pools.end_hot_refresh()  # a failed one lets a waiting sync take over
    if hot_published is not None:
        hot_published()
    return True


def _await_hot(ctx: Context, mid: int, progress: Callable[[float, str], None],
               hot_published: Callable[[], None] | None) -> None:
    """Until the shared pools exist (at most ``hot_wait_s``): another sync is fetching
    them, or this one does when nobody is. Past the bound the picks go out without
    热门精选 and are scored again once the pools' tag pass is done."""
    store = ctx.store
    deadline = time.monotonic() + ctx.settings.hot_wait_s
    while not store.pools.has_hot() and time.monotonic() < deadline:
        if _fetch_hot_if_none(ctx, progress, hot_published):
            return
        progress(0.65, HOT_WAIT_MESSAGE)
        time.sleep(0.5)
    if not store.pools.has_hot():
        log.warning("user %s: no hot pools after %.0f s; picks without 热门精选 for now", mid,
                    ctx.settings.hot_wait_s)


def _followings(ctx: Context, mid: int, cookies, now) -> None:  # noqa: ANN001
    """The followings list, at most daily (its new uploads are a source)."""
    report = FollowingReport()
    sync_followings(ctx.store, ctx.client, mid, cookies, now=int(now.timestamp()),
                    report=report)
    if report.requests:
        log.info("user %s followings: %d requests, list %s", mid, report.requests,
                 "read" if report.list_read else "not read")
