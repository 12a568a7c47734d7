"""The sync part of a user's refresh, as a declared list of steps (``STEPS``) run by one
loop (``sync_user``): each step says what it reads and writes, where the progress bar
stands while it runs and what the status line says; the loop reports progress, revives a
dead login where a step allows it, and stops where the listing is not complete yet."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from bilibili import errors
from bilibili.login import Credentials
from worker.candidates import refresh_hot, refresh_user_pool
from worker.context import Context
from worker.cookies import daily_check, load_credentials, revive
from worker.follows import FollowingReport, sync_followings
from worker.sources import UserInputs
from worker.sync import BehaviourSync, SyncReport
from worker.toview_own import read_own_toview

log = logging.getLogger(__name__)


# A claimed first hot refresh ends (or fails and lets go) within this; a claimant killed
# mid-refresh holds the claim no longer.
HOT_CLAIM_S = 600.0
HOT_FETCH_MESSAGE = "正在获取热门榜单"
HOT_WAIT_MESSAGE = "正在获取热门榜单，完成后即生成推荐"


class DeadLogin(Enum):
    """What the loop does when a step finds the login dead (-101)."""

    RAISE = "raise"  # up to the task, which marks the login expired
    REVIVE = "revive"  # one cookie refresh answers for the step (the check itself)
    RETRY = "retry"  # one cookie refresh, then the step once more


@dataclass
class Run:
    """What the steps of one refresh share: each reads and writes some of it."""

    ctx: Context
    mid: int
    hot_published: Callable[[], None] | None = None
    creds: Credentials | None = None
    report: SyncReport = field(default_factory=SyncReport)
    step: Step | None = None  # the step running: its share and label

    def progress(self, value: float, message: str) -> None:
        self.ctx.store.status.set(self.mid, "syncing", progress=value, message=message)

    def say(self, message: str | None = None) -> None:
        """The running step's status line (its label unless told otherwise)."""
        assert self.step is not None
        self.progress(self.step.share, message or self.step.label)

    @functools.cached_property
    def now(self) -> dt.datetime:
        """The project's now, read once, the first time a step needs it: the followings
        list and the new-uploads budget count the same day."""
        return self.ctx.clock()

    @property
    def cookies(self) -> dict[str, str]:
        assert self.creds is not None
        return self.creds.cookies


@dataclass(frozen=True)
class Step:
    """One step of the refresh. ``share``: the progress bar while it runs. ``label``: its
    status line, shown as it starts unless ``announce`` is False (a step that reports
    its own parts, or only when it has work). ``needs_listing``: runs only once every
    list was read to its end; the loop stops before the first such step otherwise (the
    task continues the listing in another run, which starts from the top again).
    ``reads`` / ``writes``: what it uses and changes (for the reader)."""

    name: str
    label: str
    share: float
    reads: str
    writes: str
    run: Callable[[Run], None]
    announce: bool = True
    needs_listing: bool = False
    dead_login: DeadLogin = DeadLogin.RAISE


def _hot_first(run: Run) -> None:
    _fetch_hot_if_none(run)


def _login(run: Run) -> None:
    # This run's listing covers every refresh asked for until now.
    run.ctx.store.locks.take_wish(run.mid)
    run.creds = load_credentials(run.ctx, run.mid)


def _cookies(run: Run) -> None:
    assert run.creds is not None
    run.creds = daily_check(run.ctx, run.mid, run.creds)


def _behaviour(run: Run) -> None:
    sync = BehaviourSync(
        run.ctx.store,
        run.ctx.client,
        metadata_cap=run.ctx.settings.metadata_per_sync,
        first_metadata=run.ctx.settings.first_sync_metadata,
    )
    run.report = sync.run(run.mid, run.cookies, run.progress)


def _toview(run: Run) -> None:
    read_own_toview(run.ctx.store, run.ctx.client, run.mid, run.cookies)


def _followings(run: Run) -> None:
    report = FollowingReport()
    sync_followings(run.ctx.store, run.ctx.client, run.mid, run.cookies,
                    now=int(run.now.timestamp()), report=report)
    if report.requests:
        log.info("user %s followings: %d requests, list %s", run.mid, report.requests,
                 "read" if report.list_read else "not read")


def _candidates(run: Run) -> None:
    ctx = run.ctx
    refresh_user_pool(ctx.store, ctx.client, ctx.settings,
                      UserInputs(run.mid, run.cookies, run.report, run.now))
    log.info("user %s synced: %d new events, %d videos fetched", run.mid,
             run.report.new_events, run.report.metadata_fetched)


def _hot_wait(run: Run) -> None:
    _await_hot(run)


