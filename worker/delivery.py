"""Writes to a person's 稍后再看: the daily delivery of picks, and taking them back.

Rules (issue 11; docs/reliability.md, "稍后再看 writes"):
- Only what the record (``store.toview``) names is ever removed: never an entry the
  user added. Each day's clean-up removes every earlier addition of ours, watched or not,
  unless the user favourited it: that one is theirs from then on (it leaves the record and
  stays in the list). So at most ``count`` of ours are ever listed.
- The record is written before each add (write-ahead), so an add whose answer was lost
  (timeout, cut connection) is still known as ours; any answer that refuses it (a code,
  risk control, a cool-down that kept it from being sent) takes it out again, so a later
  clean-up can never take the user's own entry of that video for ours.
- Every write first asks whether it is still wanted (``keep_going``): a logout or an
  expired login stops the run between two writes, never after one it did not record.
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


class Stopped(Exception):
    """The run is no longer wanted (the user logged out, or logged in again during a
    logout): nothing more is written, to bilibili or to the store."""


@dataclass
class Report:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # watched/favourited: handed to the user
    error: str | None = None
    stopped: bool = False  # a logout (or a new login) ended the run between two writes


def _always() -> bool:
    return True


class _Writer:
    """One run's cookies, refreshed once on -101. ``creds``/``save``: a logout works with
    the login it snapshotted and keeps a rotation of it there, never in the live record
    (a new login may have replaced that meanwhile)."""

    def __init__(self, ctx: Context, mid: int, *, creds: Credentials | None = None,
                 save: Callable[[Credentials], None] | None = None,
                 keep_going: Callable[[], bool] = _always) -> None:
        self.ctx, self.mid = ctx, mid
        self.creds: Credentials = creds if creds is not None else load_credentials(ctx, mid)
        self._save = save
        self._keep_going = keep_going
        self._revived = False

    def check(self) -> None:
        """Before every write: raises Stopped once the run is no longer wanted."""
        if not self._keep_going():
            raise Stopped

    def write(self, call: Callable[[dict[str, str]], object]) -> object:
        self.check()
        return self.run(call)

    def run(self, call: Callable[[dict[str, str]], object]) -> object:
        try:
            return call(self.creds.cookies)
        except errors.NotLoggedIn:
            if self._revived:
                raise LoginExpired from None
            self._revived = True
            try:
                self.creds = revive(self.ctx, self.mid, self.creds, save=self._save)
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


def deliver(ctx: Context, mid: int, day: str, *,
            keep_going: Callable[[], bool] = _always) -> Report:
    """Clean up earlier days' additions, then add today's top picks (up to the count).
    Raises LoginExpired; every other failure ends up in ``report.error``. Once
    ``keep_going`` says no, nothing more is written (``report.stopped``)."""
    store = ctx.store
    settings = store.toview.settings(mid)
    report = Report()
    if not settings.enabled:
        return report
    writer = _Writer(ctx, mid, keep_going=keep_going)
    try:
        listed = _listing(writer)
        _clean_up(ctx, writer, mid, day, listed, report)
        _add(ctx, writer, mid, day, listed, settings.count, report)
    except Stopped:
        report.stopped = True
        return report
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
    faved = store.events.favourited(mid)
    for entry in store.toview.added(mid):
        writer.check()
        item = listed.get(entry.aid)
        if item is None:  # the user removed it, or bilibili dropped it
            store.toview.forget_added(mid, [entry.aid])
            continue
        if entry.day >= day:
            continue  # today's: the user has not had a day with it yet
        if entry.bvid in faved:
            store.toview.forget_added(mid, [entry.aid])  # favourited: theirs now
            report.kept.append(entry.bvid)
            continue
        # Watched or not, yesterday's pick has had its day: the list keeps only today's.
        writer.write(lambda c, aid=entry.aid: ctx.client.toview_del(c, aids=[aid]))
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
        writer.check()
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
        except LoginExpired:
            store.toview.forget_added(mid, [aid])  # -101: not applied
            raise
        except errors.BiliError as exc:
            if refused(exc):
                store.toview.forget_added(mid, [aid])  # certainly not added
            raise  # a lost answer keeps the record: the add may have happened
        store.toview.remember(mid, bvid, day)
        report.added.append(bvid)
        room -= 1


def refused(exc: errors.BiliError) -> bool:
    """Whether an error says a write was certainly not applied: bilibili answered it with
    a code, risk control stopped it (-352, -412), or a cool-down kept it from being sent.
    A timeout, a cut connection or an HTTP 5xx page may hide an applied write."""
    return exc.code is not None or isinstance(exc, errors.RiskControl)


def undo(ctx: Context, mid: int, *, creds: Credentials | None = None,
         save: Callable[[Credentials], None] | None = None,
         keep_going: Callable[[], bool] = _always) -> Report:
    """Remove everything ours that is still in the list, watched or not, except what the
    user favourited (theirs); forget the rest of the record. Raises LoginExpired; on other
    failures the unremoved records stay for another try. ``creds``/``save``: see _Writer."""
    store = ctx.store
    report = Report()
    if not store.toview.added(mid):
        return report
    writer = _Writer(ctx, mid, creds=creds, save=save, keep_going=keep_going)
    faved = store.events.favourited(mid)
    try:
        listed = _listing(writer)
        for entry in store.toview.added(mid):
            if entry.aid in listed and entry.bvid in faved:
                report.kept.append(entry.bvid)
            elif entry.aid in listed:
                writer.write(lambda c, aid=entry.aid: ctx.client.toview_del(c, aids=[aid]))
                report.removed.append(entry.bvid)
            store.toview.forget_added(mid, [entry.aid])
    except Stopped:
        report.stopped = True
        return report
    except errors.CsrfMismatch:
        report.error = CSRF
    except (errors.Transient, errors.RiskControl):
        report.error = BUSY
    store.toview.set_error(mid, report.error)
    return report

