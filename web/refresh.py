"""Queueing a user's refresh: take the per-user lock, mark queued, send the task."""

from __future__ import annotations

from web.context import WebContext


def queue_refresh(ctx: WebContext, mid: int, *, first: bool = False) -> bool:
    """True when a refresh was queued; False when one is already queued or running. Then
    the wish is recorded for that one: if it listed the history before this request, it
    lists again before it scores (a video watched since must not be picked)."""
    token = ctx.store.locks.acquire(mid)
    if token is None:
        ctx.store.locks.want_again(mid)
        # The running one may have ended between the two looks, without seeing the wish.
        token = ctx.store.locks.acquire(mid)
        if token is None:
            return False
    message = "已登录，正在准备你的第一份推荐…" if first else "已加入刷新队列"
    ctx.store.status.set(mid, "queued", progress=0.0, message=message)
    try:
        ctx.queue.refresh_user(mid, token, first=first)
    except Exception:
        # Nothing is queued: the status must not say it is (the caller answers 503).
        ctx.store.locks.release(mid, token)
        idle = "ready" if ctx.store.picks.latest_date(mid) else "error"
        ctx.store.status.set(mid, idle, message="任务队列暂时不可用，请稍后再点刷新")
        raise
    return True
