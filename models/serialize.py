"""A user's model ⇄ bytes (no TensorFlow).

Layout (all integers big-endian)::

    MAGIC (8 bytes) | format version (uint16) | meta length (uint32) | meta | weights

``meta`` is zlib-compressed JSON: the vocabularies, the taste facts, the counters and the
name and shape of every stored weight. ``weights`` are the network's weights as raw
little-endian float32 in ``models.layout`` order, with the embedding tables trimmed to
the rows the vocabularies use (the tables' spare capacity is not stored). Optimizer
moments are not stored — each update starts them afresh — so the bytes do not depend on
the optimizer. Raw floats rather than ``.npz`` because parsing a zip and sixteen array
headers cost more than the rest of loading a model.

Bytes of another format version, or that are not a model at all, raise
``ModelFormatError`` instead of being half-read; the caller can retrain from the stored
events, so nothing of the user's is lost.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

import numpy as np

from models import interest_head, layout
from models.state import TasteStats, UserModelState
from models.vocab import MIN_CAPACITY, Vocab, capacity_for

MAGIC = b"BILIREC\x00"
# 2: the wide part reads models.affinity's columns (version 1 read quality alone)
# 3: one more column, the followed UP主 (``follows``)
# 4: more wide columns (length, popularity, per-view rates) and their bucket counts
# 6: the interest head (models.interest_head) in the weights
# 7: one more column, the tags' enjoyment rates (``tag_enjoyed``), and their counts
FORMAT_VERSION = 7
_HEADER = struct.Struct(">HI")
_FLOAT = np.dtype("<f4")


class ModelFormatError(ValueError):
    """The bytes are not a model this code can read."""


def dumps(state: UserModelState) -> bytes:
    rows = {name: len(state.tags) for name in layout.TAG_TABLES}
    rows.update({name: len(state.authors) for name in layout.AUTHOR_TABLES})
    parts = []
    shapes = []
    for name, value in layout.split(state.weights, state.capacity).items():
        part = value[: rows[name]] if name in rows else value
        parts.append(part.reshape(-1))
        shapes.append([name, list(part.shape)])
    meta = {
        "version": FORMAT_VERSION,
        "weights": shapes,
        "tags": state.tags.tokens,
        "authors": state.authors.tokens,
        "trained": state.trained,
        "updates": state.updates,
        "examples_seen": state.examples_seen,
        "last_event_at": state.last_event_at,
        "auc": state.auc,
        "head_moments": state.head_moments.tolist(),
        "head_at": state.head_at,
        "stats": _stats_to_json(state.stats),
    }
    # level 1: the JSON (vocabularies and counts) still shrinks ~3×, at a fifth of the time
    encoded = zlib.compress(json.dumps(meta, ensure_ascii=False).encode("utf-8"), 1)
    weights = np.concatenate(parts).astype(_FLOAT, copy=False).tobytes()
    return MAGIC + _HEADER.pack(FORMAT_VERSION, len(encoded)) + encoded + weights


def loads(data: bytes) -> UserModelState:
    head = len(MAGIC) + _HEADER.size
    if len(data) < head or not data.startswith(MAGIC):
        raise ModelFormatError("not a bilibili-recommender model (bad magic)")
    version, meta_length = _HEADER.unpack_from(data, len(MAGIC))
    if version != FORMAT_VERSION:
        raise ModelFormatError(
            f"model format version {version} is not supported (this code reads version "
            f"{FORMAT_VERSION}); retrain the model from the user's events"
        )
    try:
        meta = json.loads(zlib.decompress(data[head : head + meta_length]).decode("utf-8"))
        flat = np.frombuffer(data, dtype=_FLOAT, offset=head + meta_length)
        arrays: dict[str, np.ndarray] = {}
        start = 0
        for name, shape in meta["weights"]:
            size = int(np.prod(shape))
            if start + size > len(flat):
                raise ModelFormatError("model bytes are truncated")
            arrays[name] = flat[start : start + size].reshape(shape)
            start += size
        if start != len(flat):
            raise ModelFormatError("model bytes have trailing data")
        tags: Vocab[str] = Vocab(str(t) for t in meta["tags"])
        authors: Vocab[int] = Vocab(int(a) for a in meta["authors"])
        if any(arrays[name].shape[0] != len(tags) for name in layout.TAG_TABLES) or any(
            arrays[name].shape[0] != len(authors) for name in layout.AUTHOR_TABLES
        ):
            raise ModelFormatError("embedding rows do not match the vocabularies")
        capacity = capacity_for(max(len(tags), len(authors), MIN_CAPACITY))
        return UserModelState(
            tags=tags,
            authors=authors,
            capacity=capacity,
            weights=layout.join(arrays, capacity),
            stats=_stats_from_json(meta["stats"]),
            trained=bool(meta["trained"]),
            updates=int(meta["updates"]),
            examples_seen=int(meta["examples_seen"]),
            last_event_at=int(meta["last_event_at"]),
            auc=None if meta["auc"] is None else float(meta["auc"]),
            head_moments=_moments(meta["head_moments"]),
            head_at=int(meta["head_at"]),
        )
    except ModelFormatError:
        raise
    except (KeyError, ValueError, TypeError, zlib.error) as exc:
        raise ModelFormatError(f"corrupt model bytes: {exc}") from exc


def _moments(raw: Any) -> np.ndarray:
    moments = np.asarray(raw, np.float64)
    if moments.shape != interest_head.SHAPE or not np.all(np.isfinite(moments)):
        raise ModelFormatError(f"interest head moments of shape {moments.shape}")
    return moments


_INT_KEYED = (
    "author_pos",
    "author_neg",
    "author_liked",
    "author_faved",
    "author_coined",
    "author_names",
    "partitions",
    "follows",
    "duration_pos",
    "duration_neg",
    "views_pos",
    "views_neg",
    "recent_author",
)
_STR_KEYED = ("tag_pos", "tag_neg", "tag_names", "recent_tag", "tag_enjoyed", "tag_seen")


def _stats_to_json(stats: TasteStats) -> dict[str, Any]:
    # JSON object keys are strings; author mids and partitions go back to int on load.
    out: dict[str, Any] = {name: getattr(stats, name) for name in _STR_KEYED}
    out.update({name: {str(k): v for k, v in getattr(stats, name).items()} for name in _INT_KEYED})
    out.update(recent_at=stats.recent_at, enjoyed=stats.enjoyed, seen=stats.seen)
    return out


def _stats_from_json(raw: dict[str, Any]) -> TasteStats:
    values: dict[str, dict] = {name: dict(raw.get(name, {})) for name in _STR_KEYED}
    values.update({name: {int(k): v for k, v in raw.get(name, {}).items()} for name in _INT_KEYED})
    return TasteStats(**values, recent_at=int(raw.get("recent_at", 0)),
                      enjoyed=float(raw.get("enjoyed", 0.0)), seen=float(raw.get("seen", 0.0)))
