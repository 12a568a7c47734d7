"""The shared hot pools' tags, against the simulator over real HTTP: a fresh installation
publishes its pools before their tags, the tag pass then tags every candidate (each video
once), and it gives way to a user waiting for their first picks without losing a tag."""

from __future__ import annotations

from dataclasses import replace

import pytest

from store import Store, UserProfile
from worker.candidates import refresh_hot, tag_hot, untagged_share
from worker.context import context_for
from worker.hot_tags import Deferred, first_picks_first, scored_before_tags

DETAILS = "/x/web-interface/wbi/view/detail"  # details: tags, 充电专属, dimension in one request


@pytest.fixture
def ctx(fast_settings):
    settings = replace(fast_settings, hot_pool_cap=30, ranking_rids=(0, 1),
                       tag_fetch_per_pool=30)
    yield context_for(settings)
    context_for.cache_clear()


def _tag_requests(sim) -> int:
    return sim("GET", "/counters").json()["by_path"].get(DETAILS, 0)


def test_pools_go_out_untagged_then_the_pass_tags_every_candidate_once(ctx, store, sim):
    sim("POST", "/counters/reset")
    refresh_hot(store, ctx.client, ctx.settings, tag=False)
    assert _tag_requests(sim) == 0 and untagged_share(store) == 1.0
    assert not store.pools.tags_done()
    published = store.pools.hot_version()
    fetched = tag_hot(store, ctx.client, ctx.settings)
    assert fetched and fetched == _tag_requests(sim)  # a video in two pools: asked once
    assert untagged_share(store) == 0.0
    assert store.pools.tags_done() and store.pools.hot_version() != published
    # Cached for the video's lifetime: beat's next refresh asks for none of them again.
    sim("POST", "/counters/reset")
    refresh_hot(store, ctx.client, ctx.settings)
    assert _tag_requests(sim) == 0 and untagged_share(store) == 0.0


def test_the_pass_gives_way_to_first_picks_and_keeps_what_it_fetched(ctx, store, sim):
    sim("POST", "/counters/reset")
    refresh_hot(store, ctx.client, ctx.settings, tag=False)
    store.users.activate(UserProfile(42, "new"))
    token = store.locks.acquire(42)  # their first refresh runs: no picks yet
    calls = []

    def after_some() -> None:
        calls.append(1)
        if len(calls) > 25:  # past a batch of cached tags
            first_picks_first(store)

    with pytest.raises(Deferred):
        tag_hot(store, ctx.client, ctx.settings, before_fetch=after_some)
    kept = _tag_requests(sim)
    assert kept == 25 and not store.pools.tags_done()
    store.picks.save(42, "2026-12-07", {"date": "2026-12-07", "hot": [], "explore": []})
    store.pools.note_scored(42, "2026-12-07", complete=False)
    first_picks_first(store)  # they have picks now: the pass goes on
    store.locks.release(42, token)
    fetched = tag_hot(store, ctx.client, ctx.settings,
                      before_fetch=lambda: first_picks_first(store))
    assert _tag_requests(sim) == kept + fetched  # none of the first 25 asked again
    assert untagged_share(store) == 0.0
    assert scored_before_tags(store, "2026-12-07") == [42]


def test_no_pools_count_as_untagged(store: Store):
    assert untagged_share(store) == 1.0
