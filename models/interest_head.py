"""The interest head: a linear read of the wide columns, fitted in closed form (ridge
regression) to how much the user enjoyed each example, added to the network's logit when
scoring (no TensorFlow).

The network learns whether the user *chooses* a video (``features.target``); what they
choose is pulled towards what bilibili puts in front of them, while how far they watch
and whether they like it says how much they enjoyed it. The two disagree usefully: on
recorded simulated weeks (``bench.taste_replay``), adding this head to the network's
logit gained on both worlds and tastes, and a second logistic model of the choice in its
place gained little, so it is the target that helps, not the averaging.

It is fitted, not trained, on the user's whole record rather than on an update's replay
sample: the state keeps the weighted moments of every example it has seen (a few hundred
numbers), an example's weight halved every HALF_LIFE_DAYS it is older than the newest,
and each update adds its new examples and solves again. Fitted on the update's few
hundred rows only, it gained half as much. Its predictions are centred on the record's
weighted mean, so a rating (推荐指数) moves only by how much more or less the user should
enjoy a candidate than their usual video.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from models.affinity import WIDTH, faded
from models.entities import Event, Video
from models.features import interest, opened

if TYPE_CHECKING:  # models.state keeps the moments; models.training makes the examples
    from models.state import UserModelState
    from models.training import Labelled

# Logits per unit of predicted enjoyment (0–1). The head's predictions spread about a
# tenth as wide as the network's logits over a hot pool. With the enjoyment rates among
# the columns (``models.affinity``), 12 against 8 gained ``rich`` 0.001–0.010 on the
# recorded weeks and kept ``topic`` within 0.002 (seeds 0–2 and 3–5); 16 cost ``topic``.
INTEREST_SCALE = 12.0
# Against 1.0 and 20 days (the recent counts' half-life): on the recorded weeks, ``rich``
# +0.01 to +0.025, ``topic`` within 0.005, over seeds 0–2 and 3–5 alike. With the
# enjoyment rates in, 10 days against 14: ``rich`` +0.009 to +0.012, ``topic`` within
# 0.002 (7 days cost ``topic`` 0.004; ridge 0.03 or 0.3, within 0.002).
RIDGE_ALPHA = 0.1
HALF_LIFE_DAYS = 10.0
# The user tried it and it did not hold them: that says more against a video than passing
# it by. Replayed, 0.3 gained 0.005 on ``topic`` and up to 0.01 on ``rich`` over seeds 0–2
# and 3–5 and put the model ahead of every baseline on all 32 days (0.6 was as good,
# 1.0 cost ``rich`` 0.02).
LEFT_PENALTY = 0.3
# The moments: rows and columns 0..WIDTH-1 the wide columns, WIDTH the constant 1; the
# last column Σ weight · enjoyment · row.
SHAPE = (WIDTH + 1, WIDTH + 2)


def enjoyment(event: Event, video: Video) -> float:
    """What the head is fitted to: ``features.interest`` stretched so that a video opened
    and soon left counts below one never opened (down to -LEFT_PENALTY); 0 for a video
    disliked, 1 for one liked, coined or favourited."""
    if event.disliked:
        return 0.0
    return (1.0 + LEFT_PENALTY) * interest(event, video) - LEFT_PENALTY * opened(event)


def no_moments() -> np.ndarray:
    return np.zeros(SHAPE, np.float64)


def accumulate(moments: np.ndarray, moments_at: int, wide: np.ndarray,
               targets: Sequence[float], at: Sequence[int]) -> tuple[np.ndarray, int]:
    """(new moments, their reference time) with the rows added; every row weighs what
    ``faded`` says for its age (HALF_LIFE_DAYS) against the newest time seen, the old
    moments included."""
    if not len(at):
        return moments, moments_at
    at_a = np.asarray(at, np.float64)
    newest = int(max(moments_at, at_a.max()))
    old = moments * (faded(newest - moments_at, HALF_LIFE_DAYS) if moments_at else 1.0)
    rows = np.c_[np.asarray(wide, np.float64), np.ones(len(at_a))]
    weights = faded(newest - at_a, HALF_LIFE_DAYS)
    added = np.c_[rows.T @ (rows * weights[:, None]),
                  rows.T @ (weights * np.asarray(targets, np.float64))]
    return old + added, newest


def solve(moments: np.ndarray) -> tuple[np.ndarray, float]:
    """(kernel [WIDTH], bias): ridge on the wide columns, the constant not penalised, the
    predictions centred on the weighted mean row."""
    gram, moment = moments[:, :-1], moments[:, -1]
    total = gram[-1, -1]
    if total <= 0:
        return np.zeros(WIDTH, np.float32), 0.0
    penalty = np.diag([RIDGE_ALPHA] * WIDTH + [0.0])
    beta = np.linalg.solve(gram + penalty, moment)
    kernel = beta[:-1]
    mean_row = gram[-1, :-1] / total
    return kernel.astype(np.float32), float(-mean_row @ kernel)


def refit(state: UserModelState, examples: Sequence[Labelled], wide: np.ndarray) -> None:
    """Add ``examples`` (their wide columns: the rows of ``wide``) to the state's moments
    and solve the head into its weights."""
    state.head_moments, state.head_at = accumulate(
        state.head_moments, state.head_at, wide,
        [ex.enjoyment for ex in examples], [ex.event.at for ex in examples])
    kernel, bias = solve(state.head_moments)
    state.table("interest/kernel")[:, 0] = kernel
    state.table("interest/bias")[0] = bias
