"""Training and scoring steps on a real Redis, with hand-made histories and pools."""

import datetime as dt

from settings import Settings
from store import BehaviourEvent, Store, UserProfile, VideoRecord
from worker import ml
from worker.chain import still_wanted

TODAY = dt.date(2026, 11, 28)


def _pool(store: Store, n: int = 60) -> list[VideoRecord]:
    records = [
        VideoRecord(f"BV1{i:09d}".replace("0", "A"), title=f"视频{i}", owner_mid=i % 25 + 1,
                    owner_name=f"UP{i % 25}", tid=17 + i % 3, duration=300, view=1000 * (i + 1),
                    like=50 * (i % 7 + 1), coin=5, favorite=10 * (i % 5 + 1),
                    tags=("游戏", f"标签{i % 6}"), source="hot" if i < n // 2 else "related")
        for i in range(n)
    ]
    store.videos.put(records)
    store.pools.put_hot("hot", records[: n // 2])
    store.pools.put_user(1, records[n // 2:])
    return records


def test_cold_start_ranks_by_quality_and_says_so(store: Store):
    records = _pool(store)
    store.events.append(1, [BehaviourEvent("watch", records[0].bvid, 10, progress=-1,
                                           duration=300)])
    state, outcome = ml.train(store, 1)
    assert not outcome.trained and not state.trained
    doc = ml.score(store, 1, state, today=TODAY, per_list=10)
    assert len(doc["hot"]) == 10 and len(doc["explore"]) == 10
    assert records[0].bvid not in {p["bvid"] for p in doc["hot"]}  # already watched
    ratings = [p["rating"] for p in doc["hot"]]
    assert ratings == sorted(ratings, reverse=True) and all(0 <= r <= 100 for r in ratings)
    assert all(p["reasons"] for p in doc["hot"] + doc["explore"])


def test_dislikes_and_feedback_are_never_picked(store: Store):
    records = _pool(store)
    disliked = {r.bvid for r in records[:5]}
    store.events.append(1, [BehaviourEvent("feedback_dislike", b, 1) for b in disliked])
    state, _ = ml.train(store, 1)
    doc = ml.score(store, 1, state, today=TODAY, per_list=30)
    assert not disliked & {p["bvid"] for p in doc["hot"] + doc["explore"]}


def test_yesterdays_ignored_picks_become_shown_events(store: Store):
    records = _pool(store)
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    store.picks.save(1, yesterday, {"hot": [{"bvid": records[1].bvid}],
                                    "explore": [{"bvid": records[2].bvid}]})
    store.events.append(1, [BehaviourEvent("watch", records[2].bvid, 5, progress=-1)])
    events = ml.shown_events(store, 1, TODAY)
    assert [(e.kind, e.bvid) for e in events] == [("shown", records[1].bvid)]
    store.events.append(1, events)
    assert records[1].bvid not in store.events.touched(1)  # shown is not "seen"


def test_logout_mid_refresh_deletes_what_the_step_wrote(store: Store):
    store.users.activate(UserProfile(1, "u"))
    token = store.locks.acquire(1)
    assert still_wanted(_Ctx(store), 1, token)
    store.forget_user(1)
    store.events.append(1, [BehaviourEvent("like", "BV1xx411c7mD", 0)])  # a late write
    token = store.locks.acquire(1)
    assert not still_wanted(_Ctx(store), 1, token)
    assert not [k for k in store.redis.scan_iter() if k.startswith(b"user:1")]


def test_expired_login_keeps_data(store: Store):
    store.users.activate(UserProfile(1, "u"))
    store.events.append(1, [BehaviourEvent("like", "BV1xx411c7mD", 0)])
    store.users.deactivate(1)
    assert not still_wanted(_Ctx(store), 1, store.locks.acquire(1))
    assert store.events.count(1) == 1 and not store.locks.held(1)


class _Ctx:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.settings = Settings(secret_key="s" * 40)


def test_hot_pools_are_encoded_once_per_version(store: Store):
    records = _pool(store)
    shared = ml.shared_pool().current(store)
    encoded = shared.candidates
    assert [r.bvid for r in shared.records] == [r.bvid for r in records[:30]]
    assert ml.shared_pool().current(store).candidates is encoded  # same version: reused
    store.pools.put_hot("hot", records[:10])
    again = ml.shared_pool().current(store)
    assert again.candidates is not encoded and len(again.records) == 10


def test_lists_are_best_first_when_recent_picks_fill_them(store: Store):
    records = _pool(store, n=20)
    state, _ = ml.train(store, 1)
    picked_before = {r.bvid for r in records}  # everything was picked yesterday
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    store.picks.save(1, yesterday, {"hot": [{"bvid": b} for b in picked_before],
                                    "explore": []})
    doc = ml.score(store, 1, state, today=TODAY, per_list=8)
    assert len(doc["hot"]) == 8  # short without the recent picks: they fill the list
    for section in ("hot", "explore"):
        ratings = [p["rating"] for p in doc[section]]
        assert ratings == sorted(ratings, reverse=True)


def test_opened_picks_are_not_shown_but_ignored(store: Store):
    records = _pool(store, 10)
    picks = [{"bvid": r.bvid} for r in records[:3]]
    store.picks.save(1, (TODAY - dt.timedelta(days=1)).isoformat(),
                     {"date": "x", "generated_at": None, "hot": picks, "explore": []})
    store.feedback.click(1, records[0].bvid)
    shown = {e.bvid for e in ml.shown_events(store, 1, TODAY)}
    assert shown == {records[1].bvid, records[2].bvid}


def test_feedback_taken_back_is_not_trained_on():
    events = [BehaviourEvent("feedback_dislike", "BV1AAAAAAAAA", 1),
              BehaviourEvent("feedback_like", "BV1AAAAAAAAA", 2),
              BehaviourEvent("feedback_like", "BV1BBBBBBBBB", 3),
              BehaviourEvent("watch", "BV1BBBBBBBBB", 4, progress=-1, duration=60)]
    kept = ml.standing(events, {"BV1AAAAAAAAA": "like"})  # B's like was cleared
    assert [(e.kind, e.bvid) for e in kept] == [("feedback_like", "BV1AAAAAAAAA"),
                                                ("watch", "BV1BBBBBBBBB")]



def test_an_update_learns_from_a_sample_of_the_hot_pool_passed_by(store: Store, monkeypatch):
    records = _pool(store, n=240)
    hot, own = records[:120], records[120:]
    store.events.append(1, [
        *(BehaviourEvent("watch", r.bvid, 100 + i, progress=-1, duration=300)
          for i, r in enumerate(own[:15])),
        *(BehaviourEvent("watch", r.bvid, 200 + i, progress=5, duration=300)
          for i, r in enumerate(own[15:25])),
        BehaviourEvent("watch", hot[0].bvid, 300, progress=-1, duration=300),
    ])
    real, caps = ml.passed_by, []
    monkeypatch.setattr(ml, "passed_by", lambda *a, **k: caps.append(k["cap"]) or real(*a, **k))
    _, first = ml.train(store, 1)
    store.events.append(1, [BehaviourEvent("watch", own[30].bvid, 400, progress=-1,
                                           duration=300)])
    ml.train(store, 1)
    assert first.trained and caps == [ml.PASSED_CAP, ml.PASSED_UPDATE_CAP], (first, caps)
    # the first model learns the whole pool (119: one was opened); an update a sample,
    # another one for each version of the pool
    assert len(real(store, 1, 500, cap=ml.PASSED_CAP)) == 119
    sample = {e.bvid for e, _ in real(store, 1, 500, cap=ml.PASSED_UPDATE_CAP)}
    assert len(sample) == ml.PASSED_UPDATE_CAP and hot[0].bvid not in sample
    assert sample <= {r.bvid for r in hot}
    store.pools.put_hot("hot", hot[:110])
    assert {e.bvid for e, _ in real(store, 1, 500, cap=ml.PASSED_UPDATE_CAP)} != sample
    # what the user put in 稍后再看 themselves is wanted, not passed by
    store.toview_own.replace(1, [hot[1].bvid])
    passed = [e.bvid for e, _ in real(store, 1, 500, cap=ml.PASSED_CAP)]
    assert hot[1].bvid not in passed
    assert len(passed) == 108
