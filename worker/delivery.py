"""Writes to a person's 稍后再看: the daily delivery of picks, and taking them back.

Rules (issue 11; docs/reliability.md, "稍后再看 writes"):
- Only what the record (``store.toview``) names is ever removed: never an entry the
  user added. An entry we added that the user then watched or favourited is theirs from
  then on: it leaves the record and stays in the list.
- The record is written before each add (write-ahead), so an add whose answer was lost
  (timeout) is still known as ours; a definite refusal takes it out again.
- No write is retried blindly: a transient failure stops the run (the next refresh goes
  on); -101 means the write was not applied, so after one cookie refresh it is sent again.
- 90001 (list full) stops adding and says so; nothing is deleted to make room.
- Every request passes the client's gate: the shared rate limit and cool-downs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bilibili import errors
from bilibili.entities import ToviewItem
from bilibili.ids import bv_to_av
from bilibili.login import Credentials
from worker.context import Context
from worker.cookies import load_credentials, revive
from worker.push import top_picks

log = logging.getLogger(__name__)

FULL = "你的稍后再看已满（bilibili 上限约 100 个），已停止添加；清理一些后会继续"
CSRF = "bilibili 拒绝了写入（csrf 校验失败），下次刷新时再试"
BUSY = "bilibili 暂时无法访问，下次刷新时再试"


class LoginExpired(Exception):
    """-101 even after a cookie refresh: the caller takes the login-expired path."""


@dataclass
class Report:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # watched/favourited: handed to the user
    error: str | None = None


class _Writer:
    """One run's cookies, refreshed once on -101."""

    def __init__(self, ctx: Context, mid: int) -> None:
        self.ctx, self.mid = ctx, mid
        self.creds: Credentials = load_credentials(ctx, mid)
        self._revived = False

    def run(self, call: Callable[[dict[str, str]], object]) -> object:
        try:
            return call(self.creds.cookies)
        except errors.NotLoggedIn:
            if self._revived:
                raise LoginExpired from None
            self._revived = True
            try:
                self.creds = revive(self.ctx, self.mid, self.creds)
            except errors.NotLoggedIn:
                raise LoginExpired from None
            # -101 says the request was not applied: sending it again is not blind.
            try:
                return call(self.creds.cookies)
            except errors.NotLoggedIn:
                raise LoginExpired from None


def _listing(writer: _Writer) -> dict[int, ToviewItem]:
    items = writer.run(writer.ctx.client.toview)
    return {i.aid: i for i in items if i.aid is not None}  # type: ignore[union-attr]


def deliver(ctx: Context, mid: int, day: str) -> Report:
    """Clean up earlier days' additions, then add today's top picks (up to the count).
    Raises LoginExpired; every other failure ends up in ``report.error``."""
    store = ctx.store
    settings = store.toview.settings(mid)
    report = Report()
    if not settings.enabled:
        return report
    writer = _Writer(ctx, mid)
    try:
        listed = _listing(writer)
        _clean_up(ctx, writer, mid, day, listed, report)
        _add(ctx, writer, mid, day, listed, settings.count, report)
    except errors.CsrfMismatch:
        report.error = CSRF
    except (errors.Transient, errors.RiskControl) as exc:
        log.info("user %s: 稍后再看 paused: %s", mid, type(exc).__name__)
        report.error = BUSY
    store.toview.set_error(mid, report.error)
    return report


def _clean_up(ctx: Context, writer: _Writer, mid: int, day: str,
              listed: dict[int, ToviewItem], report: Report) -> None:
    store = ctx.store
    touched = store.events.touched(mid)
    for entry in store.toview.added(mid):
        item = listed.get(entry.aid)
        if item is None:  # the user removed it, or bilibili dropped it
            store.toview.forget_added(mid, [entry.aid])
            continue
        if entry.day >= day:
            continue  # today's: the user has not had a day with it yet
        if (item.progress or 0) != 0 or entry.bvid in touched:
            store.toview.forget_added(mid, [entry.aid])  # watched or favourited: theirs now
            report.kept.append(entry.bvid)
            continue
        writer.run(lambda c, aid=entry.aid: ctx.client.toview_del(c, aids=[aid]))
        store.toview.forget_added(mid, [entry.aid])
        del listed[entry.aid]
        report.removed.append(entry.bvid)


def _add(ctx: Context, writer: _Writer, mid: int, day: str, listed: dict[int, ToviewItem],
         count: int, report: Report) -> None:
    store = ctx.store
    ours = {a.aid for a in store.toview.added(mid)}
    delivered = store.toview.delivered(mid)
    room = count - len(ours)
    doc = store.picks.get(mid, day) or {}
    for pick in top_picks(doc, 10_000):
        if room <= 0:
            return
        bvid = pick["bvid"]
        try:
            aid = bv_to_av(bvid)
        except (ValueError, KeyError):
            continue
        if aid in listed or aid in ours or bvid in delivered:
            continue  # already there (the user's own, or ours), or delivered before
        store.toview.record_added(mid, aid, bvid, day,  # write-ahead
                                  title=str(pick.get("title") or ""))
        try:
            writer.run(lambda c, aid=aid: ctx.client.toview_add(c, aid=aid))
        except errors.ListFull:
            store.toview.forget_added(mid, [aid])
            report.error = FULL
            return
        except errors.NotFound:  # 90003: deleted since it was picked
            store.toview.forget_added(mid, [aid])
            continue
        except (errors.CsrfMismatch, errors.BadRequest, LoginExpired):
            store.toview.forget_added(mid, [aid])  # refused: certainly not added
            raise
        # Transient errors propagate with the record kept: the add may have happened.
        store.toview.remember(mid, bvid, day)
        report.added.append(bvid)
        room -= 1


def undo(ctx: Context, mid: int) -> Report:
    """Remove everything ours that is still in the list; forget the rest of the record.
    Raises LoginExpired; on other failures the unremoved records stay for another try."""
    store = ctx.store
    report = Report()
    if not store.toview.added(mid):
        return report
    writer = _Writer(ctx, mid)
    try:
        listed = _listing(writer)
        for entry in store.toview.added(mid):
            if entry.aid in listed:
                writer.run(lambda c, aid=entry.aid: ctx.client.toview_del(c, aids=[aid]))
                report.removed.append(entry.bvid)
            store.toview.forget_added(mid, [entry.aid])
    except errors.CsrfMismatch:
        report.error = CSRF
    except (errors.Transient, errors.RiskControl):
        report.error = BUSY
    store.toview.set_error(mid, report.error)
    return report

