"""Growing vocabularies for tags and authors (no TensorFlow).

Index 0 is padding and index 1 is "unknown" in every vocabulary, so neither can collide
with a real tag or author (one of the original defects). Tokens only ever get appended,
so a row learned for a token keeps its index for the lifetime of the user's model.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

PAD = 0
OOV = 1
RESERVED = 2

# Embedding tables are allocated in powers of two so that users of similar size share one
# compiled network; the cap keeps a runaway vocabulary from allocating without bound.
MIN_CAPACITY = 256
MAX_CAPACITY = 1 << 16

K = TypeVar("K", bound=Hashable)


def normalize_tag(tag: str) -> str:
    """Key under which a tag is learned: 原神 and ' 原神 ' and 'Genshin'/'genshin' merge."""
    return " ".join(tag.split()).casefold()


def capacity_for(size: int) -> int:
    """Smallest power-of-two table (≥ MIN_CAPACITY) that holds ``size`` rows."""
    cap = MIN_CAPACITY
    while cap < size:
        cap *= 2
    return min(cap, MAX_CAPACITY)


class Vocab(Generic[K]):
    """Append-only token → index map with reserved PAD/OOV rows."""

    def __init__(self, tokens: Iterable[K] = ()) -> None:
        self._tokens: list[K] = list(tokens)[: MAX_CAPACITY - RESERVED]
        self._index: dict[K, int] = {t: i for i, t in enumerate(self._tokens, start=RESERVED)}
        # Derived lookup tables (e.g. encoding's id map), valid while len(self) is unchanged.
        self.cache: dict[str, object] = {}
        if len(self._index) != len(self._tokens):
            raise ValueError("duplicate tokens in a vocabulary")

    def __len__(self) -> int:
        return RESERVED + len(self._tokens)

    def __contains__(self, token: object) -> bool:
        return token in self._index

    @property
    def tokens(self) -> list[K]:
        """Known tokens in index order (index = position + RESERVED)."""
        return list(self._tokens)

    def lookup(self, token: K) -> int:
        """Index of ``token``, or OOV when it was never added."""
        return self._index.get(token, OOV)

    def lookup_many(self, tokens: Iterable[K]) -> list[int]:
        get = self._index.get
        return [get(token, OOV) for token in tokens]

    def token(self, index: int) -> K | None:
        """Token at ``index``; None for PAD, OOV or out of range."""
        pos = index - RESERVED
        return self._tokens[pos] if 0 <= pos < len(self._tokens) else None

    def add(self, token: K) -> int:
        """Index of ``token``, appending it if new; OOV once MAX_CAPACITY rows are used."""
        found = self._index.get(token)
        if found is not None:
            return found
        if len(self) >= MAX_CAPACITY:
            return OOV
        index = len(self)
        self._tokens.append(token)
        self._index[token] = index
        return index

    def copy(self) -> Vocab[K]:
        twin: Vocab[K] = Vocab()
        twin._tokens = self._tokens.copy()
        twin._index = self._index.copy()
        return twin
