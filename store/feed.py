"""Each user's secret Atom feed token. Only a hash of the token finds its owner, so a
rotated or forgotten token answers nothing; the user's own copy (to show the URL) sits
under their prefix and goes with logout."""

from __future__ import annotations

import hashlib
import secrets

import redis

from store import keys


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeedTokens:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def token(self, mid: int) -> str:
        """The user's token, made on first use."""
        raw = self._r.get(keys.feed_token(mid))
        return raw.decode() if raw else self.rotate(mid)

    def rotate(self, mid: int) -> str:
        """A new token; the old one stops working at once."""
        token = secrets.token_urlsafe(24)
        old = self._r.get(keys.feed_token(mid))
        with self._r.pipeline(transaction=True) as pipe:
            if old:
                pipe.delete(keys.feed_owner(_hash(old.decode())))
            pipe.set(keys.feed_owner(_hash(token)), mid)
            pipe.set(keys.feed_token(mid), token)
            pipe.execute()
        return token

    def owner(self, token: str) -> int | None:
        raw = self._r.get(keys.feed_owner(_hash(token)))
        return int(raw) if raw else None

    def revoke(self, mid: int) -> None:
        old = self._r.get(keys.feed_token(mid))
        if old:
            self._r.delete(keys.feed_owner(_hash(old.decode())), keys.feed_token(mid))
