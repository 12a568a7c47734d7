"""bilibili login cookies and refresh_token of each user, encrypted at rest."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import redis

from store import codec, keys
from store.crypto import Cipher


@dataclass(frozen=True)
class SavedCredentials:
    cookies: dict[str, str] = field(repr=False)
    refresh_token: str = field(repr=False, default="")
    saved_at: float = 0.0


class CredentialStore:
    def __init__(self, r: redis.Redis, cipher: Cipher) -> None:
        self._r = r
        self._cipher = cipher

    def save(self, mid: int, cookies: dict[str, str], refresh_token: str) -> None:
        self._r.set(keys.credentials(mid), self.seal(cookies, refresh_token))

    def seal(self, cookies: dict[str, str], refresh_token: str) -> bytes:
        """The stored (encrypted) form of a login."""
        doc = {"cookies": cookies, "refresh_token": refresh_token, "saved_at": time.time()}
        return self._cipher.encrypt(codec.dump(doc))

    def load(self, mid: int) -> SavedCredentials | None:
        """The user's credentials; ``None`` when there are none (never logged in, logged out)."""
        token = self._r.get(keys.credentials(mid))
        if token is None:
            return None
        plaintext = self._cipher.decrypt(token)
        if self._cipher.needs_rotation(token):
            self._reencrypt(mid, token, plaintext)
        return self._parse(plaintext)

    def decode(self, token: bytes) -> SavedCredentials:
        """A login in its stored form (see ``seal``); ValueError when unreadable."""
        return self._parse(self._cipher.decrypt(token))

    @staticmethod
    def _parse(plaintext: bytes) -> SavedCredentials:
        doc = codec.load(plaintext)
        assert doc is not None
        cookies = doc.get("cookies")
        if not isinstance(cookies, dict):
            raise codec.StoredValueError("stored credentials hold no cookies")
        return SavedCredentials(
            cookies={str(k): str(v) for k, v in cookies.items()},
            refresh_token=str(doc.get("refresh_token") or ""),
            saved_at=float(doc.get("saved_at") or 0.0),
        )

    def reencrypt_all(self) -> tuple[int, int]:
        """Read every user's credentials once, so those still under the old secret are
        written under the current one; returns (read, unreadable)."""
        read = unreadable = 0
        for key in self._r.scan_iter(match=keys.CREDENTIALS_PATTERN):
            try:
                self.load(int(key.split(b":")[1]))
                read += 1
            except (ValueError, codec.StoredValueError):  # DecryptionError is a ValueError
                unreadable += 1
        return read, unreadable

    def _reencrypt(self, mid: int, old_token: bytes, plaintext: bytes) -> None:
        """Write a value read under an old secret again under the current one, unless a
        concurrent save replaced it meanwhile."""
        key = keys.credentials(mid)
        with self._r.pipeline() as pipe:
            try:
                pipe.watch(key)
                if pipe.get(key) != old_token:
                    return
                pipe.multi()
                pipe.set(key, self._cipher.encrypt(plaintext), keepttl=True)
                pipe.execute()
            except redis.WatchError:
                pass

    def delete(self, mid: int) -> None:
        self._r.delete(keys.credentials(mid))


