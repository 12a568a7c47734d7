"""Celery tasks. A user's refresh is one chain — refresh_user (sync queue) → train_user →
score_user (ml queue) — guarded by the per-user refresh lock, whose token travels with it
(see ``worker.lease`` for how a chain whose worker died lets go of the user).

A refresh asked for while a chain runs (``store.locks.want_again``) is honoured by that
chain: if the wish came after its listing, it lists again before scoring. The shared hot
pools' tag pass (``tag_hot``) re-scores, from the stored model and pools and with no
request to bilibili, the users whose picks of the day came from pools without their tags
(``rescore_user``).

Tasks take a mid (never a cookie) and write their state and progress to the store, where
the web reads it. Long waits (retry back-off, bilibili cool-downs) are not Celery
countdowns: the wait is recorded in the store and beat's retry tick requeues the step.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from celery import shared_task

from bilibili import errors
from worker import lease
from worker.app import ML_QUEUE, SYNC_FIRST_QUEUE, SYNC_QUEUE
from worker.candidates import refresh_hot as refresh_hot_pools
from worker.candidates import tag_hot as tag_hot_pools
from worker.chain import (
    Handover,
    allowed,
    finish,
    guarded,
    idle_state,
    retry_later,
    still_wanted,
    task_context,
)
from worker.context import Context
from worker.cookies import mark_login_expired
from worker.filters import short_message
from worker.hot_tags import Deferred, first_picks_first, scored_before_tags
from worker.refresh import sync_user
from worker.sync import LISTING_MESSAGE, listing_complete
from worker.tasks_delivery import deliver_user, wants_delivery

log = logging.getLogger(__name__)

# A refresh that could not be queued (broker down) waits this long in the store, without
# the lock, for beat's retry tick to send it again.
QUEUE_RETRY_S = 60.0
# Listings again for refreshes asked meanwhile before a chain publishes anyway (pressing
# 刷新推荐 again and again must not hold picks back for ever).
MAX_RELISTS = 3
TAG_CLAIM_S = 3600.0
TAG_DEFER_S, MAX_TAG_DEFERRALS = 10, 90  # the tag pass giving way to first picks


def send_refresh(ctx: Context, mid: int, token: str, *, queue: str = SYNC_QUEUE,
                 attempt: int = 0) -> bool:
    """Queue the sync step holding ``token``. When the broker refuses, the lock is freed
    (no message exists to release it: it would stay held for hours) and the refresh waits
    in the store for beat's retry tick, which retakes a free lock with the same token."""
    try:
        refresh_user.apply_async(args=[mid, token, attempt], queue=queue)
        return True
    except Exception as exc:  # any broker failure: never strand the lock
        log.warning("user %s: refresh not queued (%s); retried by the retry tick", mid,
                    type(exc).__name__)
        ctx.store.locks.release(mid, token)
        ctx.store.retries.schedule(mid, token, delay_s=QUEUE_RETRY_S, attempt=attempt)
        return False


@shared_task(bind=True, name="bilirec.refresh_user", acks_late=True)
def refresh_user(self, mid: int, lock_token: str, attempt: int = 0, relists: int = 0) -> None:
    """Sync step of a refresh; on success hands over to train_user on the ml queue.
    ``attempt`` counts ordinary retries so far (cool-downs are not retries); ``relists``
    the listings this chain made again for refreshes asked meanwhile."""
    ctx = task_context(self)
    with guarded(self, ctx, mid, lock_token, attempt) as held:
        if held and still_wanted(ctx, mid, lock_token):
            _refresh(ctx, mid, lock_token, attempt, held, relists)


