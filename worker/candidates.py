"""Candidate pools. Shared by all users: the popular list, the newest 每周必看 and the zone
rankings (``refresh_hot``). Per user: related videos of their strong positives and the
home feed. Details (tags, 充电专属, dimension) cost one request per video, so each pool is
capped and pre-ranked cheaply from what the list answers carry; details are fetched once per
video. A user's own pool gets them for its top only; the shared pools for every candidate (a
cost flat in the number of users), since a candidate without tags is one the model can
hardly place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from bilibili import errors
from bilibili.client import BiliClient
from models.features import quality_score
from store import Store, VideoRecord
from worker.convert import model_video, record_from_list

log = logging.getLogger(__name__)

HOT_SOURCES = ("hot", "weekly", "ranking")
_TAG_BATCH = 20


@dataclass(frozen=True)
class PoolLimits:
    hot_cap: int  # videos kept per shared source
    user_cap: int  # videos kept in a user's own pool
    tag_fetch: int  # tag requests per shared pool per run (default: the whole pool)
    user_tag_fetch: int  # tag requests for a user's own pool per run
    first_user_tag_fetch: int  # … on the user's first run
    related_seeds: int  # archive/related calls per user sync
    feed_pages: int  # home-feed calls per user sync (each answers new items)
    ranking_rids: tuple[int, ...]


def refresh_hot(store: Store, client: BiliClient, limits: PoolLimits, *,
                tag: bool = True) -> dict[str, int]:
    """Refresh the shared pools; returns how many videos each holds. With ``tag`` the
    candidates' tags are fetched first (beat's refresh: nobody waits on it); without, the
    pools are published at once with the tags already cached and ``tag_hot`` follows
    (a fresh installation, whose users wait for these pools)."""
    lists = _hot_lists(client, limits)
    budget = limits.tag_fetch if tag else 0
    pools = {
        source: _with_tags(store, client, _top(records, limits.hot_cap), budget)
        for source, records in lists.items()
    }
    store.pools.put_hot_all(pools, tagged=tag)  # with a new version: workers re-encode them
    return {source: len(pool) for source, pool in pools.items()}


def tag_hot(store: Store, client: BiliClient, limits: PoolLimits,
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

    tagged = {source: _with_tags(store, client, records, limits.tag_fetch,
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


def _hot_lists(client: BiliClient, limits: PoolLimits) -> dict[str, list[VideoRecord]]:
    lists: dict[str, list[VideoRecord]] = {"hot": [], "weekly": [], "ranking": []}
    page = 1
    while len(lists["hot"]) < limits.hot_cap:
        answer = client.popular(pn=page, ps=50)
        lists["hot"] += [record_from_list(v, "hot") for v in answer.items]
        if not answer.has_more or not answer.items:
            break
        page += 1
    issues = client.weekly_issues()
    if issues:
        newest = max(issues, key=lambda issue: issue.number)
        lists["weekly"] = [record_from_list(v, "weekly") for v in client.weekly(newest.number)]
    for rid in limits.ranking_rids:
        try:
            lists["ranking"] += [record_from_list(v, "ranking") for v in client.ranking(rid)]
        except errors.NotFound:
            log.warning("ranking rid %s is unknown to bilibili; skipped", rid)
    return lists


def refresh_user_pool(
    store: Store,
    client: BiliClient,
    mid: int,
    cookies: Mapping[str, str],
    limits: PoolLimits,
    *,
    related: Iterable[VideoRecord] = (),
    seeds: Iterable[str] = (),
    first: bool = False,
    following: Iterable[VideoRecord] = (),
) -> int:
    """Merge new related/feed/following candidates into the user's pool; returns its
    size."""
    fresh = [*following, *related]
    used = set(store.cursors.get_text(mid, "related_seeds").split())
    for bvid in [s for s in dict.fromkeys(seeds) if s not in used][: limits.related_seeds]:
        try:
            fresh += [record_from_list(v, "related") for v in client.related(bvid)]
        except errors.NotFound:
            pass
        used.add(bvid)
    store.cursors.set_text(mid, "related_seeds", " ".join(sorted(used)[-500:]))
    for page in range(1, limits.feed_pages + 1):
        try:
            answer = client.home_feed(cookies, fresh_idx=page)
            fresh += [record_from_list(v, "feed") for v in answer]
        except errors.RiskCheckFailed:
            raise
        except errors.BiliError as exc:
            log.info("home feed for %s unavailable: %s", mid, type(exc).__name__)
            break
    # What the user has watched can never be picked: it would only crowd the capped pool.
    touched = store.events.touched(mid) | store.queued.bvids(mid)
    merged = {r.bvid: r for r in store.pools.user(mid) if r.bvid not in touched}
    for record in fresh:
        if record.bvid not in touched:
            merged.setdefault(record.bvid, record)
    authors = _author_counts(store, mid)
    followed = store.follows.for_model(mid)

    def pre_rank(r: VideoRecord) -> float:
        # Cheap, before tags and the model: a followed UP主's fresh upload has few views
        # yet, and must not be cut from the capped pool for it.
        known = 0.5 * min(authors.get(r.owner_mid, 0), 4)
        return quality_score(model_video(r)) + known + (1.0 if r.owner_mid in followed else 0)

    ranked = sorted(merged.values(), key=pre_rank, reverse=True)[: limits.user_cap]
    budget = limits.first_user_tag_fetch if first else limits.user_tag_fetch
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
