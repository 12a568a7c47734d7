"""Daily refreshes over simulated days, as the worker runs them, with the project's clock
following the simulator's (one day per simulated day): sync → train → yesterday's
shown-but-ignored picks → score → picks stored. Real Redis, the simulator over HTTP, the
real ``worker.ml`` functions; what it does not run is Celery (the tasks chain exactly
these calls). Used by ``bench.bench_quality`` and the week test."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import requests

from bench import baselines
from models.features import label, quality_score
from models.metrics import ndcg_of_list, tag_count_scores
from store import Store, VideoRecord
from worker import ml
from worker.candidates import refresh_hot
from worker.context import Context
from worker.convert import merge_events, model_video
from worker.picks import select, split_candidates
from worker.refresh import sync_user
from worker.sources import HOT_SOURCES

if TYPE_CHECKING:
    from bench.taste_replay import Recording

Control = Callable[..., requests.Response]


@dataclass
class SimClock:
    """The project's clock, set from the simulator's ``now`` after each simulated day."""

    tz: dt.tzinfo
    now_ts: int = 0

    def __call__(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.now_ts, self.tz)

    def follow(self, control: Control) -> None:
        self.now_ts = int(control("GET", "/world").json()["now"])


@dataclass
class DayFigures:
    """One simulated day, per user: NDCG@10 of the hot list by ranker, the share of the
    top 10 the user would enjoy, the share of picks shown in the last 7 days."""

    ndcg: dict[str, list[float]] = field(default_factory=dict)
    p10: list[float] = field(default_factory=list)
    p10_merged: list[float] = field(default_factory=list)
    repeats: list[float] = field(default_factory=list)
    out_of_order: int = 0  # lists that were not best first
    short_lists: int = 0  # lists below picks_per_list
    aucs: list[float] = field(default_factory=list)
    # Diagnostics: the share of the ranked pool whose tags are not known yet (the tag
    # counter sees nothing in such a candidate), and NDCG@10 with no 7-day rule (keys
    # "model_all", "tag_count_all": every not-watched hot candidate, the model's own
    # scores), so a day's figure does not hang on which candidates earlier picks took out;
    # with them the baselines of ``bench.baselines`` on that pool ("<name>_all").
    untagged: list[float] = field(default_factory=list)


def week_context(ctx: Context, control: Control) -> tuple[Context, SimClock]:
    clock = SimClock(ctx.settings.tz)
    clock.follow(control)
    return replace(ctx, clock=clock), clock


def refresh(ctx: Context, mid: int, record: Callable | None = None) -> tuple[dict, set[str]]:
    """One user's daily refresh; returns (today's picks, what was picked in the 7 days
    before) — the picks are stored. ``record`` is ``ml.train``'s."""
    store, today = ctx.store, ctx.clock().date()
    while _more_to_sync(sync_user(ctx, mid)):
        pass
    ml.train(store, mid, record)
    store.events.append(mid, ml.shown_events(store, mid, today))
    state, _ = ml.load_state(store, mid)
    doc = ml.score(store, mid, state, today=today, per_list=ctx.settings.picks_per_list)
    recent = store.picks.recent_bvids(mid, today)
    store.picks.save(mid, today.isoformat(), doc)
    return doc, recent


def _more_to_sync(report) -> bool:  # worker.sync.SyncReport
    """What the tasks chain another sync on: an unfinished listing, or details still being
    fetched (and this run got some). Read defensively: the report's fields move with the
    sync's work."""
    return (
        not getattr(report, "listing_complete", True)
        or getattr(report, "backfill_pending", False)
        or (report.metadata_missing > 0 and report.metadata_fetched > 0)
    )


def tag_count(store: Store, mid: int, pool: list[VideoRecord]) -> dict[str, float]:
    """docs/model.md's plain baseline, fed with the user's positives as the model sees them."""
    merged = merge_events(store.events.all(mid))
    records = store.videos.get_many(list(merged))
    positives = [model_video(records[b]) for b, e in merged.items()
                 if b in records and label(e, model_video(records[b])) == 1]
    scores = tag_count_scores(positives, [model_video(c) for c in pool])
    return {c.bvid: float(s) for c, s in zip(pool, scores, strict=True)}


def model_scores(store: Store, mid: int, pool: list[VideoRecord],
                 today: dt.date) -> dict[str, float] | None:
    """The stored model's score of each candidate at today's noon (None before a first
    model: the fallback ranks then)."""
    state, _ = ml.load_state(store, mid)
    if not state.trained:
        return None
    state.set_follows(store.follows.for_model(mid))  # as ml.score sees them
    now = ml.noon(today)
    probs = ml.recommender().score(state, [model_video(c) for c in pool], now=now)
    return {c.bvid: float(p) for c, p in zip(pool, probs, strict=True)}


