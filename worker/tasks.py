"""Celery tasks. A user's refresh is one chain guarded by the per-user refresh lock.

Tasks take a mid (never a cookie) and write their progress to the store, where the web
reads it.
"""

from __future__ import annotations

import logging

from celery import shared_task

from bilibili import errors
from bilibili.login import Credentials
from worker.context import Context, context_for

log = logging.getLogger(__name__)

RETRY_DELAYS_S = (60, 300, 1800)


def _ctx(task) -> Context:  # noqa: ANN001 - a bound Celery task
    return context_for(task.app.conf.bilirec_settings)


@shared_task(bind=True, name="bilirec.refresh_user", max_retries=len(RETRY_DELAYS_S))
def refresh_user(self, mid: int, lock_token: str) -> None:
    """Refresh one user: check the login, then (as later steps land) sync → train → score."""
    ctx = _ctx(self)
    store = ctx.store
    if not store.users.is_active(mid):
        store.locks.release(mid, lock_token)
        return
    store.status.set(mid, "syncing", progress=0.05, message="正在检查登录状态")
    try:
        saved = store.credentials.load(mid)
        if saved is None:
            raise errors.NotLoggedIn("no stored credentials", code=-101)
        ctx.login.account(Credentials(saved.cookies, saved.refresh_token))
    except errors.NotLoggedIn:
        log.info("user %s: bilibili login expired", mid)
        store.users.deactivate(mid)
        store.status.set(mid, "login_expired", message="bilibili 登录已失效，请重新扫码登录")
        store.locks.release(mid, lock_token)
        return
    except (errors.Transient, errors.RiskControl) as exc:
        retries = self.request.retries
        if retries < len(RETRY_DELAYS_S):
            delay = RETRY_DELAYS_S[retries]
            message = f"bilibili 暂时不可用（{_why(exc)}），{delay // 60} 分钟后重试"
            store.status.set(mid, "queued", message=message)
            raise self.retry(countdown=delay) from None
        store.status.set(mid, "error", message="bilibili 多次无响应，稍后会自动重试")
        store.locks.release(mid, lock_token)
        return
    store.status.set(mid, "queued", message="已确认登录，等待同步")
    store.locks.release(mid, lock_token)


@shared_task(bind=True, name="bilirec.refresh_all")
def refresh_all(self) -> int:
    """Beat's daily fan-out: one refresh per active user; users already refreshing are skipped."""
    store = _ctx(self).store
    queued = 0
    for mid in store.users.active_mids():
        token = store.locks.acquire(mid)
        if token is None:
            continue
        refresh_user.apply_async(args=[mid, token])
        queued += 1
    log.info("daily refresh queued for %d users", queued)
    return queued


def _why(exc: errors.BiliError) -> str:
    if isinstance(exc, errors.RiskControl):
        return "bilibili 要求放慢请求"
    return "网络或服务器错误"
