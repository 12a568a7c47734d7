"""Versioned JSON values: every stored document carries ``v`` so later releases can read it."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_VERSION = 1


class StoredValueError(ValueError):
    """A stored value cannot be read (garbage, or written by an unknown version)."""


def dump(doc: dict[str, Any]) -> bytes:
    return json.dumps({"v": SCHEMA_VERSION, **doc}, ensure_ascii=False).encode()


def load(raw: bytes | str | None) -> dict[str, Any] | None:
    """Decode a stored document; ``None`` when absent. Raises StoredValueError on garbage."""
    if raw is None:
        return None
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise StoredValueError(f"stored value is not JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("v"), int):
        raise StoredValueError("stored value has no schema version")
    if doc["v"] > SCHEMA_VERSION:
        raise StoredValueError(f"stored value has schema v{doc['v']}, newer than this release")
    return doc


def read(raw: bytes | str | None) -> dict[str, Any] | None:
    """``load`` for a reader that treats an unreadable value (garbage, or written by a newer
    release) as absent."""
    try:
        return load(raw)
    except StoredValueError:
        return None
