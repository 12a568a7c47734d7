"""Scoring candidates with a user's model in a shared slot (TensorFlow via ``Slot``).

Every candidate gets a probability: tags and authors the user never met map to the
learned "unknown" rows instead of being dropped (the original dropped them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from models.encoding import Candidates, encode
from models.entities import Video
from models.state import UserModelState

if TYPE_CHECKING:
    from models.slots import Slot


def forward(
    slot_for: Callable[[int], Slot],
    state: UserModelState,
    videos: Sequence[Video] | Candidates,
    now: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities [n], attention [n, MAX_TAGS + 1]) for ``videos`` in order, their
    ages taken at ``now`` (unix seconds; default: the user's newest event)."""
    slot = slot_for(state.capacity)
    slot.load(state.token, state.weights)
    return slot.forward(*encode(videos, state, now=state.last_event_at if now is None else now))
