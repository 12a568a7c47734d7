"""Server-side web sessions behind a random cookie id.

Only a hash of the session id is stored, so a Redis dump does not hand out live sessions.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import redis

from store import codec, keys

ANONYMOUS_TTL_S = 3600


@dataclass(frozen=True)
class Session:
    sid: str
    mid: int | None
    csrf_token: str
    created_at: float

    @property
    def logged_in(self) -> bool:
        return self.mid is not None


def sid_hash(sid: str) -> str:
    """What is stored for a session id (sessions, QR bindings): never the id itself."""
    return hashlib.sha256(sid.encode()).hexdigest()


def session_key(sid: str | None) -> str | None:
    """The Redis key of a cookie value; ``None`` for one that cannot be a session id."""
    if not sid or len(sid) > 128:
        return None
    return keys.session(sid_hash(sid))


def parse(sid: str, raw: bytes | None) -> Session | None:
    """The session stored as ``raw``; ``None`` when absent or garbage."""
    doc = codec.read(raw)
    if doc is None:
        return None
    mid = doc.get("mid")
    return Session(
        sid=sid,
        mid=int(mid) if isinstance(mid, int) else None,
        csrf_token=str(doc.get("csrf", "")),
        created_at=float(doc.get("created_at") or 0.0),
    )


class SessionStore:
    def __init__(self, r: redis.Redis, *, ttl_s: float) -> None:
        self._r = r
        self._ttl_s = int(ttl_s)

    def create(self, mid: int | None = None) -> Session:
        session = Session(
            sid=secrets.token_urlsafe(32),
            mid=mid,
            csrf_token=secrets.token_urlsafe(32),
            created_at=time.time(),
        )
        hashed = sid_hash(session.sid)
        ttl = self._ttl_s if mid is not None else ANONYMOUS_TTL_S
        doc = {"mid": mid, "csrf": session.csrf_token, "created_at": session.created_at}
        with self._r.pipeline() as pipe:
            pipe.set(keys.session(hashed), codec.dump(doc), ex=ttl)
            if mid is not None:
                pipe.sadd(keys.user_sessions(mid), hashed)
                pipe.expire(keys.user_sessions(mid), ttl)
            pipe.execute()
        if mid is not None:
            self._prune(mid)
        return session

    def _prune(self, mid: int) -> None:
        """Drop the index entries of the user's sessions that expired (at each login, so
        the index holds about as many entries as the user has live sessions)."""
        hashes = list(self._r.smembers(keys.user_sessions(mid)))
        with self._r.pipeline(transaction=False) as pipe:
            for hashed in hashes:
                pipe.exists(keys.session(hashed.decode()))
            alive = pipe.execute()
        dead = [h for h, there in zip(hashes, alive, strict=True) if not there]
        if dead:
            self._r.srem(keys.user_sessions(mid), *dead)

    def get(self, sid: str | None) -> Session | None:
        """The session for a cookie value; ``None`` for a missing, unknown or garbage id."""
        key = session_key(sid)
        return None if key is None else parse(sid, self._r.get(key))

    def delete(self, sid: str) -> None:
        self._r.delete(keys.session(sid_hash(sid)))

    def delete_all_for(self, mid: int) -> None:
        hashes = [h.decode() for h in self._r.smembers(keys.user_sessions(mid))]
        with self._r.pipeline() as pipe:
            for hashed in hashes:
                pipe.delete(keys.session(hashed))
            pipe.delete(keys.user_sessions(mid))
            pipe.execute()
