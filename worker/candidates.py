"""Candidate pools, filled by the sources of ``worker.sources``. Shared by all users (the
popular list, the newest 每周必看, the zone rankings), by ``refresh_hot``; per user (new
uploads of followed UP主, related videos of their strong positives, the home feed), by
``refresh_user_pool``. Details (tags, 充电专属, dimension) cost one request per video, so
each pool is capped and pre-ranked cheaply from what the list answers carry; details are
fetched once per video. A user's own pool gets them for its top only; the shared pools for
every candidate (a cost flat in the number of users), since a candidate without tags is one
the model can hardly place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from bilibili import errors
from bilibili.client import BiliClient
from models.features import quality_score
from settings import Settings
from store import Store, VideoRecord
from worker import sources
from worker.convert import model_video
from worker.sources import HOT_SOURCES, Fetch, UserInputs

log = logging.getLogger(__name__)

_TAG_BATCH = 20


def refresh_hot(store: Store, client: BiliClient, settings: Settings, *,
                tag: bool = True) -> dict[str, int]:
    """Refresh the shared pools; returns how many videos each holds. Each shared source
    is fetched in the registry's order, then kept to its best ``hot_pool_cap``. With
    ``tag`` the candidates' tags are fetched first (beat's refresh: nobody waits on it);
    without, the pools are published at once with the tags already cached and
    ``tag_hot`` follows (a fresh installation, whose users wait for these pools)."""
    lists = {
        source.name: source.fetch(Fetch(store, client, settings, source.budget_of(settings)))
        for source in sources.shared()
    }
    budget = settings.tag_fetch_per_pool if tag else 0
    pools = {
        source: _with_tags(store, client, _top(records, settings.hot_pool_cap), budget)
        for source, records in lists.items()
    }
    store.pools.put_hot_all(pools, tagged=tag)  # with a new version: workers re-encode them
    return {source: len(pool) for source, pool in pools.items()}


def tag_hot(store: Store, client: BiliClient, settings: Settings,
            before_fetch: Callable[[], None] | None = None) -> int | None:
    """The tag pass over the stored shared pools: tags for every candidate that has none
    (once per video for its lifetime in the video cache, shared by all users), then the
    pools written again with them. Returns the tags fetched; ``None`` when a newer refresh
    replaced the pools meanwhile (its own tags are its business). ``before_fetch`` runs
    before each request (the task lets users waiting for first picks go first)."""
    version, pools = store.pools.hot_many(HOT_SOURCES)
    if not version:
        return 0
    fetched = 0

    def count(n: int) -> None:
        nonlocal fetched
        fetched += n

    tagged = {source: _with_tags(store, client, records, settings.tag_fetch_per_pool,
                                 fetched_count=count, before_fetch=before_fetch)
              for source, records in pools.items()}
    if store.pools.put_hot_all(tagged, tagged=True, if_version=version) is None:
        return None
    return fetched


def untagged_share(store: Store) -> float:
    """Share of the hot candidates (each video once, as scored) whose tags are unknown."""
    _, pools = store.pools.hot_many(HOT_SOURCES)
    unique: dict[str, VideoRecord] = {}
    for source in HOT_SOURCES:  # the record scoring uses: the first source's
        for record in pools[source]:
            unique.setdefault(record.bvid, record)
    if not unique:
        return 1.0
    return sum(r.tags is None for r in unique.values()) / len(unique)


def refresh_user_pool(store: Store, client: BiliClient, settings: Settings,
                      user: UserInputs) -> int:
    """Merge the per-user sources' new candidates into the user's pool (the first source
    to bring a video names it), keep its best ``user_pool_cap`` by a cheap pre-ranking,
    detail their top; returns its size."""
    mid = user.mid
    fresh: list[VideoRecord] = []
    for source in sources.own():
        fresh += source.fetch(Fetch(store, client, settings, source.budget_of(settings), user))
    # What can never be picked would only crowd the capped pool.
    never = store.never_pick(mid)
    merged = {r.bvid: r for r in store.pools.user(mid) if r.bvid not in never}
    for record in fresh:
        if record.bvid not in never:
            merged.setdefault(record.bvid, record)
    authors = _author_counts(store, mid)
    followed = store.follows.for_model(mid)

    def pre_rank(r: VideoRecord) -> float:
        # Cheap, before tags and the model: a followed UP主's fresh upload has few views
        # yet, and must not be cut from the capped pool for it.
        known = 0.5 * min(authors.get(r.owner_mid, 0), 4)
        return quality_score(model_video(r)) + known + (1.0 if r.owner_mid in followed else 0)

    ranked = sorted(merged.values(), key=pre_rank, reverse=True)[: settings.user_pool_cap]
    budget = settings.first_user_tag_fetch if user.sync.first else settings.user_tag_fetch
    pool = _with_tags(store, client, ranked, budget)
    store.pools.put_user(mid, pool)
    return len(pool)


def _top(records: list[VideoRecord], cap: int) -> list[VideoRecord]:
    unique = list({r.bvid: r for r in reversed(records)}.values())[::-1]
    return sorted(unique, key=lambda r: quality_score(model_video(r)), reverse=True)[:cap]


def _with_tags(
    store: Store, client: BiliClient, records: list[VideoRecord], budget: int, *,
    fetched_count: Callable[[int], None] | None = None,
    before_fetch: Callable[[], None] | None = None,
) -> list[VideoRecord]:
    """Attach cached tags; fetch missing ones for the first ``budget`` records only.
    Fetched tags are cached every ``_TAG_BATCH``: a long pass cut short keeps them."""
    bvids = [r.bvid for r in records]
    cached = store.videos.get_many(bvids)
    gone = store.videos.gone(bvids)
    out, fetched = [], []

    def flush() -> None:
        store.videos.put(fetched)
        if fetched_count is not None:
            fetched_count(len(fetched))
        fetched.clear()

    for record in records:
        if record.bvid in gone:
            continue
        known = cached.get(record.bvid)
        if (known is None or known.tags is None) and budget > 0:
            budget -= 1
            # view/detail, one request like the tags alone, also says what no list
            # answer does (充电专属, and the dimension for feed items): the rules need it.
            try:
                if before_fetch is not None:
                    before_fetch()
                info = client.video_detail(record.bvid)
            except (errors.NotFound, errors.BadRequest) as exc:
                store.videos.mark_gone(record.bvid, exc.code)
                continue
            except BaseException:
                flush()
                raise
            known = replace(record, tags=info.tags, source="", tname_v2=info.tname_v2,
                            vertical=info.vertical, upower=info.upower)
            fetched.append(known)
            if len(fetched) >= _TAG_BATCH:
                flush()
        out.append(_with_details(record, known))
    flush()
    return out


def _with_details(record: VideoRecord, known: VideoRecord | None) -> VideoRecord:
    """The list answer's record with the tags and details a detail request found."""
    if known is None:
        return record
    return replace(
        record, tags=known.tags, tname_v2=record.tname_v2 or known.tname_v2,
        vertical=record.vertical if record.vertical is not None else known.vertical,
        upower=record.upower if record.upower is not None else known.upower,
    )


def _author_counts(store: Store, mid: int) -> dict[int, int]:
    events = store.events.all(mid)
    records = store.videos.get_many(list({e.bvid for e in events}))
    counts: dict[int, int] = {}
    for record in records.values():
        if record.owner_mid:
            counts[record.owner_mid] = counts.get(record.owner_mid, 0) + 1
    return counts
