"""``Recommender``: the per-process entry point that trains, scores and explains.

Create one per worker process and pass every user's state through it. It owns one
``Slot`` per embedding capacity (built on first use, or ahead of time by ``warm_up``) and
swaps each user's weights in by assignment, so a warm process serves a user it has never
seen without building a model or tracing a function.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from models import explain as _explain
from models import layout, serialize
from models import profile as _profile
from models.encoding import Candidates, join, prepare
from models.entities import Event, Video
from models.scoring import forward
from models.slots import SCORE_BUCKETS, Slot
from models.state import UntrainedModelError, UserModelState, fresh_state
from models.training import TrainReport, run_update
from models.vocab import MIN_CAPACITY

LEARNING_RATE = 0.005
WEIGHT_DECAY = 1.0


class Recommender:
    """Shared network + traced functions for all users of this process."""

    def __init__(
        self,
        *,
        seed: int = 0,
        xla: bool = True,
        threads: int | None = 1,
        weight_decay: float = WEIGHT_DECAY,
    ) -> None:
        """``xla`` compiles the scoring path with XLA (faster, one compile per batch
        bucket). ``threads`` sets TensorFlow's intra/inter-op threads if TensorFlow has not
        started yet: the network is tiny, so one thread per op is fastest, and worker
        processes sharing a few cores do not oversubscribe them; None keeps TF's default.
        """
        import tensorflow as tf  # noqa: PLC0415 - loads when a Recommender is made, not on import

        if threads is not None:
            try:
                tf.config.threading.set_intra_op_parallelism_threads(threads)
                tf.config.threading.set_inter_op_parallelism_threads(threads)
            except RuntimeError:
                pass  # TensorFlow already initialised: keep its settings
        self.seed = seed
        self._xla = xla
        self._weight_decay = weight_decay
        self._slots: dict[int, Slot] = {}
        self._template = layout.split(self.slot(MIN_CAPACITY).read(), MIN_CAPACITY)

    def slot(self, capacity: int) -> Slot:
        """The shared slot for ``capacity`` (built once per process)."""
        found = self._slots.get(capacity)
        if found is None:
            found = Slot(
                capacity,
                seed=self.seed,
                learning_rate=LEARNING_RATE,
                weight_decay=self._weight_decay,
                xla=self._xla,
            )
            self._slots[capacity] = found
        return found

    def warm_up(self, capacities: Iterable[int] = (MIN_CAPACITY,)) -> None:
        """Build and trace everything for these capacities now (e.g. at worker start)
        so the first users do not pay for it."""
        probe = Video("", "", ("warm",), 1, "", 60, 100, 1, 0, 0)
        for capacity in capacities:
            state = fresh_state(self._template, capacity)
            slot = self.slot(state.capacity)
            for rows in SCORE_BUCKETS:
                forward(lambda _c, s=slot: s, state, [probe] * rows)
            run_update(self.slot, state, *_warm_examples(probe), seed=self.seed)
            slot.loaded = None

    # -- state lifecycle -----------------------------------------------------------------
    def new_state(self) -> UserModelState:
        """An empty, untrained model for a new user."""
        return fresh_state(self._template, MIN_CAPACITY)

    def load(self, data: bytes) -> UserModelState:
        """State from ``dump`` bytes; raises ``serialize.ModelFormatError`` on bytes of an
        unknown format version or corrupt bytes."""
        return serialize.loads(data)

    def dump(self, state: UserModelState) -> bytes:
        return serialize.dumps(state)

    # -- training and scoring ------------------------------------------------------------
    def update(
        self,
        state: UserModelState,
        new: Sequence[tuple[Event, Video]],
        replay: Sequence[tuple[Event, Video]] = (),
    ) -> TrainReport:
        """Warm-start update (or first model from scratch); ``state`` changes in place
        only when ``report.accepted``. See ``models.training`` for the rules."""
        candidate, report = run_update(self.slot, state, new, replay, seed=self.seed)
        if candidate is not None:
            state.adopt(candidate)
        return report

    @staticmethod
    def prepare(videos: Sequence[Video]) -> Candidates:
        """Pre-encode a pool once to score it for many users (no per-user preparation)."""
        return prepare(videos)

    @staticmethod
    def join(first: Candidates, second: Candidates) -> Candidates:
        """Two prepared pools as one batch (one scoring pass instead of two)."""
        return join(first, second)

    def score(
        self,
        state: UserModelState,
        candidates: Sequence[Video] | Candidates,
        now: int | None = None,
    ) -> np.ndarray:
        """Probability of interest per candidate, in order (unseen tags/authors included),
        ages taken at ``now`` (unix seconds; default: the user's newest event). Raises
        ``UntrainedModelError`` when the user has no model yet."""
        return self.score_with_attention(state, candidates, now)[0]

    def score_with_attention(
        self,
        state: UserModelState,
        candidates: Sequence[Video] | Candidates,
        now: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities [n], attention [n, MAX_TAGS + 1] — tags in order, author last)."""
        if not state.trained:
            raise UntrainedModelError("no trained model yet; rank with popularity_rank")
        return forward(self.slot, state, candidates, now)

    # -- explanations and profile ----------------------------------------------------------
    def explain(self, state: UserModelState, video: Video, max_reasons: int = 3) -> list[str]:
        return self.explain_many(state, [video], max_reasons)[0]

    def explain_many(
        self,
        state: UserModelState,
        videos: Sequence[Video],
        max_reasons: int = 3,
        now: int | None = None,
    ) -> list[list[str]]:
        """Reasons per video in one forward pass; without a trained model the reasons
        come from the user's record and the videos' numbers alone."""
        videos = list(videos)
        attention = self.score_with_attention(state, videos, now)[1] if state.trained else None
        return self.explain_scored(state, videos, attention, max_reasons)

    @staticmethod
    def explain_scored(
        state: UserModelState,
        videos: Sequence[Video],
        attention: np.ndarray | None,
        max_reasons: int = 3,
    ) -> list[list[str]]:
        """Reasons from the attention rows a scoring pass already returned (one per video),
        without another pass; None when no model is trained."""
        return [
            _explain.reasons(
                state.stats, video, None if attention is None else attention[i], max_reasons
            )
            for i, video in enumerate(videos)
        ]

    def profile(self, state: UserModelState, top: int = 20) -> dict:
        probe = (lambda videos: self.score(state, videos)) if state.trained else None
        return _profile.profile(state.stats, probe, top)


def _warm_examples(probe: Video) -> tuple[list, list]:
    """A tiny balanced history that takes the traced training path once."""
    new = [
        (Event(f"w{i}", at=i, progress=-1 if i % 2 else 0, duration=60), probe)
        for i in range(2 * 20)
    ]
    return new, []
