"""Nothing the user watched, favourited, liked or coined is ever picked: on the first
picks, a simulated day later and three days later. Ten simulated users with long
histories (500–1,000 items) whose watched videos do reach the candidate pools, through real
Celery workers (sync and ml) against the simulator over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests

from settings import Settings
from simulator.world import World
from store import Store
from tests.support import ServerThread, kill_worker, log_in_directly, start_worker, wait_for
from web.queue import TaskQueue
from worker.candidates import refresh_hot
from worker.context import context_for

USERS = 10
SEED = 11


@pytest.fixture
def ten_users(fast_settings: Settings) -> Iterator[tuple[Settings, object]]:
    from simulator.app import create_app

    server = ServerThread(create_app(seed=SEED, n_users=USERS))
    requests.get(f"{server.url}/_sim/world", timeout=60).raise_for_status()
    settings = replace(
        fast_settings, api_base=server.url, passport_base=server.url, www_base=server.url,
        # Small pools and no video details keep it quick (the model learns from the list
        # answers alone); the listing itself is never capped.
        hot_pool_cap=60, user_pool_cap=60, tag_fetch_per_pool=5, first_user_tag_fetch=5,
        user_tag_fetch=5, first_sync_metadata=0, metadata_per_sync=0,
    )

    def control(method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{server.url}/_sim{path}", timeout=30, **kwargs)

    yield settings, control
    server.stop()


def _touched(world: World, mid: int) -> set[str]:
    """Everything the user watched, favourited, liked or coined, from the world itself."""
    u = world.user(mid)
    indices = set(u.watched) | {i for i, _ in u.likes} | {i for i, _, _ in u.coins}
    indices |= {i for f in u.folders for i, _ in f.items}
    return {world.cat.videos[i].bvid for i in indices}


def _picks(store: Store, mid: int) -> tuple[str, list[str]]:
    date = store.picks.latest_date(mid)
    doc = store.picks.get(mid, date) if date else None
    if not doc:
        return "", []
    return doc["generated_at"], [p["bvid"] for s in ("hot", "explore") for p in doc[s]]


def _refresh_all(store: Store, queue: TaskQueue, mids: list[int], *, first: bool) -> None:
    """Queue each user's refresh as the web and beat do, then wait for its new picks."""
    tokens = {m: wait_for(lambda m=m: store.locks.acquire(m), timeout_s=120,
                          what="the user's previous refresh") for m in mids}
    before = {m: _picks(store, m)[0] for m in mids}  # nothing else runs while locked
    for mid, token in tokens.items():
        queue.refresh_user(mid, token, first=first)

    def all_new() -> bool:
        return all(_picks(store, m)[0] > before[m] for m in mids)

    wait_for(all_new, timeout_s=300, what="new picks for every user")


@pytest.mark.integration
def test_no_pick_was_ever_watched(ten_users, store: Store) -> None:
    started = time.monotonic()
    settings, control = ten_users
    world = World(SEED, n_users=USERS)  # the simulator's world, replayed here as the truth
    mids = sorted(world.specs)
    for mid in mids:
        assert len([w for w in world.user(mid).history if w.kind == "archive"]) >= 500
        log_in_directly(settings, control, store, mid)
    queue = TaskQueue(settings.redis_url)
    ctx = context_for(settings)
    # A sync worker and an ml worker, as deployed: one user's sync runs while another's
    # model trains.
    workers = [start_worker(settings, "sync_first,sync"), start_worker(settings, "ml")]
    try:
        for day, step in ((0, 0), (1, 1), (3, 2)):
            if step:
                world.advance(step)
                assert control("POST", "/advance_day", json={"days": step}).ok
            refresh_hot(ctx.store, ctx.client, ctx.settings)  # beat's job, every few hours
            hot = {r.bvid for s in ("hot", "weekly", "ranking") for r in store.pools.hot(s)}
            _refresh_all(store, queue, mids, first=not day)
            for mid in mids:
                touched = _touched(world, mid)
                if not day:  # the whole history was listed, as the world has it
                    stored = {e.bvid for e in store.events.all(mid) if e.kind == "watch"}
                    assert stored == {world.cat.videos[i].bvid for i in world.user(mid).watched}
                # The pools really held watched videos: the filter had work to do.
                candidates = hot | {r.bvid for r in store.pools.user(mid)}
                assert len(candidates & touched) >= 5, (day, mid)
                _, picks = _picks(store, mid)
                assert len(picks) >= 20
                assert not set(picks) & touched, (day, mid, set(picks) & touched)
    finally:
        for worker in workers:
            kill_worker(worker)
        context_for.cache_clear()
    print(f"\n10 users, first picks + 1 day + 3 days: {time.monotonic() - started:.0f} s")
