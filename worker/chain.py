"""What every step of a user's refresh chain shares: its context, the lease it runs under,
the checks that it is still wanted, and the ways it ends or waits. The tasks are in
``worker.tasks``; a step is one of them wrapped in ``guarded``."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from typing import Any

import redis

from worker import lease
from worker.context import Context, context_for
from worker.sync import LISTING_MESSAGE, listing_complete

log = logging.getLogger(__name__)

NOT_ALLOWED = "该账号不在本站允许的名单中，已停止刷新"


@dataclass(frozen=True)
class Handover:
    """What one step of a refresh tells the next. It travels as a task argument (JSON
    through the broker), so ``to_json``/``of`` at each end; an unknown or missing field
    (a message from an older release) takes its default."""

    backfill: bool = False  # more details to fetch, and this run got some
    likes_hidden: bool = False
    relists: int = 0  # listings again for refreshes asked meanwhile
    trained: bool = False
    auc: float | None = None
    rescore: bool = False  # scoring only, from the stored pools (new rules)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, raw: dict[str, Any] | None) -> Handover:
        raw = raw if isinstance(raw, dict) else {}
        return cls(**{f.name: raw[f.name] for f in fields(cls) if f.name in raw})


def task_context(task) -> Context:  # a bound Celery task
    return context_for(task.app.conf.bilirec_settings)


def finish(ctx: Context, mid: int, token: str, state: str, message: str, **kw) -> None:
    """End a refresh: final state, and the lock freed for the next one."""
    ctx.store.status.set(mid, state, progress=1.0 if state == "ready" else 0.0,
                         message=message, **kw)
    ctx.store.locks.release(mid, token)


def still_wanted(ctx: Context, mid: int, token: str) -> bool:
    """False (lock freed) once the user logged out or their login expired, and False when
    another refresh holds the lock now. After a logout mid-step, whatever the step wrote
    since is deleted again."""
    if not allowed(ctx, mid):
        ctx.store.locks.release(mid, token)
        return False
    if not ctx.store.users.is_active(mid):
        if ctx.store.users.get(mid) is None:
            ctx.store.forget_user(mid)
        ctx.store.locks.release(mid, token)
        return False
    if not ctx.store.locks.hold(mid, token, ctx.settings.refresh_lease_s):
        log.info("user %s: a newer refresh holds the lock; this one stops", mid)
        return False
    return True


def retry_later(ctx: Context, mid: int, token: str, *, delay_s: float, attempt: int,
                 why: str) -> None:
    """Wait in the store, not in the broker: beat requeues the sync step when it is due."""
    ctx.store.locks.hold(mid, token, delay_s + ctx.settings.refresh_lock_ttl_s)
    ctx.store.status.set(mid, "queued", message=waiting_message(ctx, mid, why))
    ctx.store.retries.schedule(mid, token, delay_s=delay_s, attempt=attempt)


@contextlib.contextmanager
def guarded(task, ctx: Context, mid: int, token: str,  # a bound task
             attempt: int = 0) -> Iterator[lease.Lease | None]:
    """A step under its lease (``None``: a duplicate delivery, do nothing). A bug or an
    unexpected failure ends the refresh cleanly (lock freed, state said); Redis going
    away mid-step retries it once Redis is back."""
    settings = ctx.settings
    try:
        with lease.running(ctx.store, mid, token, lease_s=settings.refresh_lease_s,
                           task_id=task.request.id or "",
                           keep_s=2 * settings.broker_visibility_timeout_s) as held:
            yield held
    except redis.RedisError:
        log.warning("user %s: Redis unavailable mid-refresh; waiting for it", mid)
        # Not past half the visibility timeout, when the broker would deliver it again.
        if not lease.redis_back(ctx.store, min(lease.REDIS_WAIT_S,
                                               settings.broker_visibility_timeout_s / 2)):
            raise  # not acked either, so the broker delivers the step again
        retry_later(ctx, mid, token, delay_s=0, attempt=attempt,
                     why="存储连接中断，稍后自动继续")
    except Exception:
        log.exception("user %s: refresh step failed", mid)
        finish(ctx, mid, token, idle_state(ctx, mid), "生成推荐时出错，下次刷新会再试")


def allowed(ctx: Context, mid: int) -> bool:
    """BILIREC_ALLOWED_MIDS, asked at every refresh, not only at login: a mid taken off
    the list stops being refreshed (kept like an expired login, until it logs out)."""
    if ctx.settings.mid_allowed(mid):
        return True
    if ctx.store.users.is_active(mid):
        log.warning("user %s: not in BILIREC_ALLOWED_MIDS any more; refreshes stop", mid)
        ctx.store.users.deactivate(mid)
        ctx.store.status.set(mid, "error", message=NOT_ALLOWED)
    return False


def idle_state(ctx: Context, mid: int) -> str:
    """"ready" while older picks exist (a failed refresh does not hide them), else error."""
    return "ready" if ctx.store.picks.latest_date(mid) else "error"


def waiting_message(ctx: Context, mid: int, why: str) -> str:
    """The status line while a refresh waits: says so when the exclusion set is not yet
    complete, so no picks can come before it is."""
    if listing_complete(ctx.store, mid):
        return why
    return f"{LISTING_MESSAGE}：{why}"
