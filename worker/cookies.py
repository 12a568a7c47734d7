"""The daily cookie check (§11): rotate the login cookies when bilibili asks for it, and
try a refresh once when a call says the login is dead."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bilibili import errors
from bilibili.login import Credentials
from worker import tasks_push
from worker.context import Context

log = logging.getLogger(__name__)

CHECK_EVERY_S = 86400
LOGIN_EXPIRED = "bilibili 登录已失效，请重新扫码登录"


def mark_login_expired(ctx: Context, mid: int) -> None:
    """The stored login is dead: no more refreshes until the user scans again; picks and
    model are kept. The user is told where they already look, once per expiry (the
    refresh and the delivery may both find it dead): an entry at the top of their feed,
    and a message to their push target when one is set."""
    store = ctx.store
    profile = store.users.get(mid)
    store.users.deactivate(mid)
    store.status.set(mid, "login_expired", message=LOGIN_EXPIRED)
    login_at = profile.logged_in_at if profile else 0.0
    if not store.atom.note_login_expired(mid, login_at=login_at, at=time.time()):
        return
    if store.push.target(mid) is None:
        return
    try:
        tasks_push.queue_login_expired(mid)
    except Exception as exc:  # the page and the feed say it anyway
        log.warning("user %s: could not queue the 登录已失效 message: %s", mid,
                    type(exc).__name__)


def load_credentials(ctx: Context, mid: int) -> Credentials:
    saved = ctx.store.credentials.load(mid)
    if saved is None:
        raise errors.NotLoggedIn("no stored credentials", code=-101)
    return Credentials(saved.cookies, saved.refresh_token)


def daily_check(ctx: Context, mid: int, creds: Credentials) -> Credentials:
    """Rotate the cookies if bilibili wants it (at most one check a day)."""
    checked = ctx.store.cursors.get(mid, "cookie_checked_at")
    if time.time() - checked < CHECK_EVERY_S:
        return creds
    if ctx.refresher.needs_refresh(creds.cookies):
        creds = _rotate(ctx, mid, creds)
    ctx.store.cursors.set(mid, "cookie_checked_at", int(time.time()))
    return creds


def revive(ctx: Context, mid: int, creds: Credentials, *,
           save: Callable[[Credentials], None] | None = None) -> Credentials:
    """After -101: one refresh attempt; NotLoggedIn when the login is really dead.
    ``save`` keeps the rotated login somewhere else than the user's record (a logout's
    snapshot)."""
    try:
        return _rotate(ctx, mid, creds, save=save)
    except (errors.NotLoggedIn, errors.BadRequest, errors.CsrfMismatch) as exc:
        raise errors.NotLoggedIn(f"cookie refresh failed ({type(exc).__name__})") from None


def _rotate(ctx: Context, mid: int, creds: Credentials, *,
            save: Callable[[Credentials], None] | None = None) -> Credentials:
    def keep(fresh: Credentials) -> None:
        ctx.store.credentials.save(mid, fresh.cookies, fresh.refresh_token)
        # A logout pending since a step began works with a snapshot of this login, whose
        # refresh_token this rotation just spent: the snapshot follows.
        leaving = ctx.store.leaving.token(mid)
        if leaving is not None:
            ctx.store.leaving.save_credentials(mid, leaving, fresh.cookies,
                                               fresh.refresh_token)

    # Saved the moment cookie/refresh answers, before confirm/refresh: the old
    # refresh_token is spent by then, so a crash in between must not lose the new one.
    fresh = ctx.refresher.refresh(creds.cookies, creds.refresh_token, on_refreshed=save or keep)
    log.info("user %s: bilibili cookies rotated", mid)
    return fresh
