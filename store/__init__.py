"""The Redis store: the one package that knows key names and encodings.

``Store.connect(settings)`` gives every part a process needs; tests build it against
their own Redis database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import redis

from settings import Settings
from store import keys, user_index
from store.atom import AtomTokens
from store.credentials import CredentialStore, SavedCredentials
from store.crypto import Cipher, DecryptionError
from store.cursors import Cursors
from store.delivery import ToviewStore
from store.device import DeviceStore
from store.events import BehaviourEvent, EventLog
from store.feedback import FeedbackStore
from store.follows import Follows
from store.leaving import Leaving
from store.locks import RefreshLocks
from store.models import ModelMeta, ModelStore
from store.picks import PickStore
from store.picks_rendered import RenderedPicks
from store.pools import Pools
from store.push import PushStore
from store.qr import QrLogins
from store.ratelimit import WindowLimiter
from store.retries import PendingRetry, RetrySchedule
from store.rules import RuleStore
from store.sessions import Session, SessionStore
from store.status import STATES, Status, StatusStore
from store.throttle import Throttle
from store.ticks import Ticks
from store.toview_own import OwnToview
from store.users import UserProfile, UserStore
from store.videos import VideoCache, VideoRecord

__all__ = [
    "STATES",
    "BehaviourEvent",
    "ModelMeta",
    "PendingRetry",
    "VideoRecord",
    "DecryptionError",
    "SavedCredentials",
    "Session",
    "Status",
    "Store",
    "UserProfile",
]


@dataclass(frozen=True)
class Store:
    redis: redis.Redis
    credentials: CredentialStore
    sessions: SessionStore
    users: UserStore
    status: StatusStore
    locks: RefreshLocks
    retries: RetrySchedule
    qr: QrLogins
    limits: WindowLimiter
    device: DeviceStore
    events: EventLog
    cursors: Cursors
    videos: VideoCache
    pools: Pools
    picks: PickStore
    models: ModelStore
    throttle: Throttle
    ticks: Ticks
    feedback: FeedbackStore
    atom: AtomTokens
    rendered: RenderedPicks
    follows: Follows
    toview_own: OwnToview
    toview: ToviewStore
    push: PushStore
    leaving: Leaving
    rules: RuleStore

    @classmethod
    def connect(
        cls,
        redis_url: str,
        secret_key: str,
        *,
        old_secret_key: str = "",
        session_ttl_s: float = 30 * 86400,
        lock_ttl_s: float = 3 * 3600,
        video_ttl_s: float = 14 * 86400,
    ) -> Store:
        r = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=3)
        cipher = Cipher(secret_key, old_secrets=[old_secret_key])
        credentials = CredentialStore(r, cipher)
        return cls(
            redis=r,
            credentials=credentials,
            sessions=SessionStore(r, ttl_s=session_ttl_s),
            users=UserStore(r),
            status=StatusStore(r),
            locks=RefreshLocks(r, ttl_s=lock_ttl_s),
            retries=RetrySchedule(r),
            qr=QrLogins(r),
            limits=WindowLimiter(r),
            device=DeviceStore(r),
            events=EventLog(r),
            cursors=Cursors(r),
            videos=VideoCache(r, ttl_s=video_ttl_s, gone_ttl_s=30 * 86400),
            pools=Pools(r),
            picks=PickStore(r),
            models=ModelStore(r),
            throttle=Throttle(r),
            ticks=Ticks(r),
            feedback=FeedbackStore(r),
            atom=AtomTokens(r),
            rendered=RenderedPicks(r),
            follows=Follows(r),
            toview_own=OwnToview(r),
            toview=ToviewStore(r),
            push=PushStore(r, cipher),
            leaving=Leaving(r, credentials),
            rules=RuleStore(r),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls.connect(
            settings.redis_url,
            settings.secret_key,
            old_secret_key=settings.secret_key_old,
            session_ttl_s=settings.session_ttl_days * 86400,
            lock_ttl_s=settings.refresh_lock_ttl_s,
            video_ttl_s=settings.video_ttl_days * 86400,
        )

    def ping(self) -> None:
        """Raises redis.RedisError when Redis does not answer."""
        self.redis.ping()

    def never_pick(self, mid: int, among: Iterable[str] | None = None) -> set[str]:
        """The videos never picked for the user: every one they touched (``models.signals``:
        watched, liked, coined, favourited, disliked, 看过了) and what they put in 稍后再看
        themselves, while it is listed. With ``among``, only which of those (one read whose
        size follows the candidates, not the history)."""
        touched, own = keys.touched(mid), keys.toview_own(mid)
        if among is None:
            return {b.decode() for b in self.redis.sunion(touched, own)}
        bvids = list(dict.fromkeys(among))
        if not bvids:
            return set()
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.smismember(touched, bvids)
            pipe.smismember(own, bvids)
            in_touched, in_own = pipe.execute()
        return {b for b, t, o in zip(bvids, in_touched, in_own, strict=True) if t or o}

    def begin_leaving(self, mid: int) -> str:
        """The first step of a logout the worker finishes (it must take back 稍后再看
        entries first): marks it and snapshots the login to end (``store.leaving``); the
        user stays logged in here until ``leave``, so a logout that cannot be queued is
        undone by clearing the mark."""
        return self.leaving.begin(mid)

    def leave(self, mid: int) -> None:
        """The user is logged out here (sessions, feed, schedule); their data, the record
        of what we added and the login snapshot stay until ``finish_leaving``."""
        self.sessions.delete_all_for(mid)
        self.atom.revoke(mid)
        self.redis.srem(keys.ACTIVE_USERS, mid)

    def finish_leaving(self, mid: int, token: str) -> bool:
        """Forget the user if logout ``token`` is still the pending one; False (nothing
        deleted) when a new login cancelled it, however close the two come: the login
        writes the credentials and the profile, which this watches."""
        watched = [keys.leaving(mid), keys.credentials(mid), keys.user(mid)]
        for _ in range(5):
            with self.redis.pipeline() as pipe:
                try:
                    pipe.watch(*watched)
                    if self.leaving.token(mid) != token:
                        return False
                    doomed = [*user_index.tracked(self.redis, mid),
                              *keys.fixed_user_keys(mid)]
                    pipe.multi()
                    pipe.srem(keys.ACTIVE_USERS, mid)
                    pipe.delete(*doomed)
                    pipe.execute()
                except redis.WatchError:
                    continue
            self.sessions.delete_all_for(mid)
            self.atom.revoke(mid)
            return True
        return False

    def forget_user(self, mid: int) -> None:
        """Delete everything stored about a user: profile, credentials, events, model, picks.
        Every key is found by name or through the user's index: no scan of the keyspace,
        whose cost grows with every user's data."""
        self.sessions.delete_all_for(mid)
        self.atom.revoke(mid)  # its lookup key sits outside the user's prefix
        doomed = [*user_index.tracked(self.redis, mid), *keys.fixed_user_keys(mid)]
        with self.redis.pipeline() as pipe:
            pipe.srem(keys.ACTIVE_USERS, mid)
            pipe.delete(*doomed)
            pipe.execute()
