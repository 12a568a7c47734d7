"""Who is logged in: each user's public profile and the set of active users."""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis

from store import codec, keys


@dataclass(frozen=True)
class UserProfile:
    mid: int
    uname: str
    face: str = ""
    logged_in_at: float = 0.0


class UserStore:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def activate(self, profile: UserProfile) -> bool:
        """Store the profile and mark the user active; True when the user is new here. A
        logout still pending (``store.leaving``) is cancelled: this login is not to end."""
        doc = {
            "mid": profile.mid,
            "uname": profile.uname,
            "face": profile.face,
            "logged_in_at": profile.logged_in_at or time.time(),
        }
        with self._r.pipeline() as pipe:
            pipe.exists(keys.user(profile.mid))
            pipe.set(keys.user(profile.mid), codec.dump(doc))
            pipe.sadd(keys.ACTIVE_USERS, profile.mid)
            pipe.delete(keys.leaving(profile.mid))
            existed, *_ = pipe.execute()
        return not existed

    def get(self, mid: int) -> UserProfile | None:
        doc = codec.read(self._r.get(keys.user(mid)))
        if doc is None:
            return None
        return UserProfile(
            mid=mid,
            uname=str(doc.get("uname", "")),
            face=str(doc.get("face", "")),
            logged_in_at=float(doc.get("logged_in_at") or 0.0),
        )

    def is_active(self, mid: int) -> bool:
        return bool(self._r.sismember(keys.ACTIVE_USERS, mid))

    def deactivate(self, mid: int) -> None:
        """Stop scheduling the user (login expired) but keep their data."""
        self._r.srem(keys.ACTIVE_USERS, mid)

    def active_mids(self) -> list[int]:
        return sorted(int(m) for m in self._r.smembers(keys.ACTIVE_USERS))
