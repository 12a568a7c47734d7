"""Followings as a signal and as a candidate source (bilibili-api.md §15).

* The list of followed UP主 is read at most once a day per user (a stored "next read
  at"), and incrementally: page 1 is newest follow first, so when its newest follow and
  the list's size are what is stored, nothing changed and one request was all it cost.
  The model reads the list as an input (``UserModelState.set_follows``).
* "New from UP主 you follow": each refresh reads page 1 of a few followed UP主's
  uploads (``x/space/wbi/arc/search``), taking turns round the list, within
  ``following_requests_per_day`` requests per user per day and never the same UP主
  twice a day. Uploads newer than the newest one seen (and at most RECENT_DAYS old) join
  the user's own pool as ``source: "following"``; the model ranks them.
* arc/search is known for -352 risk control. The source is optional: a -352 turns it off
  for the user for the rest of the day, and pauses none of their other calls (docs/settings.md:
  the one exception to BILIREC_COOLDOWN_352_MIN; the client does not tell the gate).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from bilibili import errors
from bilibili.client import BiliClient
from bilibili.entities import Following
from store import Store, VideoRecord
from store.follows import Followed, FollowsMeta, UploadsRead
from worker.convert import record_from_list

log = logging.getLogger(__name__)

DAY_S = 86400
FOLLOWINGS_PS = 50  # the documented default and the simulator's cap
MAX_FOLLOWING_PAGES = 40  # 2,000 follows; bilibili's own cap on following is lower
UPLOADS_PS = 10  # page 1 of an UP主's newest: more than a day's uploads for nearly all
RECENT_DAYS = 14  # older uploads are not "new" (a first read takes only these)


@dataclass
class FollowingReport:
    list_read: bool = False  # the followings list was read this run
    requests: int = 0  # followings pages + arc/search calls made this run
    uploads_read: int = 0  # UP主 whose uploads were read
    skipped_for_day: bool = False  # arc/search refused (-352): off until tomorrow
    records: tuple[VideoRecord, ...] = ()


def sync_followings(
    store: Store, client: BiliClient, mid: int, cookies: Mapping[str, str], *, now: int,
    report: FollowingReport,
) -> None:
    """Read the user's followings if their day has come. A list that cannot be read now
    (server trouble) keeps the stored one and is tried at the next refresh; risk control
    and a dead login go up like any other call's."""
    meta = store.follows.meta(mid)
    if now < meta.next_read_at:
        return
    try:
        first = client.followings(cookies, vmid=mid, pn=1, ps=FOLLOWINGS_PS)
        report.requests += 1
        if first.hidden:
            store.follows.replace(mid, [], FollowsMeta(next_read_at=now + DAY_S))
            report.list_read = True
            return
        newest = max((f.followed_at or 0 for f in first.items), default=0)
        total = first.total if first.total is not None else len(first.items)
        if meta.total and (newest, total) == (meta.newest_at, meta.total):
            store.follows.set_next_read(mid, now + DAY_S)  # unchanged: one request today
            report.list_read = True
            return
        items = list(first.items)
        for pn in range(2, MAX_FOLLOWING_PAGES + 1):
            if not items or len(items) >= total:
                break
            page = client.followings(cookies, vmid=mid, pn=pn, ps=FOLLOWINGS_PS)
            report.requests += 1
            if not page.items:
                break
            items += page.items
    except (errors.Transient, errors.BadRequest) as exc:
        log.info("user %s: followings not read this time: %s", mid, type(exc).__name__)
        return
    store.follows.replace(mid, [_followed(f) for f in items],
                          FollowsMeta(next_read_at=now + DAY_S, newest_at=newest, total=total))
    report.list_read = True


def _followed(f: Following) -> Followed:
    return Followed(f.mid, f.name, f.followed_at or 0, f.special)


def new_uploads(
    store: Store, client: BiliClient, mid: int, cookies: Mapping[str, str], *, now: int,
    day: int, per_day: int, report: FollowingReport,
) -> None:
    """Read followed UP主's newest uploads round the list, within the day's budget."""
    if per_day <= 0 or store.follows.skipped(mid, day):
        return
    followed = store.follows.all(mid)
    if not followed:
        return
    reads = store.follows.reads(mid)
    last = store.follows.pointer(mid)
    # Take turns: start after the UP主 read last, wrap round once.
    start = next((i for i, f in enumerate(followed) if f.mid > last), 0)
    turn = followed[start:] + followed[:start]
    fresh: list[VideoRecord] = []
    for up in turn:
        seen = reads.get(up.mid)
        if seen is not None and seen.day >= day:
            continue  # never the same UP主 twice a day
        if not store.follows.take_request(mid, day, per_day):
            break
        report.requests += 1
        try:
            page = client.uploads(up.mid, ps=UPLOADS_PS, cookies=cookies)
        except errors.RiskCheckFailed:
            log.info("user %s: arc/search refused (-352); following source off for today", mid)
            store.follows.skip_day(mid, day)
            report.skipped_for_day = True
            break
        except (errors.NotFound, errors.BadRequest):
            store.follows.mark_read(mid, up.mid, UploadsRead(day, seen.newest if seen else 0))
            store.follows.set_pointer(mid, up.mid)
            continue  # an account gone or refused: not asked again today
        except errors.Transient as exc:
            log.info("user %s: uploads of %s not read: %s", mid, up.mid, type(exc).__name__)
            break
        since = max(seen.newest if seen else 0, now - RECENT_DAYS * DAY_S)
        new = [v for v in page.items if (v.pubdate or 0) > since]
        fresh += [record_from_list(v, "following") for v in new]
        newest = max([seen.newest if seen else 0, *(v.pubdate or 0 for v in page.items)])
        store.follows.mark_read(mid, up.mid, UploadsRead(day, newest))
        store.follows.set_pointer(mid, up.mid)
        report.uploads_read += 1
    report.records += tuple(fresh)
