"""One user's model as plain data: vocabularies, flat weights, taste facts (no TensorFlow).

The facts (``TasteStats``) are counts of what the user actually did, kept next to the
weights so that explanations only claim what is true ("你收藏过该UP主的视频" needs a
favourite of that author on record) and the profile can name real tags.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from models import layout
from models.interest_head import no_moments
from models.vocab import OOV, Vocab, capacity_for

_tokens = itertools.count(1)

# New rows start as the learned "unknown" row plus a little noise: a brand-new tag then
# scores like an unknown one until it has been trained, and the noise breaks ties.
NEW_ROW_NOISE = 0.01


class UntrainedModelError(ValueError):
    """Scoring was asked of a state that has no trained model (use the fallback ranking)."""


def new_token() -> int:
    """A process-unique id for one version of a user's weights (slots cache by it)."""
    return next(_tokens)


@dataclass
class TasteStats:
    """Counts over the user's labelled examples (each event counted once, when new)."""

    tag_pos: dict[str, int] = field(default_factory=dict)
    tag_neg: dict[str, int] = field(default_factory=dict)
    tag_names: dict[str, str] = field(default_factory=dict)  # key → name as first shown
    author_pos: dict[int, int] = field(default_factory=dict)
    author_neg: dict[int, int] = field(default_factory=dict)
    author_liked: dict[int, int] = field(default_factory=dict)
    author_faved: dict[int, int] = field(default_factory=dict)
    author_coined: dict[int, int] = field(default_factory=dict)
    author_names: dict[int, str] = field(default_factory=dict)
    partitions: dict[int, int] = field(default_factory=dict)  # positives per partition
    # UP主 the user follows on bilibili (mid → 1; 2 for 特别关注): not counted from the
    # labelled record but handed in by the caller before training and scoring.
    follows: dict[int, int] = field(default_factory=dict)
    # Positives / negatives per duration and per views bucket (models.features): the
    # user's taste for length and for popularity.
    duration_pos: dict[int, int] = field(default_factory=dict)
    duration_neg: dict[int, int] = field(default_factory=dict)
    views_pos: dict[int, int] = field(default_factory=dict)
    views_neg: dict[int, int] = field(default_factory=dict)
    # Positives per tag and per UP主 again, each weighted by its age against the newest
    # event on record (``recent_at``), halved every ``models.affinity.RECENT_HALF_LIFE``:
    # what the user likes now, where a long history is partly out of date.
    recent_tag: dict[str, float] = field(default_factory=dict)
    recent_author: dict[int, float] = field(default_factory=dict)
    recent_at: int = 0
    # How much the user enjoyed what they met (``models.interest_head.enjoyment``) per tag,
    # and how much they met: every labelled example, hot videos passed by and picks left
    # unopened included, faded as the recent counts. Their ratio is a tag's enjoyment
    # rate; ``enjoyed`` and ``seen`` are the same over all examples.
    tag_enjoyed: dict[str, float] = field(default_factory=dict)
    tag_seen: dict[str, float] = field(default_factory=dict)
    enjoyed: float = 0.0
    seen: float = 0.0


@dataclass(eq=False)
class UserModelState:
    """Everything needed to update, score and explain for one user."""

    tags: Vocab[str]
    authors: Vocab[int]
    capacity: int
    weights: np.ndarray  # flat float32, see models.layout
    stats: TasteStats = field(default_factory=TasteStats)
    trained: bool = False
    updates: int = 0
    examples_seen: int = 0
    last_event_at: int = 0
    auc: float | None = None  # held-out AUC of the last update that could measure one
    # the interest head's weighted moments over every example seen (models.interest_head)
    head_moments: np.ndarray = field(default_factory=no_moments)
    head_at: int = 0
    token: int = field(default_factory=new_token)

    def set_follows(self, follows: dict[int, int]) -> None:
        """Replace the followed UP主 (mid → 1, or 2 for 特别关注). The model reads
        them as an input column (``models.affinity``); the caller refreshes them before
        every update and scoring, since they change outside the event log."""
        self.stats.follows = {int(mid): int(kind) for mid, kind in follows.items()}

    def table(self, name: str) -> np.ndarray:
        return layout.view(self.weights, self.capacity, name)

    def clone(self) -> UserModelState:
        """An independent copy with a fresh token (for a candidate update)."""
        twin = copy.copy(self)
        twin.tags = self.tags.copy()
        twin.authors = self.authors.copy()
        twin.weights = self.weights.copy()
        # the facts are dicts of plain values (and a time): copying each is a full copy
        twin.stats = TasteStats(**{k: dict(v) if isinstance(v, dict) else v
                                   for k, v in vars(self.stats).items()})
        twin.token = new_token()
        return twin

    def adopt(self, other: UserModelState) -> None:
        """Become ``other`` (an accepted candidate) in place, so callers' references see it."""
        self.__dict__.update(other.__dict__)

    def grow(self, tag_keys: Iterable[str], author_mids: Iterable[int], seed: int) -> int:
        """Add unseen tags/authors, doubling the tables when full; learned rows keep their
        index and value. Returns how many tokens were added."""
        old_tags, old_authors = len(self.tags), len(self.authors)
        for key in tag_keys:
            self.tags.add(key)
        for mid in author_mids:
            self.authors.add(mid)
        added = len(self.tags) - old_tags + len(self.authors) - old_authors
        if not added:
            return 0
        needed = capacity_for(max(len(self.tags), len(self.authors)))
        if needed > self.capacity:
            parts = layout.split(self.weights, self.capacity)
            self.weights = layout.join(parts, needed)
            self.capacity = needed
        rng = np.random.default_rng([seed, self.updates, old_tags, old_authors])
        spans = [(name, old_tags, len(self.tags)) for name in layout.TAG_TABLES]
        spans += [(name, old_authors, len(self.authors)) for name in layout.AUTHOR_TABLES]
        for name, start, end in spans:
            table = self.table(name)
            noise = rng.normal(0.0, NEW_ROW_NOISE, size=(end - start, table.shape[1]))
            table[start:end] = table[OOV] + noise.astype(np.float32)
        self.token = new_token()
        return added


def fresh_state(template: dict[str, np.ndarray], capacity: int) -> UserModelState:
    """An untrained state whose dense weights are ``template`` (tables are re-initialised
    as rows are added)."""
    capacity = capacity_for(capacity)
    return UserModelState(
        tags=Vocab(), authors=Vocab(), capacity=capacity, weights=layout.join(template, capacity)
    )
