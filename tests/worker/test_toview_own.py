"""The user's own 稍后再看 entries through a real Celery worker against the simulator:
read once per refresh, weak positive events, never picked while listed; the entries
this project added (``store.toview``'s record) are not the user's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bilibili.client import BiliClient
from bilibili.http import Hosts, Transport
from store import Store
from tests.support import LEAN, kill_worker, log_in_directly, start_worker
from tests.worker.test_follows import _calls, _refresh
from web.queue import TaskQueue

TOVIEW = "/x/v2/history/toview"


@pytest.mark.integration
def test_own_watch_later_entries_are_signals_and_never_picked(
    private_settings, private_sim, store: Store,
) -> None:
    settings, control = private_settings, private_sim
    # No video details: no backfill runs, so each refresh below is one sync.
    settings = replace(settings, **{**LEAN, "first_sync_metadata": 0, "metadata_per_sync": 0})
    mid = log_in_directly(settings, control, store)
    listed = control("GET", f"/user/{mid}/toview").json()["list"]
    assert len(listed) >= 3
    ours = listed[0]  # as if the delivery had put it there
    store.toview.record_added(mid, ours["aid"], ours["bvid"], "2026-12-01")
    proc = start_worker(settings)
    try:
        queue = TaskQueue(settings.redis_url)
        doc = _refresh(store, queue, mid, first=True)
        assert _calls(control, TOVIEW) == 1  # one cheap request per refresh
        own = store.toview_own.bvids(mid)
        assert own == {e["bvid"] for e in listed[1:]}
        kinds = {e.bvid: e.kind for e in store.events.all(mid) if e.kind == "toview"}
        assert set(kinds) == own
        assert not own & store.events.touched(mid)  # excluded while listed, not for ever

        # The user puts today's best picks in 稍后再看: the next picks leave them out.
        best = [doc["hot"][0]["bvid"], doc["explore"][0]["bvid"]]
        creds = store.credentials.load(mid)
        client = BiliClient(Transport(Hosts(settings.api_base, settings.passport_base,
                                            settings.www_base)), device=store.device.get())
        for bvid in best:
            client.toview_add(creds.cookies, aid=_aid(bvid))
        doc = _refresh(store, queue, mid)
        assert _calls(control, TOVIEW) == 2
        assert set(best) <= store.toview_own.bvids(mid)
        picked = {p["bvid"] for s in ("hot", "explore") for p in doc[s]}
        assert not picked & store.toview_own.bvids(mid)
        assert ours["bvid"] not in store.toview_own.bvids(mid)

        # Taken out of the list, an entry is no longer excluded as listed.
        client.toview_del(creds.cookies, aids=[_aid(best[0])])
        _refresh(store, queue, mid)
        assert best[0] not in store.toview_own.bvids(mid) and best[1] in store.toview_own.bvids(mid)
    finally:
        kill_worker(proc)


def _aid(bvid: str) -> int:
    from bilibili.ids import bv_to_av

    return bv_to_av(bvid)
