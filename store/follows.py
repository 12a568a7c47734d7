"""Whom each user follows on bilibili (关注), when to read that list again, and the
reading of followed UP主's new uploads: per UP主 the day last read and the newest upload
seen, per day the requests spent and whether the source is off for the day (-352).

Days are day numbers (``date.toordinal()`` in the installation's time zone), so "once a
day" means once per calendar day wherever the worker runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import redis

from store import keys, user_index

_META = "_meta"  # a field of the follows hash: newest follow time, size, next read
_DAY_TTL_S = 3 * 86400


@dataclass(frozen=True)
class Followed:
    mid: int
    name: str
    followed_at: int = 0
    special: bool = False


@dataclass(frozen=True)
class FollowsMeta:
    next_read_at: int = 0  # unix s: the list is not read again before this
    newest_at: int = 0  # the newest follow time in the stored list
    total: int = 0  # the list's size as bilibili said it


@dataclass(frozen=True)
class UploadsRead:
    day: int  # the day number this UP主's uploads were last read
    newest: int  # the newest upload time seen (unix s)


class Follows:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    # --- the list ---------------------------------------------------------------------

    def replace(self, mid: int, followed: Iterable[Followed], meta: FollowsMeta) -> None:
        """The whole list at once (followings removed on bilibili go too)."""
        fields = {str(f.mid): json.dumps({"name": f.name, "at": f.followed_at,
                                          "special": f.special}, ensure_ascii=False)
                  for f in followed}
        fields[_META] = json.dumps(vars(meta))
        key = keys.follows(mid)
        with self._r.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping=fields)
            pipe.execute()

    def set_next_read(self, mid: int, at: int) -> None:
        meta = self.meta(mid)
        self._r.hset(keys.follows(mid), _META, json.dumps(
            {**vars(meta), "next_read_at": int(at)}))

    def meta(self, mid: int) -> FollowsMeta:
        raw = self._r.hget(keys.follows(mid), _META)
        try:
            doc = json.loads(raw) if raw else {}
            return FollowsMeta(int(doc.get("next_read_at", 0)), int(doc.get("newest_at", 0)),
                               int(doc.get("total", 0)))
        except (ValueError, TypeError, AttributeError):
            return FollowsMeta()

    def all(self, mid: int) -> list[Followed]:
        """Every followed UP主, by mid (a stable order to take turns in)."""
        out = []
        for field, raw in self._r.hgetall(keys.follows(mid)).items():
            if field == _META.encode():
                continue
            try:
                doc = json.loads(raw)
                out.append(Followed(int(field), str(doc.get("name", "")), int(doc.get("at", 0)),
                                    bool(doc.get("special", False))))
            except (ValueError, TypeError, AttributeError):
                continue  # garbled or older: skipped, the next daily read replaces it
        return sorted(out, key=lambda f: f.mid)

    def for_model(self, mid: int) -> dict[int, int]:
        """UP主 mid → 1, or 2 for 特别关注 (what the model reads)."""
        return {f.mid: 2 if f.special else 1 for f in self.all(mid)}

    # --- their uploads ----------------------------------------------------------------

    def reads(self, mid: int) -> dict[int, UploadsRead]:
        out = {}
        for field, raw in self._r.hgetall(keys.follow_reads(mid)).items():
            try:
                day, newest = (int(x) for x in raw.decode().split(":"))
                out[int(field)] = UploadsRead(day, newest)
            except ValueError:
                continue
        return out

    def mark_read(self, mid: int, up: int, read: UploadsRead) -> None:
        self._r.hset(keys.follow_reads(mid), str(up), f"{read.day}:{read.newest}")

    def take_request(self, mid: int, day: int, per_day: int) -> bool:
        """Spend one of the day's ``per_day`` arc/search requests; False when none is left."""
        key = keys.follow_day(mid, day)
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, "used", 1)
            pipe.expire(key, _DAY_TTL_S)
            user_index.track(pipe, mid, key, _DAY_TTL_S)
            used = pipe.execute()[0]
        if used > per_day:
            self._r.hincrby(key, "used", -1)
            return False
        return True

    def used(self, mid: int, day: int) -> int:
        return int(self._r.hget(keys.follow_day(mid, day), "used") or 0)

    def skip_day(self, mid: int, day: int) -> None:
        """The source is off for the rest of the day (bilibili refused it with -352)."""
        key = keys.follow_day(mid, day)
        self._r.hset(key, "skip", 1)
        self._r.expire(key, _DAY_TTL_S)
        user_index.track(self._r, mid, key, _DAY_TTL_S)

    def skipped(self, mid: int, day: int) -> bool:
        return self._r.hget(keys.follow_day(mid, day), "skip") is not None

    def pointer(self, mid: int) -> int:
        """The UP主 (mid) whose uploads were read last: the next turn starts after it."""
        return int(self._r.hget(keys.follow_reads(mid), _META) or 0)

    def set_pointer(self, mid: int, up: int) -> None:
        self._r.hset(keys.follow_reads(mid), _META, up)
