"""Delivery to 稍后再看: each user's switch and count, the record of what this project
added (so it can be taken back), and the last error. All under the user's prefix, so
logout deletes it with the rest."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass

import redis

from store import codec, keys

COUNT_MIN, COUNT_MAX, COUNT_DEFAULT = 1, 30, 10

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True)
class ToviewSettings:
    enabled: bool = False
    count: int = COUNT_DEFAULT


@dataclass(frozen=True)
class Added:
    aid: int
    bvid: str
    added_at: float  # Unix seconds
    day: str  # the picks date it was added for (YYYY-MM-DD)
    title: str = ""


class ToviewStore:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r
        self._release = r.register_script(_RELEASE)

    @contextlib.contextmanager
    def writing(self, mid: int, *, ttl_s: float = 900, wait_s: float = 0,
                poll_s: float = 0.5) -> Iterator[bool]:
        """One writer to a user's list at a time: yields True while held, False when
        another task held it for all of ``wait_s``. The TTL frees it if a worker dies."""
        token = secrets.token_hex(8)
        deadline = time.monotonic() + wait_s
        while not (got := bool(self._r.set(keys.toview_lock(mid), token, nx=True,
                                           ex=max(1, int(ttl_s))))):
            if time.monotonic() >= deadline:
                break
            time.sleep(poll_s)
        try:
            yield got
        finally:
            if got:
                self._release(keys=[keys.toview_lock(mid)], args=[token])

    # -- settings ---------------------------------------------------------------------

    def settings(self, mid: int) -> ToviewSettings:
        doc = codec.read(self._r.get(keys.toview_settings(mid))) or {}
        count = doc.get("count")
        if not isinstance(count, int) or not COUNT_MIN <= count <= COUNT_MAX:
            count = COUNT_DEFAULT
        return ToviewSettings(enabled=doc.get("enabled") is True, count=count)

    def save_settings(self, mid: int, *, enabled: bool | None = None,
                      count: int | None = None) -> ToviewSettings:
        """Change what is given; the caller has checked ``count`` is in range."""
        current = self.settings(mid)
        new = ToviewSettings(
            enabled=current.enabled if enabled is None else enabled,
            count=current.count if count is None else count,
        )
        self._r.set(keys.toview_settings(mid),
                    codec.dump({"enabled": new.enabled, "count": new.count}))
        return new

    # -- the record of what we added --------------------------------------------------

    def added(self, mid: int) -> list[Added]:
        """Every entry we added and still manage, oldest first; garbled records skipped."""
        out = []
        for raw_aid, raw in self._r.hgetall(keys.toview_added(mid)).items():
            try:
                doc = codec.load(raw) or {}
                out.append(Added(aid=int(raw_aid), bvid=str(doc["bvid"]),
                                 added_at=float(doc["added_at"]), day=str(doc.get("day", "")),
                                 title=str(doc.get("title", ""))))
            except (codec.StoredValueError, KeyError, TypeError, ValueError):
                continue
        return sorted(out, key=lambda a: (a.added_at, a.aid))

    def record_added(self, mid: int, aid: int, bvid: str, day: str, *,
                     at: float | None = None, title: str = "") -> None:
        """Written before the add is sent, one entry at a time, so an add whose answer
        was lost is still known as ours (the caller forgets it on a definite refusal)."""
        doc = {"bvid": bvid, "added_at": at if at is not None else time.time(), "day": day,
               "title": title}
        self._r.hset(keys.toview_added(mid), str(aid), codec.dump(doc))

    def forget_added(self, mid: int, aids: list[int]) -> None:
        """No longer ours to manage: removed from the list, gone, or taken by the user."""
        if aids:
            self._r.hdel(keys.toview_added(mid), *[str(a) for a in aids])

    def delivered(self, mid: int) -> set[str]:
        """Every video delivered on a day still remembered (see ``remember``)."""
        return {b.decode() for b in self._r.hkeys(keys.toview_delivered(mid))}

    def remember(self, mid: int, bvid: str, day: str, *, keep_days: int = 60) -> None:
        """A video delivered once is not delivered again (once removed unwatched, the user
        passed on it); days older than ``keep_days`` are dropped."""
        key = keys.toview_delivered(mid)
        self._r.hset(key, bvid, day)
        cutoff = (dt.date.fromisoformat(day) - dt.timedelta(days=keep_days)).isoformat()
        old = [k for k, v in self._r.hgetall(key).items() if v.decode() < cutoff]
        if old:
            self._r.hdel(key, *old)

    # -- last error -------------------------------------------------------------------

    def error(self, mid: int) -> str | None:
        raw = self._r.get(keys.toview_error(mid))
        return raw.decode() if raw else None

    def set_error(self, mid: int, message: str | None) -> None:
        if message:
            self._r.set(keys.toview_error(mid), message)
        else:
            self._r.delete(keys.toview_error(mid))