def measure(ctx: Context, control: Control, mid: int, doc: dict, recent: set[str],
            day: DayFigures, *, diagnostics: bool = False,
            record_pool: Callable | None = None) -> None:
    """Adds one user's figures for today's ``doc`` to ``day``. Every ranker draws from the
    same pool: not watched, and not picked in the 7 days before (the model may not repeat
    those, so neither may the baselines, nor the ideal ordering)."""
    store, today = ctx.store, ctx.clock().date()
    hot, explore = split_candidates({s: store.pools.hot(s) for s in HOT_SOURCES},
                                    store.pools.user(mid))
    seen = store.events.touched(mid)
    pool = [c for c in hot if c.bvid not in seen and c.bvid not in recent]
    relevance = control("POST", f"/truth/{mid}/relevance",
                        json={"bvids": [c.bvid for c in hot + explore]}).json()["relevance"]
    gains = {c.bvid: relevance.get(c.bvid) or 0.0 for c in pool}
    rankers = {
        "model": [p["bvid"] for p in doc["hot"] if p["bvid"] not in recent],
        "by_views": {c.bvid: float(c.view) for c in pool},
        "quality_baseline": {c.bvid: quality_score(model_video(c)) for c in pool},
        "tag_count": tag_count(store, mid, pool),
    }
    for name, ranking in rankers.items():
        if isinstance(ranking, dict):
            ranking = [c.bvid for c in select(pool, ranking, n=10, exclude=seen, recent=set())]
        day.ndcg.setdefault(name, []).append(ndcg_of_list(ranking, gains))
    day.untagged.append(sum(not c.tags for c in pool) / max(len(pool), 1))
    everything = [c for c in hot if c.bvid not in seen]
    all_gains = {c.bvid: relevance.get(c.bvid) or 0.0 for c in everything}
    model_all = model_scores(store, mid, everything, today) if diagnostics else None
    if model_all is not None:
        rankers_all = {
            "model": model_all,
            "tag_count": tag_count(store, mid, everything),
            "author_count": baselines.author_count(store, mid, everything),
            **baselines.learned(store, mid, everything, today),
            "oracle": all_gains,
        }
        figures = {}
        for name, scores in rankers_all.items():
            ranking = [c.bvid for c in select(everything, scores, n=10, exclude=seen,
                                              recent=set())]
            figures[name] = ndcg_of_list(ranking, all_gains)
            day.ndcg.setdefault(f"{name}_all", []).append(figures[name])
        if record_pool is not None:
            record_pool(mid, everything, all_gains, ml.noon(today),
                        store.follows.for_model(mid), figures)
    enjoy = control("GET", f"/truth/{mid}").json().get("future_min_relevance", 0.35)

    def enjoyed(picks: list[dict]) -> float:
        return sum((relevance.get(p["bvid"]) or 0) >= enjoy for p in picks) / len(picks)

    top = doc["hot"][:10] + doc["explore"][:10]
    if top:
        day.p10.append(enjoyed(top))
        merged = sorted(doc["hot"] + doc["explore"], key=lambda p: -p["rating"])[:10]
        day.p10_merged.append(enjoyed(merged))
    picks = doc["hot"] + doc["explore"]
    if picks:
        day.repeats.append(sum(p["bvid"] in recent for p in picks) / len(picks))
    for section in ("hot", "explore"):
        ratings = [p["rating"] for p in doc[section]]
        day.out_of_order += ratings != sorted(ratings, reverse=True)
        day.short_lists += len(ratings) < ctx.settings.picks_per_list


def simulate_days(ctx: Context, control: Control, mids: list[int], days: int,
                  clock: SimClock, *, diagnostics: bool = False,
                  recorder: Recording | None = None) -> list[DayFigures]:
    """``days`` daily refreshes of every user (the first is their first sync), the
    simulator and the clock moved a day between them; ``recorder`` keeps each update's
    examples and (with ``diagnostics``) each day's pool."""
    out = []
    for n in range(days):
        if n:
            control("POST", "/advance_day", json={"days": 1})
            clock.follow(control)
        refresh_hot(ctx.store, ctx.client, ctx.settings)
        day = DayFigures()
        for mid in mids:
            record = None if recorder is None else functools.partial(recorder.train, n, mid)
            doc, recent = refresh(ctx, mid, record)
            meta = ctx.store.models.meta(mid)
            if meta is not None and meta.auc is not None:
                day.aucs.append(meta.auc)
            measure(ctx, control, mid, doc, recent, day, diagnostics=diagnostics,
                    record_pool=None if recorder is None else functools.partial(recorder.pool, n))
        out.append(day)
    return out