STEPS: tuple[Step, ...] = (
    Step("hot_first", HOT_FETCH_MESSAGE, 0.02, announce=False, run=_hot_first,
         reads="whether the shared pools exist, the claim on their first fetch",
         writes="the shared pools, without their tags (a fresh installation only)"),
    Step("login", "正在检查登录状态", 0.05, run=_login,
         reads="the refresh wishes, the stored login", writes="run.creds; the wishes taken"),
    Step("cookies", "正在检查登录状态", 0.05, announce=False, run=_cookies,
         dead_login=DeadLogin.REVIVE,
         reads="run.creds, the last check's time", writes="rotated cookies, the check's time"),
    Step("behaviour", "正在同步点赞和投币", 0.1, announce=False, run=_behaviour,
         dead_login=DeadLogin.RETRY,
         reads="run.creds; likes, coins, favourites, history, details; the history cursors",
         writes="events, the video cache, the cursors (a resume point), run.report"),
    Step("toview", "正在同步稍后再看", 0.5, needs_listing=True, run=_toview,
         reads="run.creds; the 稍后再看 list", writes="toview events, the user's own entries"),
    Step("followings", "正在同步关注列表", 0.55, needs_listing=True, run=_followings,
         reads="run.creds; the followings list (at most daily)",
         writes="the followed UP主 and their list's next read"),
    Step("candidates", "正在寻找兴趣探索的候选视频", 0.6, needs_listing=True, run=_candidates,
         reads="run.creds, run.report; the per-user sources (worker.sources)",
         writes="the user's own pool, the sources' cursors"),
    Step("hot_wait", HOT_WAIT_MESSAGE, 0.65, announce=False, needs_listing=True,
         run=_hot_wait, reads="whether the shared pools exist",
         writes="the shared pools, when nobody else fetches them"),
)


def sync_user(ctx: Context, mid: int,
              hot_published: Callable[[], None] | None = None) -> SyncReport:
    """Bring the user's events and candidate pool up to date.

    Raises NotLoggedIn when the login is dead even after a cookie refresh; risk control,
    cool-downs and transient errors propagate for the task to retry later. Events stored
    before an error stay stored (each page is appended as it arrives), and a history
    walk resumes where it stopped. ``report.listing_complete`` False: not every list was
    read to its end yet, so no picks may be made from what is stored.

    On a fresh installation the first sync fetches the shared pools (``hot_published`` is
    called once it published them, their tags still to come), and every sync that ends
    before they exist waits for them (bounded): no picks with an empty 热门精选.
    """
    run = Run(ctx, mid, hot_published)
    for step in STEPS:
        if step.needs_listing and not run.report.listing_complete:
            break  # the caller continues the listing; nothing else is worth doing yet
        run.step = step
        if step.announce:
            run.say()
        try:
            _run_step(run, step)
        except errors.CoolingDown as exc:
            # The task waits the cool-down out and queues the refresh again; what this
            # run stored stays, and the history walk goes on from its resume point.
            log.info("user %s: refresh paused at %s for %.0f s", mid, step.name, exc.seconds)
            raise
    return run.report


def _run_step(run: Run, step: Step) -> None:
    try:
        step.run(run)
    except errors.NotLoggedIn:
        if step.dead_login is DeadLogin.RAISE or run.creds is None:
            raise
        run.creds = revive(run.ctx, run.mid, run.creds)
        if step.dead_login is DeadLogin.RETRY:
            step.run(run)


def _fetch_hot_if_none(run: Run) -> bool:
    """A fresh installation (beat's first hot refresh is a period away): the one sync
    that claims it fetches the shared pools and publishes them before their tags, which
    ``worker.candidates.tag_hot`` fetches after. True when this call published them."""
    store = run.ctx.store
    if store.pools.has_hot() or not store.pools.claim_hot_refresh(ttl_s=HOT_CLAIM_S):
        return False
    try:
        if store.pools.has_hot():  # published between the look and the claim
            return False
        run.say(HOT_FETCH_MESSAGE)
        refresh_hot(store, run.ctx.client, run.ctx.settings, tag=False)
    finally:
        store.pools.end_hot_refresh()  # a failed one lets a waiting sync take over
    if run.hot_published is not None:
        run.hot_published()
    return True


def _await_hot(run: Run) -> None:
    """Until the shared pools exist (at most ``hot_wait_s``): another sync is fetching
    them, or this one does when nobody is. Past the bound the picks go out without
    热门精选 and are scored again once the pools' tag pass is done."""
    store, wait_s = run.ctx.store, run.ctx.settings.hot_wait_s
    deadline = time.monotonic() + wait_s
    while not store.pools.has_hot() and time.monotonic() < deadline:
        if _fetch_hot_if_none(run):
            return
        run.say(HOT_WAIT_MESSAGE)
        time.sleep(0.5)
    if not store.pools.has_hot():
        log.warning("user %s: no hot pools after %.0f s; picks without 热门精选 for now",
                    run.mid, wait_s)
