"""Request counters, so tests and the demo can check the client is polite.

Guarded by ``SimState.lock`` (not thread-safe by itself). Totals are exact for
the whole run; the per-request log keeps only the newest ``LOG_LIMIT`` entries
so a long demo run does not grow without bound.
"""

from __future__ import annotations

from collections import Counter, deque
from typing import Any

LOG_LIMIT = 20_000


class Counters:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.total = 0
        self.by_path: Counter[str] = Counter()
        self.by_user: Counter[int] = Counter()
        self.log: deque[tuple[float, str, int | None]] = deque(maxlen=LOG_LIMIT)

    def record(self, ts: float, path: str, mid: int | None) -> None:
        self.total += 1
        self.by_path[path] += 1
        if mid is not None:  # anonymous requests count in total/by_path only
            self.by_user[mid] += 1
        self.log.append((ts, path, mid))

    def snapshot(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_path": dict(self.by_path),
            "by_user": {str(mid): n for mid, n in self.by_user.items()},
            "log": [list(entry) for entry in self.log],
        }
