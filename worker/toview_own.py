"""The user's 稍后再看 (watch later) as a signal: one request per refresh reads the list;
the entries the user added themselves (not those this project delivered, which
``store.toview`` records) become weak positive events (``toview``) and are never picked
while they are listed. Entries of ours are left alone: they are picks already."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bilibili import errors
from bilibili.client import BiliClient
from store import BehaviourEvent, Store
from worker.convert import record_from_list

log = logging.getLogger(__name__)


def read_own_toview(store: Store, client: BiliClient, mid: int,
                cookies: Mapping[str, str]) -> int | None:
    """Refresh the user's own entries; returns how many there are (None: not read now,
    the last list read stays in force). A dead login and risk control go up."""
    try:
        items = client.toview(cookies)
    except (errors.Transient, errors.BadRequest) as exc:
        log.info("user %s: 稍后再看 not read this time: %s", mid, type(exc).__name__)
        return None
    added = store.toview.added(mid)
    ours_aids = {a.aid for a in added}
    ours_bvids = {a.bvid for a in added}
    own = [i for i in items if i.aid not in ours_aids and i.bvid not in ours_bvids]
    store.toview_own.replace(mid, [i.bvid for i in own])
    events = [BehaviourEvent("toview", i.bvid, i.add_at or 0, progress=i.progress or 0,
                             duration=i.video.duration or 0) for i in own]
    store.events.append(mid, events)
    # Partial metadata for the model (never over a full record): tags come later, if ever.
    records = {i.bvid: record_from_list(i.video) for i in own}
    known = store.videos.get_many(list(records))
    store.videos.put([r for b, r in records.items() if b not in known])
    return len(own)
