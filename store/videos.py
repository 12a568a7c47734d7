"""Shared video metadata, fetched once for all users: a cache with a TTL, and a memory of
videos bilibili says are gone (deleted/hidden) so they are not asked for every day."""

from __future__ import annotations

import time
from dataclasses import MISSING, asdict, dataclass, field, fields

import redis

from store import codec, keys


@dataclass(frozen=True)
class VideoRecord:
    bvid: str
    title: str = ""
    cover: str = ""
    aid: int | None = None
    tid: int | None = None
    tname: str = ""
    duration: int = 0
    pubdate: int = 0
    owner_mid: int = 0
    owner_name: str = ""
    view: int = 0
    like: int = 0
    coin: int = 0
    favorite: int = 0
    tags: tuple[str, ...] | None = None  # None = not fetched yet
    source: str = ""  # where a candidate came from: hot, weekly, ranking, related, feed
    tname_v2: str = ""  # v2 zone name, "" when the answer had none
    vertical: bool | None = None  # None = the answer carried no ``dimension``
    upower: bool | None = None  # 充电专属; None = not said (only view answers it)
    fetched_at: float = field(default_factory=time.time)

    def to_doc(self) -> dict:
        doc = asdict(self)
        doc["tags"] = list(self.tags) if self.tags is not None else None
        return doc

    @classmethod
    def from_doc(cls, doc: dict) -> VideoRecord:
        """The record a stored document holds; unknown keys are ignored, missing ones take
        their defaults. Raises TypeError without a bvid."""
        if not isinstance(doc, dict) or not isinstance(doc.get("bvid"), str):
            raise TypeError("a video record needs a bvid")
        # Pools of hundreds of records are read per user, and a frozen dataclass's
        # __init__ sets each field through object.__setattr__: filling the instance's
        # dict directly takes half the time (the fields are the same, nothing is checked
        # by __init__ either).
        record = object.__new__(cls)
        values = record.__dict__
        values.update(_DEFAULTS, fetched_at=time.time())
        values.update(doc)
        for extra in values.keys() - _FIELD_NAMES:
            del values[extra]
        if values["tags"] is not None:
            values["tags"] = tuple(map(str, values["tags"]))
        return record


_FIELD_NAMES = frozenset(f.name for f in fields(VideoRecord))
_DEFAULTS = {f.name: f.default for f in fields(VideoRecord) if f.default is not MISSING}


class VideoCache:
    def __init__(self, r: redis.Redis, *, ttl_s: float, gone_ttl_s: float) -> None:
        self._r = r
        self._ttl_s = int(ttl_s)
        self._gone_ttl_s = int(gone_ttl_s)

    def put(self, records: list[VideoRecord]) -> None:
        with self._r.pipeline() as pipe:
            for record in records:
                pipe.set(keys.video(record.bvid), codec.dump(record.to_doc()), ex=self._ttl_s)
            pipe.execute()

    def get_many(self, bvids: list[str]) -> dict[str, VideoRecord]:
        if not bvids:
            return {}
        out = {}
        for bvid, raw in zip(bvids, self._r.mget([keys.video(b) for b in bvids]), strict=True):
            doc = codec.read(raw)
            if doc is not None:
                out[bvid] = VideoRecord.from_doc(doc)
        return out

    def mark_gone(self, bvid: str, code: int | None) -> None:
        self._r.set(keys.video_gone(bvid), code or 0, ex=self._gone_ttl_s)

    def gone(self, bvids: list[str]) -> set[str]:
        if not bvids:
            return set()
        flags = self._r.mget([keys.video_gone(b) for b in bvids])
        return {b for b, flag in zip(bvids, flags, strict=True) if flag is not None}
