"""Untrusted JSON values of bilibili's answers as typed ones: never raising, never None
where the callers want a value (§13.3)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

INT64 = 2**63


def as_int(value: Any) -> int | None:
    # bool is an int subclass; a JSON true/false is never a count or an id. Past 64 bits
    # (JSON ints are unbounded) no id or count is real, and later float division or
    # int64 arrays would overflow.
    if isinstance(value, int) and not isinstance(value, bool) and -INT64 <= value < INT64:
        return value
    return None


# What XML 1.0 cannot carry (C0 controls but tab/newline/return, lone surrogates, U+FFFE,
# U+FFFF). bilibili lets uploaders put them in titles and names; one in a stored title
# would break the user's Atom feed for as long as the pick is kept, so none gets in.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def as_str(value: Any) -> str:
    """A text field of bilibili's answer (never None), stripped of what XML forbids."""
    if not isinstance(value, str):
        return ""
    return _NOT_XML.sub("", value) if _NOT_XML.search(value) else value


def as_dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
