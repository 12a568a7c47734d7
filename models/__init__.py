"""Pure machine learning for the recommender: features, network, online training, scoring,
explanations and (de)serialisation. Imports nothing of ours outside ``models/``, no Redis,
no HTTP. Only ``Recommender`` (and the modules ``network``, ``slots``, ``recommender``)
import TensorFlow. ``entities``, ``signals``, ``vocab``, ``features`` and ``fallback`` are
plain Python (no numpy either), so ``import models`` and those modules work in the web's
environment (the store reads ``signals``, the table of event kinds); the rest needs numpy
and scikit-learn and is imported lazily on first use.

Data (``models.entities``)::

    Video(bvid, title, tags: tuple[str, ...], author_mid, author_name, duration, view,
          like, coin, favorite, partition=None)
    Event(bvid, at, progress=0, duration=0, liked=False, faved=False, coined=False,
          disliked=False, shown_ignored=False, toview=False,
          passed=False)                          # progress −1 = finished;
                                                 # toview = put in 稍后再看 by the user;
                                                 # passed = in a hot list, not opened

Features and labels (``models.features``, no TF)::

    quality_score(video) -> float               # ∈ [0, 1]
    interest(event, video=None) -> float        # ∈ [0, 1]
    label(event, video=None) -> int | None      # 1 / 0 / not a training example
    example_weight(event, video=None) -> float  # 0.1 shown-but-ignored, 0.3 toview only
    rating(probability) -> int                  # 推荐指数 0–100

  Label: disliked → 0; liked/favourited/coined → 1; watched ≥ 50 % or finished → 1;
  shown as a pick and not clicked → 0 (weight 0.5); opened and left before 20 % → 0;
  20–50 % watched or duration unknown → None (not trained on). The label is what the
  user's record counts (``TasteStats``, the tag counter); the network is trained on
  ``target(event, video) -> (y, weight) | None``: whether the user chose the video —
  opened → 1 (weight 0.5 + share watched + 1 per like/coin/favourite), opened and left
  before 20 % → 0 (0.5), disliked → 0, a pick not clicked → 0 (0.1), a hot-list video
  passed by (``Event.passed``, added by the worker from the hot pool) → 0 (1.0).

Cold start (``models.fallback``, no TF)::

    popularity_rank(candidates, partition_counts=None) -> list[float]   # ∈ [0, 1]
    partition_counts(videos) -> dict[int, int]

Training, scoring, explaining (``models.recommender``, TensorFlow; one per process)::

    rec = Recommender(*, seed=0, xla=True, threads=1, weight_decay=1.0)  # not thread-safe
    rec.warm_up(capacities=(256,))               # optional: trace/compile at worker start
    rec.new_state() -> UserModelState            # untrained; state.trained is False
    state.set_follows({up_mid: 1 | 2})           # followed UP主 (2 = 特别关注): an input
                                                 # column; set before update and scoring
    rec.load(data: bytes) -> UserModelState      # raises ModelFormatError
    rec.dump(state) -> bytes
    rec.update(state, new: list[(Event, Video)], replay: list[(Event, Video)] = ())
        -> TrainReport(accepted, auc, auc_previous, n_train, n_heldout, reason,
                       from_scratch, n_new, n_replay, n_positive, n_negative,
                       added_tokens, capacity, loss)
        # state changes in place only when accepted; first call trains from scratch
        # (needs ≥ 20 labelled events, ≥ 3 of each class, else accepted=False and the
        # caller ranks with popularity_rank)
    rec.prepare(videos) -> Candidates            # pre-encode a shared pool once
    rec.score(state, candidates: list[Video] | Candidates) -> np.ndarray  # probabilities
        # raises UntrainedModelError if not state.trained
    rec.score_with_attention(state, candidates) -> (probabilities, attention[n, 13])
    rec.explain(state, video, max_reasons=3) -> list[str]
    rec.explain_many(state, videos, max_reasons=3) -> list[list[str]]
    rec.profile(state, top=20) -> {"tags": [{"name", "weight", "count"}],
                                   "authors": [{"mid", "name", "weight", "count"}]}

  ``select_replay(older, limit=200, seed=0)`` (``models.training``) draws the bounded
  replay sample; ``update`` also caps ``replay`` at 200 itself.

Held-out rule: the newest max(10, 20 %) of the new labelled events are held out when at
least twice that many are new and the slice has ≥ 2 positives and ≥ 2 negatives; a warm
candidate with a lower held-out AUC (``metrics.roc_auc``, identical to scikit-learn's
``roc_auc_score`` but without its ~3 ms validation) than the current
model is rejected. Otherwise the update is kept and ``auc`` is None.

Performance: one ``Slot`` (Keras model + AdamW + traced functions) per embedding
capacity (256, 512, … doubling); a user's weights are one flat vector assigned into it, so
a warm process serves a never-seen user without building or tracing anything. Scoring is
XLA-compiled for padded batch sizes 64/256/1024/4096; ``rec.prepare(pool)`` once per
shared pool makes per-user encoding two numpy gathers. A ``Recommender`` holds mutable
slots: use one per process (Celery prefork) or per thread, never share one across threads.

Training details (``models.training``): balanced class weights from scikit-learn's
``compute_class_weight`` multiply each sample's loss; batches of 32, padded with
zero-weight rows so no batch has one sample; scratch training aims at ~40 AdamW steps
(2–10 epochs, lr 0.005), updates run 2 epochs at lr 0.003; during training tags/authors
are randomly replaced by the unknown id (20 % / 50 %), which trains the unknown rows used
for unseen candidates and keeps the network from memorising single authors.

Also here: ``models.metrics`` (NDCG@k, the tag-count baseline) and ``models.synthetic``
(a taste world with known tastes for tests and benchmarks).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Pure Python (no numpy, no TensorFlow): what the web and the sync worker may use.
from models.entities import Event, Video
from models.fallback import partition_counts, popularity_rank
from models.features import example_weight, interest, label, quality_score, rating

if TYPE_CHECKING:
    from models.encoding import Candidates, prepare
    from models.recommender import Recommender
    from models.serialize import FORMAT_VERSION, ModelFormatError
    from models.state import UntrainedModelError, UserModelState
    from models.training import TrainReport, select_replay

# Everything else needs numpy (and scikit-learn or TensorFlow), which the web's
# requirements do not install, so it is imported on first use.
_LAZY = {
    "Candidates": "models.encoding",
    "prepare": "models.encoding",
    "FORMAT_VERSION": "models.serialize",
    "ModelFormatError": "models.serialize",
    "UntrainedModelError": "models.state",
    "UserModelState": "models.state",
    "TrainReport": "models.training",
    "select_replay": "models.training",
    "Recommender": "models.recommender",
}

__all__ = [
    "FORMAT_VERSION",
    "Candidates",
    "Event",
    "ModelFormatError",
    "Recommender",
    "TrainReport",
    "UntrainedModelError",
    "UserModelState",
    "Video",
    "example_weight",
    "interest",
    "label",
    "partition_counts",
    "popularity_rank",
    "prepare",
    "quality_score",
    "rating",
    "select_replay",
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
