"""The simple rankers the model has to beat, on the same pool and the same events.

  tag_count     the tag counter of docs/model.md (``bench.week.tag_count``)
  author_count  how many of the user's positives are by the candidate's UP主
  logreg        scikit-learn's LogisticRegression on the model's wide columns
  hgb           scikit-learn's HistGradientBoostingClassifier on the same columns
  oracle        the pool ordered by the simulator's true relevance

The two learned baselines are trained on every labelled event the user has (the labels,
example weights and class balancing of ``models.training``), each encoded as the model
encodes it (the counts leave the example itself out), and score the pool at today's noon.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from models.encoding import encode
from models.features import label
from models.training import encode_examples, labelled, sample_weights
from store import Store, VideoRecord
from worker import ml
from worker.convert import merge_events, model_video


def author_count(store: Store, mid: int, pool: list[VideoRecord]) -> dict[str, float]:
    merged = merge_events(store.events.all(mid))
    records = store.videos.get_many(list(merged))
    counts: dict[int, int] = {}
    for bvid, event in merged.items():
        if bvid in records:
            video = model_video(records[bvid])
            if label(event, video) == 1:
                counts[video.author_mid] = counts.get(video.author_mid, 0) + 1
    return {c.bvid: float(counts.get(c.owner_mid, 0)) for c in pool}


def learned(store: Store, mid: int, pool: list[VideoRecord],
            today: dt.date) -> dict[str, dict[str, float]]:
    """{"logreg": scores, "hgb": scores}; empty before the user has a trained model (the
    encoding needs its counts) or when the events hold one class only."""
    state, _ = ml.load_state(store, mid)
    if not state.trained:
        return {}
    state.set_follows(store.follows.for_model(mid))
    merged = merge_events(store.events.all(mid))
    records = store.videos.get_many(list(merged))
    pairs = [(e, model_video(records[b])) for b, e in merged.items() if b in records]
    # the model's last update also had the hot pool's passed-by videos (worker.ml)
    at = max((e.at for e, _ in pairs), default=0)
    examples = labelled(pairs + ml.passed_by(store, mid, at))
    y = np.array([ex.y for ex in examples])
    if len(set(y)) < 2:
        return {}
    x = encode_examples(state, examples, counted=True)[2]
    w = sample_weights(examples)
    now = ml.noon(today)
    xp = encode([model_video(c) for c in pool], state, now=now)[2]
    out = {}
    for name, model in (
        ("logreg", LogisticRegression(max_iter=1000)),
        ("hgb", HistGradientBoostingClassifier(max_iter=100, random_state=0)),
    ):
        model.fit(x, y, sample_weight=w)
        p = model.predict_proba(xp)[:, 1]
        out[name] = {c.bvid: float(s) for c, s in zip(pool, p, strict=True)}
    return out
