"""Shared video metadata, fetched once for all users: a cache with a TTL, and a memory of
videos bilibili says are gone (deleted/hidden) so they are not asked for every day."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, fields

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
    fetched_at: float = field(default_factory=time.time)

    def to_doc(self) -> dict:
        doc = asdict(self)
        doc["tags"] = list(self.tags) if self.tags is not None else None
        return doc

    @classmethod
    def from_doc(cls, doc: dict) -> VideoRecord:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in doc.items() if k in known}
        if data.get("tags") is not None:
            data["tags"] = tuple(str(t) for t in data["tags"])
        return cls(**data)


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
            try:
                doc = codec.load(raw)
            except codec.StoredValueError:
                continue
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


class Pools:
    """Candidate pools: shared hot pools (``hot:{source}``) and each user's own."""

    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def put_hot(self, source: str, records: list[VideoRecord]) -> None:
        self._r.set(keys.hot_pool(source), _dump_list(records))

    def hot(self, source: str) -> list[VideoRecord]:
        return _load_list(self._r.get(keys.hot_pool(source)))

    def claim_hot_refresh(self, ttl_s: float) -> bool:
        """True for the one caller that may refresh the shared pools now."""
        return bool(self._r.set(keys.hot_pool("refreshing"), 1, nx=True, ex=int(ttl_s)))

    def has_hot(self) -> bool:
        return bool(self._r.exists(keys.hot_pool("hot")))

    def put_user(self, mid: int, records: list[VideoRecord]) -> None:
        self._r.set(keys.user_pool(mid), _dump_list(records))

    def user(self, mid: int) -> list[VideoRecord]:
        return _load_list(self._r.get(keys.user_pool(mid)))


def _dump_list(records: list[VideoRecord]) -> bytes:
    return codec.dump({"items": [r.to_doc() for r in records]})


def _load_list(raw: bytes | None) -> list[VideoRecord]:
    try:
        doc = codec.load(raw)
    except codec.StoredValueError:
        return []
    items = doc.get("items") if doc else None
    if not isinstance(items, list):
        return []
    out = []
    for item in items:
        try:
            out.append(VideoRecord.from_doc(item))
        except (TypeError, ValueError):
            continue
    return out


