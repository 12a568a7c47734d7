"""QR logins this deployment started: which browser session asked for each key, and
whether its login is done.

A key is bound to the (hash of the) session id of the browser that asked for it: only a
poll carrying that session may learn the state or receive the login. Anyone else who
sees the key (a screen share, a photo of the QR code) learns nothing.
"""

from __future__ import annotations

import enum
import hmac

import redis

from store import codec, keys
from store.sessions import sid_hash

# Kept a while after bilibili's 180 s so a late poll still learns "success"/"expired".
RECORD_TTL_S = 600


class QrState(enum.Enum):
    PENDING = "pending"  # not logged in yet: ask bilibili
    DONE = "done"  # logged in: the owner's browser holds the new session


class QrLogins:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def remember(self, qrcode_key: str, owner_sid: str) -> None:
        """Bind a new key to the session that asked for it."""
        doc = {"owner": sid_hash(owner_sid)}
        self._r.set(keys.qr_login(qrcode_key), codec.dump(doc), ex=RECORD_TTL_S)

    def state_for(self, qrcode_key: str, sid: str | None) -> QrState | None:
        """The key's state for the browser whose session id is ``sid``; ``None`` when the
        key is unknown, expired, or bound to another browser."""
        if not sid:
            return None
        doc = codec.read(self._r.get(keys.qr_login(qrcode_key)))
        owner = doc.get("owner") if doc else None
        if not isinstance(owner, str) or not hmac.compare_digest(
                owner.encode(), sid_hash(sid).encode()):
            return None
        return QrState.DONE if doc.get("done") else QrState.PENDING

    def claim_success(self, qrcode_key: str) -> bool:
        """True only for the first caller, so one poll logs the user in."""
        return bool(self._r.set(keys.qr_login(qrcode_key) + ":claimed", 1, nx=True,
                                ex=RECORD_TTL_S))

    def finish(self, qrcode_key: str, new_sid: str) -> None:
        """The login is done and the owner now holds ``new_sid``: a later poll from it
        still says success. The record names a session hash, never the user, so after a
        logout nothing here points to them."""
        doc = {"owner": sid_hash(new_sid), "done": True}
        self._r.set(keys.qr_login(qrcode_key), codec.dump(doc), ex=RECORD_TTL_S)