def _refresh(ctx: Context, mid: int, lock_token: str, attempt: int, held: lease.Lease,
             relists: int = 0) -> None:
    try:
        report = sync_user(ctx, mid, hot_published=lambda: queue_tag_pass(ctx))
    except errors.NotLoggedIn:
        log.info("user %s: bilibili login expired", mid)
        mark_login_expired(ctx, mid)
        ctx.store.locks.release(mid, lock_token)
        return
    except errors.CoolingDown as exc:
        minutes = max(1, round(exc.seconds / 60))
        retry_later(ctx, mid, lock_token, delay_s=exc.seconds + 1, attempt=attempt,
                     why=f"bilibili 要求放慢请求（风控），{minutes} 分钟后自动继续")
        return
    except (errors.Transient, errors.RiskControl) as exc:
        delays = ctx.settings.retry_delays_s
        if attempt < len(delays):
            delay = delays[attempt]
            why = "网络或服务器错误"
            if isinstance(exc, errors.RiskControl):
                why = "bilibili 要求放慢请求"
            when = f"{delay // 60} 分钟" if delay >= 60 else f"{delay} 秒"
            retry_later(ctx, mid, lock_token, delay_s=delay, attempt=attempt + 1,
                         why=f"{why}，{when}后重试")
            return
        finish(ctx, mid, lock_token, idle_state(ctx, mid), "bilibili 多次无响应，明天会再试")
        return
    except errors.BiliError as exc:  # a request bilibili calls wrong: a bug, not retried
        log.error("user %s: sync failed: %s", mid, exc)
        finish(ctx, mid, lock_token, idle_state(ctx, mid), "同步出错，下次刷新会再试")
        return
    if not still_wanted(ctx, mid, lock_token):
        return
    if not report.listing_complete:
        # A walk longer than one task may read (the client's page bound): go on, same lock.
        ctx.store.status.set(mid, "syncing", progress=0.2, message=(
            f"{LISTING_MESSAGE}（已读 {report.history_listed} 条），继续读取中"))
        held.hand_over()
        queue = SYNC_FIRST_QUEUE if report.first else SYNC_QUEUE
        refresh_user.apply_async(args=[mid, lock_token, attempt, relists], queue=queue)
        return
    ctx.store.status.set(mid, "training", progress=0.7, message="正在学习你的口味")
    info = Handover(
        # More details to fetch, and this run got some (a cap of 0 must not loop).
        backfill=report.metadata_missing > 0 and report.metadata_fetched > 0,
        likes_hidden=report.likes_hidden,
        relists=relists,
    )
    held.hand_over()
    train_user.apply_async(args=[mid, lock_token, info.to_json()], queue=ML_QUEUE)


@shared_task(bind=True, name="bilirec.train_user", acks_late=True)
def train_user(self, mid: int, lock_token: str, info: dict | None = None) -> None:
    ctx = task_context(self)
    from worker import ml  # noqa: PLC0415 - the sync worker never loads TensorFlow

    ml.lower_priority(ctx.settings.ml_nice)
    with guarded(self, ctx, mid, lock_token) as held:
        if not held or not still_wanted(ctx, mid, lock_token):
            return
        _, outcome = ml.train(ctx.store, mid)
        handed = replace(Handover.of(info), trained=outcome.trained, auc=outcome.auc)
        ctx.store.status.set(mid, "scoring", progress=0.85, message="正在挑选今天的推荐")
        held.hand_over()
        score_user.apply_async(args=[mid, lock_token, handed.to_json()], queue=ML_QUEUE)


@shared_task(bind=True, name="bilirec.score_user", acks_late=True)
def score_user(self, mid: int, lock_token: str, info: dict | None = None) -> None:
    ctx = task_context(self)
    with guarded(self, ctx, mid, lock_token) as held:
        if held and still_wanted(ctx, mid, lock_token):
            _score(ctx, mid, lock_token, Handover.of(info), held)


