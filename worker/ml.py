"""Training and scoring for one user (the ``ml`` queue). TensorFlow is imported here, in
the ml worker process, the first time a task needs it; one Recommender per process keeps
the traced functions warm for every user, and one ``SharedPool`` keeps the hot pools
decoded and encoded until ``refresh_hot`` writes a new version of them."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from models.encoding import Candidates, prepare
from models.entities import Event, Video
from models.fallback import partition_counts, popularity_rank
from models.features import rating
from store import BehaviourEvent, ModelMeta, Store, VideoRecord
from worker import dislikes
from worker.convert import merge_events, model_video
from worker.filters import RuleFilter
from worker.picks import build_section, select, split_candidates
from worker.sources import HOT_SOURCES

log = logging.getLogger(__name__)

REPLAY_SAMPLE = 200
NEW_EVENTS_CAP = 2000
PASSED_CAP = 300
# An update learns from a day's few dozen new events: the whole pool again beside them
# pushed the pool down day after day, its good videos with the rest (docs/model.md).
PASSED_UPDATE_CAP = 60


@functools.cache
def lower_priority(nice: int) -> None:
    """Once per process, before TensorFlow loads: its threads inherit the niceness of the
    thread that creates them (the solo pool's main thread, which runs every ml task)."""
    if nice > 0:
        os.nice(nice)


@functools.cache
def recommender():  # models.recommender.Recommender (TensorFlow inside)
    from models.recommender import Recommender  # noqa: PLC0415 - TensorFlow loads here

    return Recommender(seed=0, threads=1)


class SharedPool:
    """The hot candidates (one record per video, hot sources first) and their encoding,
    for every user of this process until the pools' version changes."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self.records: list[VideoRecord] = []
        self.candidates: Candidates = prepare([])

    def current(self, store: Store, version: str | None = None) -> SharedPool:
        """Up to date with the stored pools (``version``: already read by the caller)."""
        version = store.pools.hot_version() if version is None else version
        if not version or self._key != (id(store), version):
            version, pools = store.pools.hot_many(HOT_SOURCES)
            self.records, _ = split_candidates(pools, ())
            self.candidates = prepare([model_video(r) for r in self.records])
            self._key = (id(store), version)
        return self


@functools.cache
def shared_pool() -> SharedPool:
    return SharedPool()


@dataclass(frozen=True)
class TrainOutcome:
    trained: bool  # a usable model exists after this step
    accepted: bool
    auc: float | None
    reason: str


def load_state(store: Store, mid: int):  # (UserModelState, trained_seq)
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


def train(store: Store, mid: int, record: Callable | None = None):  # (state, TrainOutcome)
    """The user's next update (or first model). ``record(follows, new, replay)``, when
    given, sees exactly what the update trains on (``bench.taste_replay`` records with it:
    the replay sample is random)."""
    rec = recommender()
    state, seen = load_state(store, mid)
    state.set_follows(store.follows.for_model(mid))  # an input, changing outside the events
    last, count = store.events.position(mid)
    feedback = store.feedback.all(mid)
    new, replay = _examples(
        store,
        standing(store.events.since(mid, seen, limit=NEW_EVENTS_CAP), feedback),
        standing(store.events.sample(mid, seen, REPLAY_SAMPLE), feedback) if seen else [],
    )
    if not new:
        meta = store.models.meta(mid)
        return state, TrainOutcome(state.trained, False, meta.auc if meta else None, "nothing new")
    cap = PASSED_UPDATE_CAP if state.trained else PASSED_CAP
    passed = passed_by(store, mid, max(e.at for e, _ in new), cap=cap)
    if record is not None:
        record(state.stats.follows, new + passed, replay)
    report = rec.update(state, new + passed, replay)
    if report.accepted:
        meta = ModelMeta(
            trained_at=time.time(), auc=report.auc, version=1, trained_seq=last,
            n_events=count,
        )
        store.models.save(mid, rec.dump(state), meta)
    log.info("user %s: update %s (%s)", mid, "kept" if report.accepted else "rejected",
             report.reason)
    return state, TrainOutcome(state.trained, report.accepted, report.auc, report.reason)


def score(store: Store, mid: int, state, *, today: dt.date, per_list: int) -> dict:
    """Today's picks document for the user (not yet stored)."""
    rec = recommender()
    state.set_follows(store.follows.for_model(mid))
    own, version = store.pools.user_and_hot_version(mid)
    shared = shared_pool().current(store, version)
    hot = shared.records
    _, explore = split_candidates({"hot": hot}, own)
    batch = rec.join(shared.candidates, prepare([model_video(r) for r in explore]))
    exclude = store.never_pick(mid, [r.bvid for r in hot + explore])
    attention = None
    if state.trained:
        probs, attention = rec.score_with_attention(state, batch, now=noon(today))
        rate = rating
    else:
        watched = list(store.videos.get_many(list(store.events.touched(mid))).values())
        counts = partition_counts([model_video(r) for r in watched])
        probs = popularity_rank(batch.videos, counts)
        rate = _fallback_rating
    row = {r.bvid: i for i, r in enumerate(hot + explore)}
    scores = {bvid: float(probs[i]) for bvid, i in row.items()}
    dislikes.adjust(scores, hot + explore, store.feedback.reasons(mid))  # 不感兴趣 reasons
    recent = store.picks.recent_bvids(mid, today)

    def reasons(chosen: list[VideoRecord]) -> list[list[str]]:
        rows = [row[r.bvid] for r in chosen]
        return rec.explain_scored(
            state, [batch.videos[i] for i in rows], None if attention is None else attention[rows]
        )

    doc = {"date": today.isoformat(), "generated_at": None}
    rules = RuleFilter.for_user(store, mid, ignore=exclude)  # before selection
    for section, pool in (("hot", hot), ("explore", explore)):
        chosen = select(rules.keep(pool), scores, n=per_list, exclude=exclude, recent=recent)
        doc[section] = build_section(chosen, scores, reasons, rate)
    doc["filtered"] = len(rules.removed)
    return doc


def passed_by(store: Store, mid: int, at: int,
              cap: int = PASSED_CAP) -> list[tuple[Event, Video]]:
    """The hot pool's videos the user has neither opened nor put in 稍后再看 themselves, as
    weak negatives at ``at``: what they could have chosen and did not
    (``models.features.target``). At most ``cap``, a fixed sample per user and pool."""
    hot = shared_pool().current(store).records
    chosen = store.never_pick(mid, [r.bvid for r in hot])
    rows = [r for r in hot if r.bvid not in chosen]
    if len(rows) > cap:
        rng = random.Random(f"{mid}:{store.pools.hot_version()}")
        rows = rng.sample(rows, cap)
    return [(Event(r.bvid, at, passed=True), model_video(r)) for r in rows]


def shown_events(store: Store, mid: int, today: dt.date) -> list[BehaviourEvent]:
    """Yesterday's picks the user has not watched since: shown-but-ignored negatives."""
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    doc = store.picks.get(mid, yesterday) or {}
    picked = [p["bvid"] for s in ("hot", "explore") for p in doc.get(s, []) if "bvid" in p]
    opened = store.events.touched_among(mid, picked) | store.feedback.clicked(mid)
    return [BehaviourEvent("shown", b, int(time.time()), source=yesterday)
            for b in picked if b not in opened]


def standing(events: list[BehaviourEvent], feedback: dict[str, str]) -> list[BehaviourEvent]:
    """The events without 👍/👎 the user took back (``clear``): the event log is
    append-only, the user's current feedback per video is what counts."""
    return [e for e in events
            if not e.kind.startswith("feedback_")
            or feedback.get(e.bvid) == e.kind.removeprefix("feedback_")]


def _examples(
    store: Store, *groups: list[BehaviourEvent]
) -> list[list[tuple[Event, Video]]]:
    """(event, video) pairs of each group of events, the videos read in one go."""
    merged = [merge_events(events) for events in groups]
    records = store.videos.get_many(list({b for m in merged for b in m}))
    return [[(m[b], model_video(records[b])) for b in m if b in records] for m in merged]


def noon(day: dt.date) -> int:
    """The time a day's picks are scored at (ages of videos are taken then), unix seconds."""
    return int(dt.datetime.combine(day, dt.time(12), dt.UTC).timestamp())


def _fallback_rating(score: float) -> int:
    return round(100 * max(0.0, min(score, 1.0)))
