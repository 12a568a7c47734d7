"""Push tasks: the morning message, a test message, and the one message that says the
bilibili login has ended. They run on the push queue (``worker.app.PUSH_QUEUE``), in a
worker of their own, so a slow webhook never holds a thread a refresh waits for.

Arguments are a mid (and a date), never a URL: the target is read from the store.
"""

from __future__ import annotations

import logging

from celery import shared_task

from store.push import PushTarget
from worker import push
from worker.app import PUSH_QUEUE
from worker.chain import task_context
from worker.context import Context

log = logging.getLogger(__name__)

PUSH_PICKS = "bilirec.push_picks"
PUSH_TEST = "bilirec.push_test"
PUSH_LOGIN_EXPIRED = "bilirec.push_login_expired"


def send(ctx: Context, mid: int, target: PushTarget, msg: push.Message, what: str) -> bool:
    """Send and record the outcome for the page; True when it got through."""
    settings = ctx.settings
    try:
        attempts = push.send(target, msg, timeout_s=settings.push_timeout_s,
                             retry_delay_s=settings.push_retry_delay_s,
                             allow_private=settings.push_allow_private)
    except push.PushFailed as exc:
        # The reason never holds the URL; the kind is enough to tell targets apart.
        log.warning("user %s: push (%s) failed: %s", mid, target.kind, exc)
        ctx.store.push.set_result(mid, ok=False, what=what, message=str(exc))
        return False
    except Exception:  # recorded and shown; never fails anything else
        log.error("user %s: push (%s) failed unexpectedly", mid, target.kind)
        ctx.store.push.set_result(mid, ok=False, what=what, message="发送时出错")
        return False
    ctx.store.push.set_result(mid, ok=True, what=what, message="已送达" if attempts == 1
                              else f"已送达（第 {attempts} 次尝试）")
    return True


def _forgotten_meanwhile(ctx: Context, mid: int) -> bool:
    """A logout that finished while the message was being sent: the push result was
    written after the user's data went, so it goes too (as a refresh step does)."""
    if ctx.store.users.is_active(mid) or ctx.store.users.get(mid) is not None:
        return False
    ctx.store.forget_user(mid)
    return True


def page_url(ctx: Context, target: PushTarget) -> str:
    """Where a tap leads: BILIREC_PUBLIC_URL when set, else the page the target was set on."""
    public = ctx.settings.public_url
    return public.rstrip("/") + "/" if public else target.page_url


@shared_task(bind=True, name=PUSH_PICKS, acks_late=True)
def push_picks(self, mid: int, day: str) -> None:
    """The day's morning message, once a day."""
    ctx = task_context(self)
    store = ctx.store
    if not store.users.is_active(mid):
        return
    target = store.push.target(mid)
    doc = store.picks.get(mid, day)
    if target is None or doc is None or store.push.sent_day(mid) == day:
        return
    if send(ctx, mid, target, push.picks_message(doc, page_url(ctx, target)), "picks"):
        store.push.mark_sent(mid, day)
    _forgotten_meanwhile(ctx, mid)


@shared_task(bind=True, name=PUSH_TEST, acks_late=True)
def push_test(self, mid: int) -> None:
    ctx = task_context(self)
    target = ctx.store.push.target(mid)
    if target is not None:
        send(ctx, mid, target, push.test_message(page_url(ctx, target)), "test")
        _forgotten_meanwhile(ctx, mid)


@shared_task(bind=True, name=PUSH_LOGIN_EXPIRED, acks_late=True)
def push_login_expired(self, mid: int) -> None:
    """登录已失效, with the page's address (queued once per expiry, see
    ``worker.cookies.mark_login_expired``)."""
    ctx = task_context(self)
    target = ctx.store.push.target(mid)
    if target is not None and not ctx.store.users.is_active(mid):
        send(ctx, mid, target, push.login_expired_message(page_url(ctx, target)),
             "login_expired")


def queue_picks(mid: int, day: str) -> None:
    push_picks.apply_async(args=[mid, day], queue=PUSH_QUEUE)


def queue_login_expired(mid: int) -> None:
    push_login_expired.apply_async(args=[mid], queue=PUSH_QUEUE)
