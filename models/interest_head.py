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
numbers), faded by age as ``models.affinity.faded`` fades the recent counts, and each
update adds its new examples and solves again. Fitted on the update's few hundred rows
only, it gained half as much. Its predictions are centred on the record's weighted mean,
so a rating (推荐指数) moves only by how much more or less the user should enjoy a
candidate than their usual video.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.affinity import WIDTH, faded
from models.entities import Event, Video
from models.features import interest

# Logits per unit of predicted enjoyment (0–1). The head's predictions spread about a
# tenth as wide as the network's logits over a hot pool; 8 gives them about half the
# network's say (5 and 12 each did worse on one of the four recorded weeks).
INTEREST_SCALE = 8.0
RIDGE_ALPHA = 1.0
# The moments: rows and columns 0..WIDTH-1 the wide columns, WIDTH the constant 1; the
# last column Σ weight · enjoyment · row.
SHAPE = (WIDTH + 1, WIDTH + 2)


def enjoyment(event: Event, video: Video) -> float:
    """What the head is fitted to: ``features.interest``, 0 for a video disliked."""
    return 0.0 if event.disliked else interest(event, video)


def no_moments() -> np.ndarray:
    return np.zeros(SHAPE, np.float64)


def accumulate(moments: np.ndarray, moments_at: int, wide: np.ndarray,
               targets: Sequence[float], at: Sequence[int]) -> tuple[np.ndarray, int]:
    """(new moments, their reference time) with the rows added; every row weighs what
    ``faded`` says for its age against the newest time seen, the old moments included."""
    if not len(at):
        return moments, moments_at
    at_a = np.asarray(at, np.float64)
    newest = int(max(moments_at, at_a.max()))
    old = moments * (faded(newest - moments_at) if moments_at else 1.0)
    rows = np.c_[np.asarray(wide, np.float64), np.ones(len(at_a))]
    weights = faded(newest - at_a)
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
