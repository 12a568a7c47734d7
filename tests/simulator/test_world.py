"""The synthetic world without HTTP: determinism, catalogue, users, truth, days."""

from __future__ import annotations

import re
import statistics
from collections import Counter

import pytest

from simulator import catalog, vocab
from simulator.bvid import av2bv, bv2av, is_bvid
from simulator.users import FUTURE_MIN_RELEVANCE
from simulator.world import World

PIC = re.compile(r"http://i0\.hdslb\.com/bfs/archive/[0-9a-f]{40}\.jpg")
CJK = re.compile(r"[\u4e00-\u9fff]")


def snapshot(world: World) -> dict:
    """Everything observable about a world, for equality checks."""
    cat = world.cat
    out = {
        "videos": [(v.aid, v.bvid, v.title, v.tags, v.tid, v.pub_off, v.status)
                   for v in cat.videos],
        "popular": world.popular(),
        "weekly": world.weekly_number(),
        "ranking": world.ranking(0, "all"),
    }
    for mid in sorted(world.specs):
        u = world.user(mid)
        assert u is not None
        out[mid] = (
            [(w.view_at, w.vidx, w.progress, w.kind) for w in u.history],
            list(u.likes), list(u.coins),
            [(f.media_id, f.title, list(f.items)) for f in u.folders],
        )
    return out


@pytest.mark.parametrize(("aid", "bvid"), [
    (170001, "BV17x411w7KC"), (85440373, "BV117411r7R1"), (883617049, "BV1sK4y147ob")])
def test_bvid_vectors(aid: int, bvid: str) -> None:
    assert av2bv(aid) == bvid and bv2av(bvid) == aid and is_bvid(bvid)


def test_same_seed_same_world_and_lazy_users_replay_exactly() -> None:
    eager = World(7, 600, 3)
    for mid in eager.specs:
        eager.user(mid)
    eager.advance(3)
    lazy = World(7, 600, 3)
    lazy.advance(2)
    lazy.advance(1)
    assert snapshot(eager) == snapshot(lazy)
    assert snapshot(World(8, 600, 3))["videos"] != snapshot(World(7, 600, 3))["videos"]


def test_default_world_has_its_catalogue_and_users() -> None:
    # How fast it builds is a figure for a benchmark, not a timed test.
    world = World(12345)
    users = [world.user(mid) for mid in world.specs]
    assert len(world.cat.videos) == 6000 and len(world.specs) == 5
    assert all(len(u.history) >= 500 for u in users)


def test_history_scale_shortens_all_but_the_first_account() -> None:
    full, short = World(12345, n_users=8), World(12345, n_users=8, history_scale=0.3)
    first = min(full.specs)
    assert short.specs[first] == full.specs[first]
    for mid in list(full.specs)[1:]:
        assert short.specs[mid].history_size == round(full.specs[mid].history_size * 0.3)
        assert len(short.user(mid).history) < len(full.user(mid).history)


def test_catalogue_looks_like_bilibili() -> None:
    world = World(1)
    videos = world.cat.videos
    assert len({v.aid for v in videos}) == len(videos)
    for v in videos:
        assert is_bvid(v.bvid) and bv2av(v.bvid) == v.aid
        assert PIC.fullmatch(v.pic)
        assert v.tid in vocab.PARTITIONS
        assert 1 <= len(v.tags) <= 10 and all(v.tags)
        assert abs(sum(w for _, w in v.topics) - 1.0) < 1e-6 and 1 <= len(v.topics) <= 2
        assert v.duration > 0 and v.pub_off < 0
    assert sum(bool(CJK.search(v.title)) for v in videos) > 0.95 * len(videos)
    assert sum(any(CJK.search(t) for t in v.tags) for v in videos) > 0.95 * len(videos)
    assert {v.tid for v in videos} >= {17, 171, 95, 201, 76, 130, 21, 138, 27, 182, 122, 250}
    assert 0.005 < sum(not v.valid for v in videos) / len(videos) < 0.05
    # Heavy-tailed views; like rate follows the hidden quality.
    views = sorted(catalog.stat_at(v, 0)["view"] for v in videos)
    assert views[-1] > 100 * statistics.median(views)
    by_q = sorted(videos, key=lambda v: v.quality)
    rate = [v.rates[0] for v in by_q]
    assert statistics.mean(rate[-750:]) > 2 * statistics.mean(rate[:750])
    # Authors specialise: an author's videos are on their one or two topics.
    assert all(world.cat.videos[i].primary_topic in a.topics
               for a in world.cat.authors for i in world.cat.author_videos[a.idx])


def test_first_account_behaviour_sizes() -> None:
    world = World(1)
    u = world.user(10001)
    assert u is not None
    archive = [w for w in u.history if w.kind == "archive"]
    assert len(archive) == 600 and len(u.likes) == 30 and len(u.coins) == 10
    assert sum(len(f.items) for f in u.folders) == 40 + 2  # and two invalid ones
    assert [w.kind for w in u.history].count("pgc") == 6
    assert len(u.folders) == 3 and all(f.items for f in u.folders[:2])
    invalid = [i for f in u.folders for i, _ in f.items if world.cat.videos[i].status in (
        "deleted", "hidden")]
    assert len(invalid) == 2
    assert any(w.progress == -1 for w in archive) and any(w.progress > 0 for w in archive)
    views = [w.view_at for w in u.history]
    assert views == sorted(set(views)) and views[-1] < 0
    for w in archive:
        assert world.cat.videos[w.vidx].pub_off < w.view_at
    for mid in (10002, 10003, 10004, 10005):
        other = world.user(mid)
        assert other is not None
        assert 500 <= sum(w.kind == "archive" for w in other.history) <= 1000
    assert world.user(10005).spec.likes_hidden and not u.spec.likes_hidden


