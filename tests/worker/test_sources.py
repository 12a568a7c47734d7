"""Candidate sources as data (worker.sources): a source nobody else knows, registered by a
test, is fetched by the real refresh path and reaches the picks under its own name; its
registration is undone after."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from settings import Settings
from store import Store, VideoRecord
from tests.support import LEAN, ROOT, kill_worker, log_in_directly, start_worker, wait_for
from tests.worker.source_hook import precious_source
from web.queue import TaskQueue
from worker import sources
from worker.candidates import refresh_hot
from worker.context import context_for
from worker.picks import pick_json, split_candidates
from worker.refresh import sync_user
from worker.sources import HOT_SOURCES, Fetch

HOOK = Path(__file__).parent / "source_hook"
BUILT_IN_SHARED = ("hot", "weekly", "ranking")
BUILT_IN_OWN = ("following", "related", "feed")
# Only the test source fills the user's own pool: no related seeds or feed pages, no
# followed UP主's uploads, no details (whose related videos would join as "related").
ONLY_PRECIOUS = {**LEAN, "related_seeds": 0, "feed_pages": 0, "following_requests_per_day": 0,
                 "first_sync_metadata": 0, "metadata_per_sync": 0}


@pytest.fixture
def precious():
    """The test-only source, registered in this process for the test, undone after."""
    undo = sources.register(precious_source.SOURCE)
    yield precious_source.SOURCE
    undo()


def _calls(control, path: str) -> int:
    return control("GET", "/counters").json()["by_path"].get(path, 0)


def test_the_registry_holds_the_built_in_sources_in_order() -> None:
    assert tuple(HOT_SOURCES) == BUILT_IN_SHARED
    assert tuple(s.name for s in sources.own()) == BUILT_IN_OWN
    for source in sources.SOURCES.values():  # each budget names a real setting
        assert source.budget is None or source.budget in Settings.__dataclass_fields__


def test_register_adds_a_source_and_undo_removes_it(precious) -> None:
    assert sources.own()[-1] is precious and sources.known("precious")
    with pytest.raises(ValueError):
        sources.register(precious)
    shared = replace(precious, name="precious_hot", shared=True)
    undo = sources.register(shared)
    try:
        assert tuple(HOT_SOURCES) == (*BUILT_IN_SHARED, "precious_hot")
    finally:
        undo()
    assert tuple(HOT_SOURCES) == BUILT_IN_SHARED and not sources.known("precious_hot")


def test_a_registered_source_fills_the_pools_in_process(precious, private_settings,
                                                        private_sim, store: Store) -> None:
    settings = replace(private_settings, **ONLY_PRECIOUS)
    mid = log_in_directly(settings, private_sim, store)
    ctx = context_for(settings)
    report = sync_user(ctx, mid)
    while not report.listing_complete:
        report = sync_user(ctx, mid)
    pool = store.pools.user(mid)
    assert pool and {r.source for r in pool} == {"precious"}
    assert _calls(private_sim, precious_source.PATH) >= 1
    assert pick_json(pool[0], 50, ["x"])["source"] == "precious"

    # As a shared source: its own hot pool, in 热门精选's candidates.
    undo = sources.register(replace(precious, name="precious_hot", shared=True,
                                    fetch=_relabelled(precious.fetch, "precious_hot")))
    try:
        sizes = refresh_hot(store, ctx.client, settings)
        assert sizes["precious_hot"] > 0 and set(sizes) == {*BUILT_IN_SHARED, "precious_hot"}
        _, pools = store.pools.hot_many(HOT_SOURCES)
        hot, _ = split_candidates(pools, ())
        assert "precious_hot" in {r.source for r in hot}
    finally:
        undo()


def _relabelled(fetch: Callable[[Fetch], list[VideoRecord]],
                name: str) -> Callable[[Fetch], list[VideoRecord]]:
    return lambda f: [replace(r, source=name) for r in fetch(f)]


@pytest.mark.integration
def test_a_registered_source_reaches_the_picks_through_the_worker(private_settings,
                                                                  private_sim, store) -> None:
    """The worker registers the source at start (source_hook/sitecustomize.py); the
    refresh the web queues (sync, train, score) makes explore picks of it."""
    settings = replace(private_settings, **ONLY_PRECIOUS)
    mid = log_in_directly(settings, private_sim, store)
    proc = start_worker(settings, extra_env={"PYTHONPATH": f"{HOOK}{os.pathsep}{ROOT}"})
    try:
        TaskQueue(settings.redis_url).refresh_user(mid, store.locks.acquire(mid), first=True)

        def picks() -> dict | None:
            date = store.picks.latest_date(mid)
            return store.picks.get(mid, date) if date and not store.locks.held(mid) else None

        doc = wait_for(picks, timeout_s=240, what="the first picks")
    finally:
        kill_worker(proc)
    assert doc["explore"] and {p["source"] for p in doc["explore"]} == {"precious"}
    assert doc["hot"] and {p["source"] for p in doc["hot"]} <= set(BUILT_IN_SHARED)
    assert _calls(private_sim, precious_source.PATH) == 1  # one request, one refresh
    watched = store.events.touched(mid)
    assert not {p["bvid"] for p in doc["explore"]} & watched
