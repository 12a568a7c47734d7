"""QR logins this deployment started: known keys, and who a finished login belongs to."""

from __future__ import annotations

import redis

from store import codec, keys

# Kept a while after bilibili's 180 s so a late poll still learns "success"/"expired".
RECORD_TTL_S = 600


class QrLogins:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def remember(self, qrcode_key: str) -> None:
        self._r.set(keys.qr_login(qrcode_key), codec.dump({"mid": None}), ex=RECORD_TTL_S)

    def known(self, qrcode_key: str) -> bool:
        return bool(self._r.exists(keys.qr_login(qrcode_key)))

    def succeeded(self, qrcode_key: str) -> bool:
        doc = codec.read(self._r.get(keys.qr_login(qrcode_key)))
        return bool(doc and doc.get("done"))

    def claim_success(self, qrcode_key: str) -> bool:
        """Record the login; True only for the first caller, so one poll gets the session.
        Neither record names the user: after a logout nothing may point to them."""
        claimed = self._r.set(keys.qr_login(qrcode_key) + ":claimed", 1, nx=True,
                              ex=RECORD_TTL_S)
        if claimed:
            self._r.set(keys.qr_login(qrcode_key), codec.dump({"done": True}), ex=RECORD_TTL_S)
        return bool(claimed)
