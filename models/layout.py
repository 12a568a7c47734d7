"""Shapes of the network's weights and their place in one flat vector (no TensorFlow).

A user's weights travel as one float32 vector: one assignment swaps them into a shared
network and one read takes them out, which is much cheaper than fifteen of each, and the
web or sync side can handle a model's bytes without TensorFlow.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from models.affinity import WIDTH as WIDE_WIDTH
from models.features import MAX_TAGS

EMBEDDING_DIM = 16
ATTENTION_UNITS = 16
DEEP_UNITS = (64, 32, 16)
ATTENTION_COLUMNS = MAX_TAGS + 1  # the tags, then the author

TAG_TABLE = "tag_embedding/embeddings"
AUTHOR_TABLE = "author_embedding/embeddings"
# Tables with one row per vocabulary entry, and which vocabulary indexes them.
TAG_TABLES = (TAG_TABLE,)
AUTHOR_TABLES = (AUTHOR_TABLE,)


@lru_cache(maxsize=32)
def weight_shapes(capacity: int) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(name, shape) of every weight in the network's order for an embedding capacity."""
    shapes: list[tuple[str, tuple[int, ...]]] = [
        (TAG_TABLE, (capacity, EMBEDDING_DIM)),
        (AUTHOR_TABLE, (capacity, EMBEDDING_DIM)),
        ("attention/w", (EMBEDDING_DIM, ATTENTION_UNITS)),
        ("attention/b", (ATTENTION_UNITS,)),
        ("attention/v", (ATTENTION_UNITS,)),
    ]
    width = 2 * EMBEDDING_DIM + WIDE_WIDTH  # content ⊕ author ⊕ the wide columns
    for units in DEEP_UNITS:
        shapes += [(f"deep_{units}/kernel", (width, units)), (f"deep_{units}/bias", (units,))]
        width = units
    shapes += [
        ("deep_out/kernel", (width, 1)),
        ("deep_out/bias", (1,)),
        ("wide/kernel", (WIDE_WIDTH, 1)),
        ("wide/bias", (1,)),
        ("interest/kernel", (WIDE_WIDTH, 1)),  # models.interest_head: fitted, not trained
        ("interest/bias", (1,)),
    ]
    return tuple(shapes)


@lru_cache(maxsize=32)
def offsets(capacity: int) -> dict[str, tuple[int, int, tuple[int, ...]]]:
    """name → (start, end, shape) inside the flat vector."""
    table: dict[str, tuple[int, int, tuple[int, ...]]] = {}
    start = 0
    for name, shape in weight_shapes(capacity):
        size = int(np.prod(shape))
        table[name] = (start, start + size, shape)
        start += size
    return table


def flat_size(capacity: int) -> int:
    return max(end for _, end, _ in offsets(capacity).values())


def view(flat: np.ndarray, capacity: int, name: str) -> np.ndarray:
    """The named weight as a writable view into ``flat``."""
    start, end, shape = offsets(capacity)[name]
    return flat[start:end].reshape(shape)


def split(flat: np.ndarray, capacity: int) -> dict[str, np.ndarray]:
    return {name: view(flat, capacity, name) for name, _ in weight_shapes(capacity)}


def join(parts: dict[str, np.ndarray], capacity: int) -> np.ndarray:
    """Flat vector from named weights; embedding tables may have fewer rows than capacity
    (stored models keep only the used rows) and are zero-padded."""
    flat = np.zeros(flat_size(capacity), dtype=np.float32)
    for name, (start, end, shape) in offsets(capacity).items():
        part = np.asarray(parts[name], dtype=np.float32)
        if name in TAG_TABLES + AUTHOR_TABLES:
            if part.ndim != 2 or part.shape[1] != shape[1] or part.shape[0] > shape[0]:
                raise ValueError(f"{name}: shape {part.shape} does not fit {shape}")
            view(flat, capacity, name)[: part.shape[0]] = part
        else:
            if part.shape != shape:
                raise ValueError(f"{name}: shape {part.shape}, expected {shape}")
            flat[start:end] = part.reshape(-1)
    return flat
