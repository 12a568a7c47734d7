"""Injected faults (test hook "force a code on the next N requests", §14).

A fault matches by exact request path (or ``"*"`` = every non-control path)
and optionally by the user the request is attributed to. The table is not
thread-safe by itself: callers hold ``SimState.lock``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from http import HTTPStatus
from typing import Any

from flask import Response

from . import envelope, pages

KINDS = ("code", "http", "garbled", "slow")
# A truncated envelope: what a cut connection or a broken proxy hands a client.
GARBLED_BODY = '{"code":0,"message":"0","ttl":1,"data":{"list":[{"aid":1706'


@dataclass
class Fault:
    id: int
    path: str
    kind: str
    code: int = -412
    status: int = 412
    seconds: float = 2.0
    count: int = 1  # remaining matches; -1 = until cleared
    after: int = 0  # matching requests answered normally first (a fault mid-listing)
    mid: int | None = None
    body: str = "html"  # kind "http": "html" (edge page) or "json" (-412 envelope)

    def matches(self, path: str, mid: int | None) -> bool:
        if self.path != "*" and self.path != path:
            return False
        return self.mid is None or self.mid == mid

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _int(body: dict[str, Any], key: str, default: int | None) -> int | None:
    value = body.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        raise ValueError(f"{key} must be an integer")
    return value


def parse_fault(body: Any, fault_id: int) -> Fault:
    """Validate a ``POST /_sim/fault`` body; ``ValueError`` → HTTP 400."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    path = body.get("path")
    if not isinstance(path, str) or not (path == "*" or path.startswith("/")):
        raise ValueError('path must be "/…" or "*"')
    if path.startswith("/_sim/"):
        raise ValueError("control paths cannot be faulted")
    kind = body.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    count = _int(body, "count", 1)
    if count is None or count == 0 or count < -1:
        raise ValueError("count must be a positive integer or -1")
    after = _int(body, "after", 0)
    if after is None or after < 0:
        raise ValueError("after must be a non-negative integer")
    fault = Fault(id=fault_id, path=path, kind=kind, count=count, mid=_int(body, "mid", None),
                  after=after)
    if kind == "code":
        code = _int(body, "code", None)
        if code is None:
            raise ValueError("kind code needs an integer code")
        fault.code = code
    elif kind == "http":
        status = _int(body, "status", None)
        if status is None or not 400 <= status <= 599:
            raise ValueError("kind http needs a status 400..599")
        fault.status = status
        fault.body = body.get("body", "html")
        if fault.body not in ("html", "json"):
            raise ValueError('body must be "html" or "json"')
    elif kind == "slow":
        seconds = body.get("seconds", 2.0)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise ValueError("seconds must be a non-negative number")
        fault.seconds = float(seconds)
    return fault


class FaultTable:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1

    def next_id(self) -> int:
        fid = self._next_id
        self._next_id += 1
        return fid

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def list(self) -> list[dict[str, Any]]:
        return [f.to_json() for f in self._faults]

    def take(self, path: str, mid: int | None) -> Fault | None:
        """Consume one use of the oldest matching fault (first match wins;
        faults do not stack)."""
        for fault in self._faults:
            if fault.matches(path, mid):
                if fault.after > 0:
                    fault.after -= 1
                    return None
                if fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                return fault
        return None


def apply(fault: Fault) -> Response | None:
    """Answer for a taken fault; ``None`` = continue with the normal handler.
    Called without the state lock held (``slow`` sleeps)."""
    if fault.kind == "slow":
        time.sleep(fault.seconds)
        return None
    if fault.kind == "code":
        return envelope.error(fault.code)
    if fault.kind == "garbled":
        return Response(GARBLED_BODY, status=200, content_type=envelope.JSON_MIMETYPE)
    # kind == "http"
    if fault.body == "json":
        return envelope.error(-412 if fault.status == 412 else -fault.status, status=fault.status)
    try:
        reason = HTTPStatus(fault.status).phrase
    except ValueError:
        reason = "Error"
    return envelope.html_response(pages.http_error_page(fault.status, reason), fault.status)
