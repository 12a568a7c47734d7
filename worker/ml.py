"""Training and scoring for one user (the ``ml`` queue). TensorFlow is imported here, in
the ml worker process, the first time a task needs it; one Recommender per process keeps
the traced functions warm for every user."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from dataclasses import dataclass, replace

from models.entities import Event, Video
from models.fallback import partition_counts, popularity_rank
from models.features import rating
from store import BehaviourEvent, ModelMeta, Store, VideoRecord
from worker.convert import merge_events, model_video
from worker.picks import build_section, select, split_candidates

log = logging.getLogger(__name__)

REPLAY_SAMPLE = 200
NEW_EVENTS_CAP = 2000


@functools.cache
def recommender():  # noqa: ANN201 - models.recommender.Recommender (TensorFlow inside)
    from models.recommender import Recommender  # noqa: PLC0415 - TensorFlow loads here

    return Recommender(seed=0, threads=1)


@dataclass(frozen=True)
class TrainOutcome:
    trained: bool  # a usable model exists after this step
    accepted: bool
    auc: float | None
    reason: str


def load_state(store: Store, mid: int):  # noqa: ANN201 - (UserModelState, trained_seq)
    """The user's stored model and the last event it saw; a new one when there is none
    or it cannot be read (an older format, corrupt bytes)."""
    rec = recommender()
    stored = store.models.load(mid)
    if stored is not None:
        try:
            return rec.load(stored[0]), stored[1].trained_seq
        except ValueError as exc:
            log.warning("user %s: stored model unreadable (%s); training anew", mid, exc)
    return rec.new_state(), 0


def train(store: Store, mid: int):  # noqa: ANN201 - (state, TrainOutcome)
    rec = recommender()
    state, seen = load_state(store, mid)
    last = store.events.last_seq(mid)
    new = _examples(store, store.events.since(mid, seen, limit=NEW_EVENTS_CAP))
    replay = _examples(store, store.events.sample(mid, seen, REPLAY_SAMPLE)) if seen else []
    if not new:
        meta = store.models.meta(mid)
        return state, TrainOutcome(state.trained, False, meta.auc if meta else None, "nothing new")
    report = rec.update(state, new, replay)
    if report.accepted:
        meta = ModelMeta(
            trained_at=time.time(), auc=report.auc, version=1, trained_seq=last,
            n_events=store.events.count(mid),
        )
        store.models.save(mid, rec.dump(state), meta)
    log.info("user %s: update %s (%s)", mid, "kept" if report.accepted else "rejected",
             report.reason)
    return state, TrainOutcome(state.trained, report.accepted, report.auc, report.reason)


def score(store: Store, mid: int, state, *, today: dt.date, per_list: int) -> dict:  # noqa: ANN001
    """Today's picks document for the user (not yet stored)."""
    rec = recommender()
    hot_pools = {s: store.pools.hot(s) for s in ("hot", "weekly", "ranking")}
    hot, explore = split_candidates(hot_pools, store.pools.user(mid))
    everything = hot + explore
    videos = [_video(r) for r in everything]
    exclude = store.events.touched(mid)
    if state.trained:
        probs = rec.score(state, videos, now=_noon(today))
        scores = {r.bvid: float(p) for r, p in zip(everything, probs, strict=True)}
        rate = rating
    else:
        watched = list(store.videos.get_many(list(exclude)).values())
        counts = partition_counts([model_video(r) for r in watched])
        ranks = popularity_rank(videos, counts)
        scores = {r.bvid: float(s) for r, s in zip(everything, ranks, strict=True)}
        rate = _fallback_rating
    recent = store.picks.recent_bvids(mid, today)

    def reasons(chosen: list[VideoRecord]) -> list[list[str]]:
        return rec.explain_many(state, [model_video(r) for r in chosen])

    doc = {"date": today.isoformat(), "generated_at": None}
    for section, pool in (("hot", hot), ("explore", explore)):
        chosen = select(pool, scores, n=per_list, exclude=exclude, recent=recent)
        doc[section] = build_section(chosen, scores, reasons, rate)
    return doc


def shown_events(store: Store, mid: int, today: dt.date) -> list[BehaviourEvent]:
    """Yesterday's picks the user has not watched since: shown-but-ignored negatives."""
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    doc = store.picks.get(mid, yesterday) or {}
    picked = [p["bvid"] for s in ("hot", "explore") for p in doc.get(s, []) if "bvid" in p]
    opened = store.events.touched(mid)
    return [BehaviourEvent("shown", b, int(time.time()), source=yesterday)
            for b in picked if b not in opened]


def _examples(store: Store, events: list[BehaviourEvent]) -> list[tuple[Event, Video]]:
    merged = merge_events(events)
    records = store.videos.get_many(list(merged))
    return [(merged[b], _video(records[b])) for b in merged if b in records]


def _video(record: VideoRecord) -> Video:
    # The video's age is a model input: the upload time travels with it.
    return replace(model_video(record), pubdate=record.pubdate)


def _noon(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(12), dt.UTC).timestamp())


def _fallback_rating(score: float) -> int:
    return round(100 * max(0.0, min(score, 1.0)))
