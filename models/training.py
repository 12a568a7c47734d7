"""Incremental training of one user's model (the ``Slot`` passed in does the TensorFlow).

An update warm-starts from the stored weights and trains on the new labelled events plus
a bounded replay sample of older ones, so its cost grows with what is new. The newest
new events of a warm update can be held out to decide whether the candidate is kept:

* held out: the newest ``max(10, 20 %)`` of the new labelled events, only when at least
  twice that many are new and the slice holds ≥ 2 positives and ≥ 2 negatives (AUC on
  fewer is noise); held-out events are not trained on now — they come back via replay;
* a warm candidate whose held-out AUC is lower than the current model's is rejected and
  the state is left exactly as it was; with no usable slice the update is kept and the
  AUC is reported as None;
* the first model trains from scratch on whatever history arrived, the newest events
  included (its AUC is unknown until an update holds a slice out), if it has at least
  MIN_EXAMPLES labelled events with MIN_PER_CLASS of each class; otherwise nothing is
  trained and the caller ranks with ``models.fallback.popularity_rank``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from models import interest_head
from models.affinity import WIDTH, add_enjoyment, age_recent, faded, recent_weight
from models.encoding import encode
from models.entities import Event, Video
from models.features import (
    MAX_TAGS,
    duration_bucket,
    label,
    target,
    video_tag_keys,
    video_tags,
    views_bucket,
)
from models.metrics import roc_auc
from models.state import UserModelState, new_token

if TYPE_CHECKING:  # the slot (TensorFlow) is passed in; this module stays importable without
    from models.slots import Slot

BATCH_SIZE = 32
REPLAY_LIMIT = 200
HELDOUT_FRACTION = 0.2
MIN_HELDOUT = 10
MAX_HELDOUT = 200
MIN_HELDOUT_PER_CLASS = 2
MIN_EXAMPLES = 20
MIN_PER_CLASS = 3
UPDATE_EPOCHS = 3
UPDATE_LEARNING_RATE = 0.003
# Scratch training aims at a fixed number of optimizer steps so a short history still gets
# enough passes and a long one does not take minutes. Few: the wide part starts from a
# tag counter's weights (models.affinity.PRIOR), and on the simulator 100 steps let the
# embeddings memorise the history (hot NDCG@10 0.50 against 0.60 at 20 steps, before
# the prior).
SCRATCH_STEPS = 120
SCRATCH_EPOCHS = (2, 10)
# Gentler than the 0.005 it was: AdamW's decay (rate × 1.0 a step) had shrunk the prior by
# about 45 % over the first model's steps. Replayed over a recorded 12-user week
# (``bench.taste_replay``, 3 seeds), 0.002 took day 0 from 0.675 to 0.698 on ``rich`` and
# 0.866 to 0.879 on ``topic`` (0.001 and 0.003 each lost one of the two).
SCRATCH_LEARNING_RATE = 0.002
# Examples count less with age (``recency``), as the recent counts of models.affinity do,
# but never below this: an old positive still says a little about the user. It was 0.2;
# replayed over two simulated worlds × both tastes (``bench.taste_replay``, 3 seeds),
# 0.05 gained 0.005–0.02 on each, most on ``rich``, where the older half of a history
# follows interests since left (0.5 cost ``rich`` 0.02–0.06; 0 was no better than 0.05).
RECENCY_FLOOR = 0.05
# An update weighs the hot videos passed by at a quarter of a first model's. By then the
# user has been shown picks, and what they left of those says more about the pool than a
# hot list they may never have opened; at full weight each day's pool pushed the model
# away from its own best guesses. Replayed as above: 0.25 moved each world and taste by
# -0.002 to +0.015 (days 1–7); 0 gained ``topic`` 0.02–0.03 but cost ``rich`` 0.035.
PASSED_IN_UPDATES = 0.25


@dataclass(frozen=True)
class TrainReport:
    """What an update did; ``accepted`` False means the state was not changed."""

    accepted: bool
    auc: float | None
    auc_previous: float | None
    n_train: int
    n_heldout: int
    reason: str
    from_scratch: bool = False
    n_new: int = 0  # new events that carried a label
    n_replay: int = 0
    n_positive: int = 0  # in the training set
    n_negative: int = 0
    added_tokens: int = 0
    capacity: int = 0
    loss: float | None = None


Inputs = tuple[np.ndarray, np.ndarray, np.ndarray]  # tag ids, author ids, wide columns


@dataclass(frozen=True)
class Labelled:
    event: Event
    video: Video
    y: int  # the training target
    weight: float
    fact: int | None = None  # ``label``: what the user's record counts it as (None: not)
    enjoyment: float = 0.0  # ``interest_head.enjoyment``: what the head is fitted to


def labelled(pairs: Sequence[tuple[Event, Video]]) -> list[Labelled]:
    """Training examples among ``pairs`` (no target: skipped), oldest first. The target is
    whether the user chooses a video (``features.target``), not whether an opened video
    was finished (``features.label``, kept as the record's ``fact``): on
    ``bench.bench_taste``'s rich world the finish labels left the model below the UP主
    counter (0.44 against 0.62)."""
    out = []
    for event, video in pairs:
        found = target(event, video)
        if found is not None:
            out.append(Labelled(event, video, *found, label(event, video),
                                interest_head.enjoyment(event, video)))
    out.sort(key=lambda ex: ex.event.at)
    return out


def select_replay(older: Sequence, limit: int = REPLAY_LIMIT, seed: int = 0) -> list:
    """A uniform sample of at most ``limit`` older items (the caller may pre-select)."""
    if len(older) <= limit:
        return list(older)
    rng = np.random.default_rng(seed)
    return [older[i] for i in sorted(rng.choice(len(older), size=limit, replace=False))]


def split_heldout(new: list[Labelled]) -> tuple[list[Labelled], list[Labelled]]:
    """(train part, held-out newest slice) — the slice is empty when it could not decide.
    The slice holds only what the user did (``is_fact``): judged on a day's unopened
    picks, an update that pushed the user's favourites down would look like progress."""
    facts = [ex for ex in new if is_fact(ex)]
    k = min(max(MIN_HELDOUT, round(len(facts) * HELDOUT_FRACTION)), MAX_HELDOUT)
    if len(facts) < 2 * k:
        return new, []
    slice_ = facts[-k:]
    positives = sum(ex.y for ex in slice_)
    if min(positives, k - positives) < MIN_HELDOUT_PER_CLASS:
        return new, []
    held = {id(ex) for ex in slice_}
    return [ex for ex in new if id(ex) not in held], slice_


def is_fact(ex: Labelled) -> bool:
    """Whether the example is something the user did (and so enters ``TasteStats``): a pick
    they merely did not open is not. Counted, those negatives landed on exactly the tags
    and UP主 the model liked best, day after day, and its lead over the tag counter
    melted within a simulated week."""
    return ex.fact is not None and not (
        (ex.event.shown_ignored or ex.event.passed) and ex.fact == 0 and not ex.event.disliked)


def record_facts(state: UserModelState, examples: Sequence[Labelled]) -> None:
    """Count what the user did, for explanations, the profile and the wide part."""
    stats = state.stats
    newest = max((ex.event.at for ex in examples if is_fact(ex)), default=0)
    if newest > stats.recent_at:
        age_recent(stats, newest)
    for ex in examples:
        video, event = ex.video, ex.event
        state.last_event_at = max(state.last_event_at, event.at)
        weight = float(recent_weight(stats, event.at))
        add_enjoyment(stats, video_tag_keys(video), ex.enjoyment, weight)  # facts or not
        if not is_fact(ex):
            continue
        mid = video.author_mid
        stats.author_names[mid] = video.author_name
        fact = ex.fact
        bucket = stats.author_pos if fact else stats.author_neg
        bucket[mid] = bucket.get(mid, 0) + 1
        for flag, counts in (
            (event.liked, stats.author_liked),
            (event.faved, stats.author_faved),
            (event.coined, stats.author_coined),
        ):
            if flag:
                counts[mid] = counts.get(mid, 0) + 1
        tag_counts = stats.tag_pos if fact else stats.tag_neg
        for key, name in video_tags(video):
            tag_counts[key] = tag_counts.get(key, 0) + 1
            if name != key:
                stats.tag_names.setdefault(key, name)
        for key, counts in ((duration_bucket(video), stats.duration_pos if fact
                             else stats.duration_neg),
                            (views_bucket(video), stats.views_pos if fact else stats.views_neg)):
            if key >= 0:
                counts[key] = counts.get(key, 0) + 1
        if fact:
            stats.recent_author[mid] = stats.recent_author.get(mid, 0.0) + weight
            for key, _ in video_tags(video):
                stats.recent_tag[key] = stats.recent_tag.get(key, 0.0) + weight
        if fact and video.partition is not None:
            stats.partitions[video.partition] = stats.partitions.get(video.partition, 0) + 1
    state.examples_seen += len(examples)


def sample_weights(examples: Sequence[Labelled]) -> np.ndarray:
    """Balanced class weights (scikit-learn) times each example's own weight."""
    y = np.array([ex.y for ex in examples])
    classes = np.array([0, 1])
    balanced = compute_class_weight("balanced", classes=classes, y=y)
    return np.array([balanced[ex.y] * ex.weight for ex in examples], dtype=np.float32)


def recency(examples: Sequence[Labelled]) -> np.ndarray:
    """Each example's weight for its age against the newest example: halved every
    RECENT_HALF_LIFE days, never below RECENCY_FLOOR. On ``bench.bench_taste``'s rich
    world, where the older half of a history follows interests since left, this and the
    recent columns took the model from 0.60 to 0.66 (4 users × 4 days)."""
    at = np.array([ex.event.at for ex in examples], dtype=np.float64)
    if not len(at):
        return np.ones(0, np.float32)
    return np.maximum(faded(at.max() - at), RECENCY_FLOOR).astype(np.float32)


def training_order(n: int, epochs: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices for ``epochs`` shuffled passes over n rows, padded with row n (the
    zero-weight padding row) to whole batches, so the last batch never has one sample."""
    order = np.concatenate([rng.permutation(n) for _ in range(epochs)])
    short = -len(order) % BATCH_SIZE
    return np.concatenate([order, np.full(short, n)]).astype(np.int32)


def encode_examples(
    state: UserModelState, examples: Sequence[Labelled], *, counted: bool, rows: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Network inputs for examples, each seen as at its own event's time; ``counted`` says
    whether ``state.stats`` already holds them (their own counts are then left out)."""
    own = [ex.fact if counted and is_fact(ex) else -1 for ex in examples]
    enjoyed = [ex.enjoyment if counted else math.nan for ex in examples]
    return encode(
        [ex.video for ex in examples], state, rows,
        now=np.array([ex.event.at for ex in examples], dtype=np.float64),
        counted=np.array(own, dtype=np.float32), enjoyed=np.array(enjoyed, np.float64),
    )


def heldout_auc(
    slot: Slot, state: UserModelState, examples: Sequence[Labelled], *, counted: bool
) -> float | None:
    """AUC of ``state``'s model on ``examples`` (None if it is not finite): a pass of its
    own, for the rare update whose tables grow into a larger slot."""
    slot.load(state.token, state.weights)
    probs, _ = slot.forward(*encode_examples(state, examples, counted=counted))
    return _auc(examples, probs)


def _no_rows() -> Inputs:
    """Network inputs of zero rows (nothing held out)."""
    return (np.zeros((0, MAX_TAGS), np.int32), np.zeros(0, np.int32),
            np.zeros((0, WIDTH), np.float32))


def _auc(examples: Sequence[Labelled], scores: np.ndarray) -> float | None:
    if not np.all(np.isfinite(scores)):
        return None
    return roc_auc([ex.y for ex in examples], scores)


def run_update(
    slot_for: Callable[[int], Slot],
    state: UserModelState,
    new: Sequence[tuple[Event, Video]],
    replay: Sequence[tuple[Event, Video]],
    *,
    seed: int,
) -> tuple[UserModelState | None, TrainReport]:
    """Train a candidate from ``state``; returns (candidate or None if rejected, report).
    ``state`` itself is never modified here."""
    scratch = not state.trained
    new_l = labelled(new)
    # A video that is new again (re-watched, liked later) is learned from its new event.
    fresh = {event.bvid for event, _ in new}
    older = [(e, v) for e, v in replay if e.bvid not in fresh]
    replay_l = labelled(select_replay(older, seed=seed + state.updates))
    base = dict(from_scratch=scratch, n_new=len(new_l), n_replay=len(replay_l))

    def refuse(reason: str, **extra) -> tuple[None, TrainReport]:
        return None, TrainReport(False, None, None, 0, 0, reason, **base, **extra)

    if not new_l:
        return refuse("no new labelled events")
    # A first model has nothing to be judged against, and the newest fifth of a history
    # says the most about the user now: held out, it cost the first picks 0.04–0.08
    # NDCG@10 on ``rich`` (``bench.taste_replay``, worlds 11 and 23).
    train_new, heldout = (new_l, []) if scratch else split_heldout(new_l)
    train = replay_l + train_new
    positives = sum(ex.y for ex in train)
    negatives = len(train) - positives
    counts = dict(n_positive=positives, n_negative=negatives)
    if scratch and (len(train) < MIN_EXAMPLES or min(positives, negatives) < MIN_PER_CLASS):
        return refuse(
            f"too little history: {positives} positive and {negatives} negative labelled "
            f"events, need {MIN_EXAMPLES} with {MIN_PER_CLASS} of each",
            **counts,
        )
    if min(positives, negatives) == 0:
        return refuse("training examples are all of one class", **counts)

    candidate = state.clone()
    added = candidate.grow(
        [key for ex in train for key in video_tag_keys(ex.video)],
        [ex.video.author_mid for ex in train],
        seed,
    )
    record_facts(candidate, new_l)
    slot = slot_for(candidate.capacity)
    # The held-out slice is scored by the current model and by the candidate in the
    # training call itself: before the first step the slot holds the current weights
    # (rows added by ``grow`` are never reached through the current vocabulary), after
    # the last the candidate's. Only a slot of another capacity needs a pass of its own.
    before = after = _no_rows()
    previous = None
    judge_before = bool(heldout)  # never for a first model: nothing is held out
    if judge_before and candidate.capacity != state.capacity:
        previous = heldout_auc(slot_for(state.capacity), state, heldout, counted=False)
        judge_before = False
    if judge_before:
        before = encode_examples(state, heldout, counted=False)
    if heldout:
        after = encode_examples(candidate, heldout, counted=True)
    n = len(train)
    inputs = encode_examples(candidate, train, counted=True, rows=n + 1)
    labels = np.zeros(n + 1, dtype=np.float32)
    labels[:n] = [ex.y for ex in train]
    weights = np.zeros(n + 1, dtype=np.float32)
    weights[:n] = sample_weights(train) * recency(train)
    if not scratch:
        weights[:n] *= [PASSED_IN_UPDATES if ex.event.passed and not ex.y else 1.0
                        for ex in train]
    # Before training, so the held-out slice is judged with the head it will have; an
    # example enters the head's moments once, when it is new (held out or not).
    interest_head.refit(candidate, train_new + heldout,
                        np.concatenate([inputs[2][len(replay_l):n], after[2]]))
    rng = np.random.default_rng([seed, state.updates, n])
    if scratch:
        steps_per_epoch = math.ceil(n / BATCH_SIZE)
        lo, hi = SCRATCH_EPOCHS
        epochs = min(max(math.ceil(SCRATCH_STEPS / steps_per_epoch), lo), hi)
        rate = SCRATCH_LEARNING_RATE
    else:
        epochs, rate = UPDATE_EPOCHS, UPDATE_LEARNING_RATE
    order = training_order(n, epochs, rng)
    noise_seed = (seed * 7919 + state.updates) % (2**31)
    loss, candidate.weights, logits_before, logits_after = slot.update(
        candidate.weights, inputs, labels, weights, order, rate, noise_seed, before, after
    )
    candidate.token = new_token()
    slot.loaded = candidate.token
    if judge_before:
        previous = _auc(heldout, logits_before)
    auc = _auc(heldout, logits_after) if heldout else None
    details = dict(**base, **counts, added_tokens=added, capacity=candidate.capacity, loss=loss)
    if not math.isfinite(loss) or not np.all(np.isfinite(candidate.weights)):
        slot.loaded = None
        return None, TrainReport(
            False, auc, previous, n, len(heldout), "training diverged", **details
        )
    if previous is not None and (auc is None or auc < previous):
        slot.loaded = None
        return None, TrainReport(
            False,
            auc,
            previous,
            n,
            len(heldout),
            f"rejected: held-out AUC {_fmt(auc)} is below the current model's "
            f"{_fmt(previous)} on {len(heldout)} newest events",
            **details,
        )
    candidate.trained = True
    candidate.updates += 1
    if auc is not None:
        candidate.auc = auc
    if scratch:
        reason = "first model trained from scratch on every event (no held-out AUC yet)"
    elif previous is not None:
        reason = f"accepted: held-out AUC {_fmt(auc)} ≥ current {_fmt(previous)}"
    else:
        reason = "accepted without a held-out decision: too few new events of each class"
    return candidate, TrainReport(True, auc, previous, n, len(heldout), reason, **details)


def _fmt(auc: float | None) -> str:
    return "unknown" if auc is None else f"{auc:.3f}"