def test_tastes_drive_behaviour_far_above_chance() -> None:
    world = World(1)
    share = Counter(v.primary_topic for v in world.cat.videos)
    for mid in world.specs:
        u = world.user(mid)
        top = sorted(u.taste.topics, key=u.taste.topics.__getitem__, reverse=True)[:2]
        chance = sum(share[t] for t in top) / len(world.cat.videos)
        liked = [world.cat.videos[i].primary_topic in top for i, _ in u.likes]
        assert sum(liked) / len(liked) > max(0.5, 3 * chance), mid
        # Finished views are likelier for relevant videos.
        done = [u.rel[w.vidx] for w in u.history if w.kind == "archive" and w.progress == -1]
        partial = [u.rel[w.vidx] for w in u.history if w.kind == "archive" and w.progress != -1]
        assert statistics.mean(done) > statistics.mean(partial)


def test_truth_future_beats_random() -> None:
    world = World(1)
    truth = world.truth(10001, 50)
    assert truth is not None and len(truth["future"]) == 50
    assert abs(sum(truth["topics"].values()) - 1.0) < 0.01
    u = world.user(10001)
    rel = world.relevance(10001, truth["future"])
    assert all(r is not None and FUTURE_MIN_RELEVANCE <= r <= 1 for r in rel.values())
    watched = {world.cat.videos[i].bvid for i in u.watched}
    assert not watched & set(truth["future"])
    sample = [v.bvid for v in world.cat.videos[::25]]
    rand = world.relevance(10001, sample)
    assert statistics.mean(rel.values()) > statistics.mean(rand.values()) + 0.3
    assert world.relevance(10001, ["BV1xx411c7mD", "nope"])["nope"] is None
    assert world.truth(424242) is None


def test_advance_day_moves_everything() -> None:
    world = World(1)
    before = {mid: list(world.user(mid).history) for mid in world.specs}
    popular, ranking = world.popular(), world.ranking(0, "all")
    report = world.advance(1)
    assert report["day"] == 1 and report["published"] == 60
    assert len(world.cat.videos) == 6060
    for mid, old in before.items():
        new = world.user(mid).history
        added = len(new) - len(old)
        assert 10 <= added <= 30 and report["history_added"][str(mid)] == added
        assert new[:len(old)] == old and new[len(old)].view_at > old[-1].view_at
        assert all(0 < w.view_at <= world.now_off for w in new[len(old):])
    assert world.popular() != popular and world.ranking(0, "all") != ranking
    number = world.weekly_number()
    world.advance(7)
    assert world.weekly_number() == number + 1
    assert world.weekly(number + 1) and world.weekly(number + 2) is None


def test_watched_videos_reach_the_candidate_sources() -> None:
    """As on bilibili: hot lists, related lists and the feed offer videos the user has
    already watched, many of them older than the newest history pages."""
    world = World(11)
    u = world.user(10001)
    newest = {w.vidx for w in u.history[-60:]}
    old = u.watched - newest
    hot = set(world.popular()) | set(world.weekly(world.weekly_number()) or [])
    assert len(hot & old) >= 5
    loved = [i for i, _ in u.likes]
    related = {i for v in loved[:3] for i in world.related(world.cat.videos[v])}
    assert len(related & old) >= 5
    feed = {i for _ in range(4) for kind, i in world.feed(10001, 12) if kind != "live"}
    assert feed & u.watched


def _tag_counter_share_of_oracle(world: World) -> float:
    """Mean over users of NDCG@10 of 综合热门 (not watched) ranked by a tag counter over
    the user's finished videos, as a share of the oracle's (1 with linear gains)."""
    from models.metrics import ndcg_at_k

    shares = []
    for mid in world.specs:
        u = world.user(mid)
        counts: Counter[str] = Counter()
        for w in u.history:
            if w.vidx >= 0 and w.progress == -1:
                counts.update(world.cat.videos[w.vidx].tags)
        pool = [i for i in world.popular() if i not in u.watched]
        scores = [sum(counts[t] for t in world.cat.videos[i].tags) for i in pool]
        shares.append(ndcg_at_k(scores, [u.rel[i] for i in pool]))
    return statistics.mean(shares)


def test_rich_tastes_are_more_than_topic_and_topic_stays_the_default() -> None:
    topic, rich = World(11, n_users=4), World(11, n_users=4, taste="rich")
    assert topic.taste_setting == "topic" and topic.summary()["taste"] == "topic"
    assert snapshot(World(11, n_users=2, taste="topic")) == snapshot(World(11, n_users=2))
    # A tag counter nearly matches the oracle on topic tastes, not on rich ones.
    assert _tag_counter_share_of_oracle(topic) > 0.8
    assert _tag_counter_share_of_oracle(rich) < 0.6
    # Drift: the older half of a rich history followed topics the user has since left.
    u = rich.user(10002)
    half = -catalog.DAY * 30
    old = [rich.cat.videos[w.vidx].primary_topic in u.taste.topics
           for w in u.history if w.vidx >= 0 and w.view_at < half]
    new = [rich.cat.videos[w.vidx].primary_topic in u.taste.topics
           for w in u.history if w.vidx >= 0 and w.view_at >= half]
    assert statistics.mean(old) + 0.2 < statistics.mean(new)


def test_taste_components_can_be_switched_off_and_unknown_ones_are_refused() -> None:
    from simulator import tastes

    assert tastes.components("topic") == frozenset()
    assert tastes.components("rich") == frozenset(tastes.COMPONENTS)
    assert tastes.components("rich-drift-authors") == frozenset(tastes.COMPONENTS) - {
        "drift", "authors"}
    for bad in ("spicy", "rich-colour"):
        with pytest.raises(ValueError):
            World(1, taste=bad)
