"""A logout the worker finishes: while it takes back what we added to 稍后再看, the user's
data stays, marked by a token and a snapshot of the login it is to end.

The snapshot (the encrypted credentials, copied as they are) is what the worker removes
entries with and logs out of bilibili with: a new login meanwhile writes new credentials
and must never be the one logged out. A new login also deletes the mark
(``UserStore.activate``), which cancels the pending logout: the worker stops before the
bilibili exit and forgets nothing.
"""

from __future__ import annotations

import secrets

import redis

from store import keys
from store.credentials import CredentialStore, SavedCredentials

_BEGIN = """
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'token', ARGV[1])
local saved = redis.call('GET', KEYS[1])
if saved then redis.call('HSET', KEYS[2], 'credentials', saved) end
return 1
"""

_SAVE = """
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'credentials', ARGV[2])
return 1
"""

_CLEAR = """
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
"""


class Leaving:
    def __init__(self, r: redis.Redis, credentials: CredentialStore) -> None:
        self._r = r
        self._credentials = credentials
        self._begin = r.register_script(_BEGIN)
        self._save = r.register_script(_SAVE)
        self._clear = r.register_script(_CLEAR)

    def begin(self, mid: int) -> str:
        """Mark the user as leaving and snapshot their login, in one step; the token names
        this logout (an older or cancelled one finds another, or none)."""
        token = secrets.token_hex(8)
        self._begin(keys=[keys.credentials(mid), keys.leaving(mid)], args=[token])
        return token

    def token(self, mid: int) -> str | None:
        try:
            raw = self._r.hget(keys.leaving(mid), "token")
        except redis.ResponseError:  # a mark written before snapshots: the bare token
            raw = self._r.get(keys.leaving(mid))
        return raw.decode() if raw else None

    def credentials(self, mid: int) -> SavedCredentials | None:
        """The snapshot; raises ValueError when it cannot be read (DecryptionError)."""
        try:
            raw = self._r.hget(keys.leaving(mid), "credentials")
        except redis.ResponseError:
            return None
        return self._credentials.decode(raw) if raw else None

    def save_credentials(self, mid: int, token: str, cookies: dict[str, str],
                         refresh_token: str) -> bool:
        """Keep a rotation of the snapshot (the old refresh_token is spent), while this
        logout is still pending."""
        sealed = self._credentials.seal(cookies, refresh_token)
        return bool(self._save(keys=[keys.leaving(mid)], args=[token, sealed]))

    def clear(self, mid: int, token: str) -> bool:
        """End this logout's mark (it could not be queued, or it is done)."""
        return bool(self._clear(keys=[keys.leaving(mid)], args=[token]))
