"""Every Redis key name lives here, so the layout can be read (and changed) in one place.

Everything that belongs to one bilibili user sits under ``user:{mid}`` so that logout can
delete all of it by prefix and nothing is left behind.
"""

from __future__ import annotations

ACTIVE_USERS = "users:active"
DEVICE = "device:ids"


def user(mid: int) -> str:
    return f"user:{mid}"


def user_prefix(mid: int) -> str:
    return f"user:{mid}:"


def credentials(mid: int) -> str:
    return f"user:{mid}:cred"


def status(mid: int) -> str:
    return f"user:{mid}:status"


def user_sessions(mid: int) -> str:
    return f"user:{mid}:sessions"


def refresh_lock(mid: int) -> str:
    return f"user:{mid}:lock:refresh"


def session(sid_hash: str) -> str:
    return f"session:{sid_hash}"


def qr_login(qrcode_key: str) -> str:
    return f"qr:{qrcode_key}"


def rate_window(name: str, who: str, window: int) -> str:
    return f"rate:{name}:{who}:{window}"
