"""The hook every bilibili request passes: shared rate limit and risk-control cool-downs.

The worker implements :class:`Gate` on Redis (one token bucket for all processes, a global
412 cool-down, per-user 352 cool-downs); this package only calls it, so it never needs to
know where the counters live.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

GLOBAL = "global"
USER = "user"


@runtime_checkable
class Gate(Protocol):
    def before_request(self, mid: int | None) -> None:
        """Called before each HTTP attempt (retries included). May sleep until a token is
        free, or raise :class:`bilibili.errors.CoolingDown` so nothing is sent.
        ``mid`` is the user whose cookies go with the request, None for anonymous calls."""

    def on_intercepted(self) -> None:
        """-412 or HTTP 412 was answered: start the global cool-down."""

    def on_risk_check(self, mid: int | None) -> None:
        """-352 (or -401) was answered for this user's request: start their cool-down."""


class NoGate:
    """No rate limit and no cool-downs: tests and one-off scripts."""

    def before_request(self, mid: int | None) -> None:
        return None

    def on_intercepted(self) -> None:
        return None

    def on_risk_check(self, mid: int | None) -> None:
        return None