def _score(ctx: Context, mid: int, lock_token: str, info: Handover,
           held: lease.Lease) -> None:
    from worker import ml  # noqa: PLC0415 - TensorFlow, in the ml worker only

    ml.lower_priority(ctx.settings.ml_nice)
    store = ctx.store
    if not listing_complete(store, mid):
        # Never picks from a partial exclusion set: a watched video could come back.
        log.warning("user %s: listing incomplete at scoring; no picks published", mid)
        finish(ctx, mid, lock_token, idle_state(ctx, mid), f"{LISTING_MESSAGE}，下次刷新会继续")
        return
    if _list_again(ctx, mid, lock_token, info, held):
        return
    today = ctx.clock().date()
    store.rules.take_rescore(mid)  # the rules read below are the newest
    store.events.append(mid, ml.shown_events(store, mid, today))
    state, _ = ml.load_state(store, mid)
    complete = _hot_complete(store)
    doc = ml.score(store, mid, state, today=today, per_list=ctx.settings.picks_per_list)
    now = ctx.clock()
    doc["generated_at"] = now.isoformat(timespec="seconds")
    if not still_wanted(ctx, mid, lock_token) or _list_again(ctx, mid, lock_token, info, held):
        return
    store.picks.save(mid, today.isoformat(), doc)
    # Complete: the pools were there and tagged. An empty 热门精选 is not a reason to score
    # again (a user's rules may filter every hot video: that re-score would loop).
    store.pools.note_scored(mid, today.isoformat(), complete=complete)
    if state.trained:
        store.models.save_profile(mid, ml.recommender().profile(state))
    message = "；".join(m for m in (
        short_message(doc, ctx.settings.picks_per_list), _ready_message(state, info)) if m)
    finish(ctx, mid, lock_token, "ready", message, picks_date=today.isoformat(),
            refreshed=True)
    if store.rules.take_rescore(mid):  # rules saved while this ran: score again with them
        token = store.locks.acquire(mid)
        if token is not None:
            store.status.set(mid, "scoring", progress=0.85, message="正在按你的新规则重新挑选")
            score_user.apply_async(args=[mid, token, Handover(rescore=True).to_json()],
                                   queue=ML_QUEUE)
    if wants_delivery(ctx, mid):  # 稍后再看 and push: a task of their own, never this one's
        deliver_user.apply_async(args=[mid, today.isoformat()], queue=SYNC_QUEUE)
    _after_picks(ctx, mid, today.isoformat(), backfill=info.backfill)


def _hot_complete(store) -> bool:  # a Store: pools there and tagged
    return store.pools.has_hot() and store.pools.tags_done()


def _list_again(ctx: Context, mid: int, lock_token: str, info: Handover,
                held: lease.Lease) -> bool:
    """A refresh asked for after this chain listed the history: list again before any
    picks (a video watched meanwhile is not in the exclusion set yet). True when the
    chain went back to its sync step."""
    relists = info.relists
    if relists >= MAX_RELISTS or not ctx.store.locks.wished(mid):
        return False
    log.info("user %s: a refresh was asked after this one listed; listing again", mid)
    ctx.store.status.set(mid, "syncing", progress=0.3, message="正在重新读取观看记录")
    held.hand_over()
    refresh_user.apply_async(args=[mid, lock_token, 0, relists + 1], queue=SYNC_QUEUE)
    return True


def _after_picks(ctx: Context, mid: int, day: str, *, backfill: bool) -> None:
    """Once the lock is free: a refresh asked for too late to be listed by the one that
    ended, the next detail backfill, or a re-score when the pools' tags came in while
    this one scored (``tag_hot`` skips users whose lock is held)."""
    store = ctx.store
    if backfill or store.locks.wished(mid):
        token = store.locks.acquire(mid)
        if token is not None:
            send_refresh(ctx, mid, token)
    elif store.pools.scored_complete(mid, day) is False and _hot_complete(store):
        _queue_rescore(ctx, mid)


def _queue_rescore(ctx: Context, mid: int) -> bool:
    token = ctx.store.locks.acquire(mid)
    if token is None:
        return False  # a refresh is on its way: it scores from the pools as they are then
    rescore_user.apply_async(args=[mid, token], queue=ML_QUEUE)
    return True


@shared_task(bind=True, name="bilirec.rescore_user", acks_late=True)
def rescore_user(self, mid: int, lock_token: str) -> None:
    """Today's picks scored again from the stored model and pools (their tags came in
    after the picks were made): no training, no request to bilibili, same day."""
    ctx = task_context(self)
    with guarded(self, ctx, mid, lock_token) as held:
        if held and still_wanted(ctx, mid, lock_token):
            _rescore(ctx, mid, lock_token)


def _rescore(ctx: Context, mid: int, lock_token: str) -> None:
    from worker import ml  # noqa: PLC0415 - TensorFlow, in the ml worker only

    ml.lower_priority(ctx.settings.ml_nice)
    store = ctx.store
    today = ctx.clock().date()
    day = today.isoformat()
    if store.locks.wished(mid):  # a refresh asked meanwhile lists, then scores anew
        store.locks.release(mid, lock_token)
        _after_picks(ctx, mid, day, backfill=True)
        return
    if store.pools.scored_complete(mid, day) is not False or not listing_complete(store, mid):
        store.locks.release(mid, lock_token)  # already scored from tagged pools, or no
        return  # picks of today (tomorrow's refresh scores them)
    state, _ = ml.load_state(store, mid)
    complete = _hot_complete(store)
    doc = ml.score(store, mid, state, today=today, per_list=ctx.settings.picks_per_list)
    doc["generated_at"] = ctx.clock().isoformat(timespec="seconds")
    if not still_wanted(ctx, mid, lock_token):
        return
    store.picks.save(mid, day, doc)
    store.pools.note_scored(mid, day, complete=complete)
    store.locks.release(mid, lock_token)
    log.info("user %s: picks of %s scored again with the hot pools' tags", mid, day)
    _after_picks(ctx, mid, day, backfill=False)


