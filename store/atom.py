"""Each user's secret Atom feed: its token and the notices shown at its top. Only a hash
of the token finds its owner, so a rotated or forgotten token answers nothing; the user's
own copy (to show the URL) and the notices sit under their prefix and go with logout."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import redis

from store import keys


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


NOTICE_DAYS = 30  # as long as a day's picks stay in the feed
NOTICES_KEPT = 10


@dataclass(frozen=True)
class Notice:
    kind: str  # "login_expired"
    at: float  # when it happened
    login_at: float  # the login it is about (its logged_in_at)


class AtomTokens:
    """Each change reads the current token and replaces it in one optimistic transaction
    (WATCH): two rotations at once (two tabs, a double click), or a rotation during
    logout, never leave a second working token behind that nothing points to."""

    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def token(self, mid: int) -> str:
        """The user's token, made on first use (by whichever of two first uses wins)."""
        raw = self._r.get(keys.atom_token(mid))
        return raw.decode() if raw else self._replace(mid, only_if_none=True)

    def rotate(self, mid: int) -> str:
        """A new token; the old one stops working at once."""
        return self._replace(mid)

    def owner(self, token: str) -> int | None:
        raw = self._r.get(keys.atom_owner(_hash(token)))
        return int(raw) if raw else None

    def revoke(self, mid: int) -> None:
        self._replace(mid, new=None)

    def _replace(self, mid: int, *, new: str | None | bool = True,
                 only_if_none: bool = False) -> str:
        """Swap the user's token (and its lookup key) for ``new`` (True: a fresh one;
        None: none); returns the token in force afterwards ("" when revoked)."""
        key = keys.atom_token(mid)
        token = secrets.token_urlsafe(24) if new is True else new
        with self._r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(key)
                    old = pipe.get(key)
                    if old and only_if_none:
                        pipe.unwatch()
                        return old.decode()
                    pipe.multi()
                    if old:
                        pipe.delete(keys.atom_owner(_hash(old.decode())))
                    if token:
                        pipe.set(keys.atom_owner(_hash(token)), mid)
                        pipe.set(key, token)
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return token or ""
                except redis.WatchError:
                    continue

    def note_login_expired(self, mid: int, *, login_at: float, at: float) -> bool:
        """Record that the login begun at ``login_at`` has ended; True only the first time
        for that login (one entry and one message per expiry, whoever notices it again)."""
        key = keys.atom_notices(mid)
        field = f"login_expired:{login_at:.3f}"
        if not self._r.hsetnx(key, field, f"{at:.3f}"):
            return False
        fields = sorted(self._r.hgetall(key).items(), key=lambda kv: -float(kv[1]))
        if len(fields) > NOTICES_KEPT:
            self._r.hdel(key, *(f for f, _ in fields[NOTICES_KEPT:]))
        return True

    def notices(self, mid: int, *, now: float | None = None) -> list[Notice]:
        """The notices of the last NOTICE_DAYS days, newest first."""
        since = (time.time() if now is None else now) - NOTICE_DAYS * 86400
        found = []
        for field, value in self._r.hgetall(keys.atom_notices(mid)).items():
            kind, _, login_at = field.decode().partition(":")
            try:
                notice = Notice(kind, float(value), float(login_at))
            except ValueError:
                continue
            if notice.at >= since:
                found.append(notice)
        return sorted(found, key=lambda n: -n.at)
