"""Tasks that take the picks to the user: 稍后再看 (add, clean up, undo), the morning push
message (queued to ``worker.tasks_push``), and the logout that first takes back what we
added.

They run after a refresh has stored its picks, never inside it: nothing here can fail a
refresh. Arguments are a mid (and a date or token), never a cookie or a URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task

from bilibili import errors
from bilibili.login import Credentials
from worker import delivery, tasks_push
from worker.chain import task_context
from worker.context import Context
from worker.cookies import LOGIN_EXPIRED, mark_login_expired

log = logging.getLogger(__name__)

DELIVER_USER = "bilirec.deliver_user"


def wants_delivery(ctx: Context, mid: int) -> bool:
    """Whether a finished refresh has anything to deliver (saves an empty task)."""
    store = ctx.store
    return store.toview.settings(mid).enabled or store.push.target(mid) is not None


@shared_task(bind=True, name=DELIVER_USER, acks_late=True)
def deliver_user(self, mid: int, day: str) -> None:
    """After a refresh: the morning message (a push task, never sent from here: a slow
    webhook must not hold a sync thread), then 稍后再看. Failures are recorded for the
    page, never raised."""
    ctx = task_context(self)
    if not ctx.store.users.is_active(mid):
        return
    if ctx.store.push.target(mid) is not None:
        tasks_push.queue_picks(mid, day)
    with ctx.store.toview.writing(mid) as held:
        if not held:
            log.info("user %s: another task writes to 稍后再看; delivery skipped", mid)
            return
        # Logout takes this lock too (or leaves the rest to logout_user, which waits for
        # it): asked again under the lock, and before every write, so nothing is added or
        # recorded for a user who is gone or going.
        if not still_here(ctx, mid):
            return
        try:
            report = delivery.deliver(ctx, mid, day, keep_going=lambda: still_here(ctx, mid))
        except delivery.LoginExpired:
            _login_expired(ctx, mid)
            return
        except Exception:  # a bug here must not touch the picks
            log.exception("user %s: 稍后再看 delivery failed", mid)
            if still_here(ctx, mid):
                ctx.store.toview.set_error(mid, "添加到稍后再看时出错，下次刷新时再试")
            return
    if report.stopped:
        log.info("user %s: logged out during 稍后再看 delivery; stopped", mid)
        return
    log.info("user %s: 稍后再看 +%d -%d (kept %d)%s", mid, len(report.added),
             len(report.removed), len(report.kept), " with an error" if report.error else "")


def still_here(ctx: Context, mid: int) -> bool:
    """Logged in, and no logout pending: writes for this user are still wanted."""
    return ctx.store.users.is_active(mid) and ctx.store.leaving.token(mid) is None


def _login_expired(ctx: Context, mid: int) -> None:
    ctx.store.toview.set_error(mid, LOGIN_EXPIRED)
    mark_login_expired(ctx, mid)


@shared_task(bind=True, name="bilirec.toview_undo", acks_late=True)
def toview_undo(self, mid: int) -> None:
    """撤销全部: waits for a running delivery to finish, then removes what it added too."""
    ctx = task_context(self)
    with ctx.store.toview.writing(mid, wait_s=300) as held:
        if not held:
            ctx.store.toview.set_error(mid, "撤销未能开始（另一项写入一直未结束），请稍后再试")
            return
        try:
            delivery.undo(ctx, mid, keep_going=lambda: still_here(ctx, mid))
        except delivery.LoginExpired:
            _login_expired(ctx, mid)


@shared_task(bind=True, name="bilirec.logout_user", acks_late=True)
def logout_user(self, mid: int, token: str) -> None:
    """The rest of a logout whose user had entries of ours in 稍后再看 (or a delivery
    running): remove them, log out of bilibili, then forget the user. It works with the
    login snapshotted when the logout began, and stops (nothing more removed, no bilibili
    exit, nothing forgotten) once a new login has cancelled it."""
    ctx = task_context(self)
    store = ctx.store

    def pending() -> bool:
        return store.leaving.token(mid) == token

    if not pending():
        return  # done already, an older logout, or cancelled by a new login
    with store.toview.writing(mid, wait_s=300):
        # A delivery still holding the lock after the wait stops at its next write.
        _take_back(ctx, mid, token, pending)
    if not pending():
        log.info("user %s: logged in again during logout; bilibili session kept", mid)
        return
    try:
        saved = store.leaving.credentials(mid)
        if saved is not None:
            ctx.login.logout(Credentials(saved.cookies, saved.refresh_token))
    except (errors.BiliError, ValueError) as exc:  # DecryptionError is a ValueError
        log.warning("bilibili logout for %s failed: %s", mid, type(exc).__name__)
    except Exception as exc:  # network trouble: local data goes anyway
        log.warning("bilibili logout for %s failed: %s", mid, type(exc).__name__)
    if not store.finish_leaving(mid, token):
        log.info("user %s: logged in again during logout; data kept", mid)


def _take_back(ctx: Context, mid: int, token: str, pending: Callable[[], bool]) -> None:
    store = ctx.store
    try:
        saved = store.leaving.credentials(mid)
        if saved is None:
            return  # no login to remove anything with
        delivery.undo(
            ctx, mid, creds=Credentials(saved.cookies, saved.refresh_token),
            # A rotation spends the snapshot's refresh_token: keep the new one there.
            save=lambda c: store.leaving.save_credentials(mid, token, c.cookies,
                                                          c.refresh_token),
            keep_going=pending)
    except delivery.LoginExpired:
        log.info("user %s: login dead at logout; 稍后再看 entries left", mid)
    except Exception:  # the user asked to be forgotten regardless
        log.exception("user %s: taking back 稍后再看 at logout failed", mid)