def queue_tag_pass(ctx: Context) -> bool:
    """Queue the hot pools' tag pass, once, when the stored pools still need it."""
    store = ctx.store
    if store.pools.tags_done() or not store.pools.claim_hot_tagging(TAG_CLAIM_S):
        return False
    tag_hot.apply_async(queue=SYNC_QUEUE)
    return True


@shared_task(bind=True, name="bilirec.tag_hot", acks_late=True)
def tag_hot(self, deferred: int = 0) -> int:
    """The shared pools' tags, then a re-score of every user whose picks of today were
    made before them. Returns the users re-scored. The pass gives way to users waiting
    for their first picks (at most ``MAX_TAG_DEFERRALS`` times, then it goes first)."""
    ctx = task_context(self)
    started = time.monotonic()
    yielding = deferred < MAX_TAG_DEFERRALS
    try:
        fetched = tag_hot_pools(ctx.store, ctx.client, ctx.settings, before_fetch=(
            (lambda: first_picks_first(ctx.store)) if yielding else None))
    except Deferred:
        # What was fetched is cached; the claim stays with the pass queued again.
        tag_hot.apply_async(args=[deferred + 1], countdown=TAG_DEFER_S, queue=SYNC_QUEUE)
        return 0
    except (errors.RiskControl, errors.Transient) as exc:
        # The cached tags stay; beat's next hot refresh fetches the rest.
        log.warning("hot pools' tag pass stopped: %s", exc)
        ctx.store.pools.end_hot_tagging()
        return 0
    except BaseException:
        ctx.store.pools.end_hot_tagging()
        raise
    ctx.store.pools.end_hot_tagging()
    log.info("hot pools' tags: %s fetched in %.1f s", fetched, time.monotonic() - started)
    return rescore_stale(ctx)


def rescore_stale(ctx: Context) -> int:
    """Re-score the users whose picks of today came from pools without their tags."""
    store = ctx.store
    if not _hot_complete(store):
        return 0
    day = ctx.clock().date().isoformat()
    queued = sum(_queue_rescore(ctx, mid) for mid in scored_before_tags(store, day))
    if queued:
        log.info("%d users' picks of %s queued to be scored again", queued, day)
    return queued


def _ready_message(state, info: Handover) -> str:
    parts = []
    if not state.trained:
        why = "点赞和投币列表未公开，" if info.likes_hidden else "观看记录还太少，"
        parts.append(why + "推荐暂按视频质量和分区热度排序")
    if info.backfill:
        parts.append("较早的观看记录仍在同步，推荐会越来越准")
    return "；".join(parts) or "今日推荐已就绪"


@shared_task(bind=True, name="bilirec.refresh_hot", acks_late=True)
def refresh_hot(self) -> dict:
    """Beat: the shared hot pools, once for all users."""
    ctx = task_context(self)
    started = time.monotonic()
    try:
        sizes = refresh_hot_pools(ctx.store, ctx.client, ctx.settings)
    except errors.RiskControl as exc:
        log.warning("hot refresh paused by bilibili risk control: %s", exc)
        return {}
    log.info("hot pools refreshed in %.1f s: %s", time.monotonic() - started, sizes)
    rescore_stale(ctx)  # users scored before a fresh installation's tag pass ended
    return sizes


@shared_task(bind=True, name="bilirec.refresh_all")
def refresh_all(self) -> int:
    """Beat's daily fan-out: one refresh per active user; users already refreshing are skipped."""
    ctx = task_context(self)
    store = ctx.store
    queued = 0
    for mid in store.users.active_mids():
        if not allowed(ctx, mid):
            continue
        token = store.locks.acquire(mid)
        if token is None:
            continue
        store.status.set(mid, "queued", message="每日刷新已排队")
        queued += send_refresh(ctx, mid, token)
    log.info("daily refresh queued for %d users", queued)
    return queued
