"""Typed errors for bilibili's ``{code, message, data}`` envelope and transport failures.

Messages carry the path, the code and bilibili's short message only: never a URL query,
a cookie or a response body, since those can hold credentials (the QR poll's ``data.url``).
"""

from __future__ import annotations


class BiliError(Exception):
    """Anything bilibili answered that is not a success."""

    def __init__(self, message: str, *, code: int | None = None, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.code = code
        self.path = path


class NotLoggedIn(BiliError):
    """-101: the session cookie is missing or dead."""


class CsrfMismatch(BiliError):
    """-111 / 2202: csrf ≠ bili_jct."""


class RiskControl(BiliError):
    """bilibili's risk control stopped the request; callers must back off for real."""


class Intercepted(RiskControl):
    """-412 or HTTP 412: every call pauses for the 412 cool-down."""


class RiskCheckFailed(RiskControl):
    """-352 (and -401): that user's calls pause for the 352 cool-down."""


class NotFound(BiliError):
    """-404, 62002, 62004, 62012, 11010: the thing is gone or hidden; do not retry."""


class PrivacyHidden(BiliError):
    """53013 / 22115: the user hides this list; treat it as empty."""


class Transient(BiliError):
    """Server trouble, timeouts, garbled answers: retry later with back-off."""


class TooFrequent(Transient):
    """-509 / -799: over a limit; back off minutes."""


class BadRequest(BiliError):
    """-400 and other codes that say our request is wrong: a bug, never retried."""


class ListFull(BadRequest):
    """90001: the watch-later list is full; stop adding, never make room (§14.2)."""


_BY_CODE: dict[int, type[BiliError]] = {
    -101: NotLoggedIn,
    -111: CsrfMismatch,
    2202: CsrfMismatch,
    -352: RiskCheckFailed,
    -401: RiskCheckFailed,
    -412: Intercepted,
    -404: NotFound,
    62002: NotFound,
    62004: NotFound,
    62012: NotFound,
    11010: NotFound,
    90003: NotFound,  # watch later: the video is deleted (§14.2)
    90001: ListFull,
    53013: PrivacyHidden,
    22115: PrivacyHidden,  # followings hidden (§15.1)
    -509: TooFrequent,
    -799: TooFrequent,
    -500: Transient,
    -503: Transient,
    -504: Transient,
    -8888: Transient,
    -400: BadRequest,
    -403: BadRequest,
}


def error_for(code: int, message: str, *, path: str = "") -> BiliError:
    """The typed error for a non-zero envelope code."""
    cls = _BY_CODE.get(code, BadRequest)
    return cls(f"code {code} {message}".strip(), code=code, path=path)


def error_for_http(status: int, *, path: str = "") -> BiliError:
    """The typed error for an HTTP status that is not 200."""
    if status == 412:
        return Intercepted("HTTP 412 请求被拦截", code=-412, path=path)
    if status == 404:
        return NotFound("HTTP 404", code=-404, path=path)
    if status == 429 or status >= 500:
        return Transient(f"HTTP {status}", path=path)
    return BadRequest(f"HTTP {status}", path=path)


class CoolingDown(RiskControl):
    """Raised by a gate, not by bilibili: a 412 / 352 cool-down is running, so no request
    was sent. ``scope`` is ``"global"`` or ``"user"``; ``seconds`` is how long is left."""

    def __init__(self, seconds: float, scope: str, *, path: str = "") -> None:
        super().__init__(f"cooling down ({scope}) for {seconds:.0f} s", path=path)
        self.seconds = seconds
        self.scope = scope
        # Celery rebuilds exceptions as ``cls(*args)``; keep args what __init__ takes.
        self.args = (seconds, scope)

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}cooling down ({self.scope}) for {self.seconds:.0f} s"
